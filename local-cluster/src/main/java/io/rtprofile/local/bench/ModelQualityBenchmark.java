package io.rtprofile.local.bench;

import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.models.kmeans.BatchKMeans;
import io.rtprofile.jobs.models.kmeans.OnlineKMeans;
import io.rtprofile.jobs.models.quality.AdjustedRandIndex;
import io.rtprofile.jobs.models.quality.Auc;
import io.rtprofile.jobs.models.quality.BatchLogisticRegression;
import io.rtprofile.jobs.models.quality.LogLoss;
import io.rtprofile.schema.state.FtrlWeights;
import io.rtprofile.schema.state.KMeansState;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The model-quality figures of docs/benchmarks.md (issue 5), reproducible: how fast the online
 * models learn, beside what an offline fit of the same data reaches and what generated it.
 *
 * <p><b>Propensity (FTRL).</b> Over a stream of {@link LabelledExample}s in {@code takenAt} order,
 * at each checkpoint n: the online FTRL-Proximal model after one pass over the first n examples, an
 * offline {@link BatchLogisticRegression} fitted on the same n, and the generating model, all
 * scored (AUC, log loss) on one held-out test set; plus the online model's progressive-validation
 * log loss (each example scored before it is learned, the figure a live model can report of
 * itself). Both learners get the intercept as a constant feature {@value #BIAS} = 1. Today the
 * examples come from {@link SyntheticExamples}; {@link #learningCurve} takes any list, so the
 * examples the pipeline emits can be measured the same way.
 *
 * <p><b>Audiences (k-means).</b> Points from {@link PlantedClusters}, streamed through {@link
 * OnlineKMeans}; at each checkpoint the adjusted Rand index against the planted labels on held-out
 * points, beside batch k-means (Lloyd's, k-means++, 3 restarts) on the same first n points, the
 * planted mixture's own most probable labels, and online k-means without standardization.
 *
 * <p>Every figure is computed for each seed; the tables are medians over seeds. CSV files (every
 * seed) and SVG charts (medians) go to the output directory.
 */
public final class ModelQualityBenchmark {
    /** The intercept's feature name, as the pipeline adds it. */
    public static final String BIAS = "(bias)";

    /** Timestamps of synthetic examples start here (2026-01-01T00:00:00Z). */
    private static final long START = 1_767_225_600_000L;

    /** Batch k-means restarts from different k-means++ seeds; the best (lowest inertia) wins. */
    static final int BATCH_RESTARTS = 3;

    public enum Section {
        FTRL,
        KMEANS
    }

    /** What to measure, and where to write it. */
    public record Settings(
            Set<Section> sections,
            List<Long> seeds,
            List<Integer> checkpoints,
            int testExamples,
            FtrlProximal.Parameters ftrl,
            BatchLogisticRegression.Parameters batch,
            List<Integer> clusterCheckpoints,
            int clusterTestPoints,
            double kMeansDecay,
            Path outputDir) {}

    /** One checkpoint of the propensity learning curve, for one seed. */
    public record CurvePoint(
            long seed,
            int examples,
            double positiveRate,
            double onlineAuc,
            double onlineLogLoss,
            double progressiveLogLoss,
            double offlineAuc,
            double offlineLogLoss,
            double generatingAuc,
            double generatingLogLoss) {}

    /** One checkpoint of the cluster recovery, for one seed. */
    public record ClusterPoint(
            long seed,
            int points,
            double onlineAri,
            double batchAri,
            double onlineVsBatchAri,
            double unstandardizedAri,
            double plantedModelAri) {}

    public record Result(List<CurvePoint> curve, List<ClusterPoint> clusters) {}

    /** The target of issue 5: online AUC within this of the offline fit's at 100k examples. */
    public static final double TARGET_AUC_GAP = 0.02;

    public static final int TARGET_EXAMPLES = 100_000;

    private final Settings settings;
    private final PrintStream out;

    public ModelQualityBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public Result run() throws IOException {
        Files.createDirectories(settings.outputDir());
        List<CurvePoint> curve = new ArrayList<>();
        List<ClusterPoint> clusters = new ArrayList<>();
        if (settings.sections().contains(Section.FTRL)) {
            curve = runLearningCurves();
        }
        if (settings.sections().contains(Section.KMEANS)) {
            clusters = runClusterRecovery();
        }
        return new Result(curve, clusters);
    }

    private List<CurvePoint> runLearningCurves() throws IOException {
        int trainSize = max(settings.checkpoints());
        FtrlProximal.Parameters p = settings.ftrl();
        out.printf(
                "Propensity: %,d training and %,d test examples per seed (SyntheticExamples, labels"
                        + " from PurchaseModel), seeds %s%n"
                        + "  online: FTRL-Proximal alpha=%s beta=%s l1=%s l2=%s, one pass in"
                        + " order; offline: Newton logistic regression l2=%s (summed loss),"
                        + " tolerance %s%n",
                trainSize,
                settings.testExamples(),
                settings.seeds(),
                p.alpha(),
                p.beta(),
                p.l1(),
                p.l2(),
                settings.batch().l2(),
                settings.batch().tolerance());
        List<CurvePoint> all = new ArrayList<>();
        for (long seed : settings.seeds()) {
            long start = System.nanoTime();
            List<LabelledExample> train = SyntheticExamples.draw(trainSize, 2 * seed, START);
            List<LabelledExample> test =
                    SyntheticExamples.draw(settings.testExamples(), 2 * seed + 1, START);
            List<CurvePoint> points =
                    learningCurve(
                            seed,
                            train,
                            test,
                            settings.checkpoints(),
                            settings.ftrl(),
                            settings.batch(),
                            SyntheticExamples::generatingProbability);
            all.addAll(points);
            CurvePoint last = points.get(points.size() - 1);
            out.printf(
                    "  seed %d: %,d examples, AUC online %.4f offline %.4f generating %.4f (%.1f"
                            + " s)%n",
                    seed,
                    last.examples(),
                    last.onlineAuc(),
                    last.offlineAuc(),
                    last.generatingAuc(),
                    (System.nanoTime() - start) / 1e9);
        }
        List<CurvePoint> medians = curveMedians(all);
        printCurveTable(out, settings.seeds().size(), medians, all);
        writeCurveCsv(all, settings.outputDir().resolve("model-learning-curve.csv"));
        Files.writeString(
                settings.outputDir().resolve("model-learning-curve.svg"),
                curveChart(
                        String.format(
                                Locale.ROOT,
                                "Purchase propensity: test AUC, %s",
                                overSeeds(settings.seeds())),
                        "AUC on "
                                + String.format(Locale.ROOT, "%,d", settings.testExamples())
                                + " held-out",
                        "generating model (PurchaseModel)",
                        medians));
        out.printf(
                "  wrote %s and %s%n",
                settings.outputDir().resolve("model-learning-curve.csv"),
                settings.outputDir().resolve("model-learning-curve.svg"));
        return all;
    }

    /**
     * The learning curve of one example stream: {@code train} is learned in {@code takenAt} order
     * (stable); at each checkpoint n (those beyond the stream are skipped) both models trained on
     * the first n are scored on {@code test}. {@code generatingModel} may be null (NaN in its
     * columns) when the truth is unknown, as with examples from the pipeline.
     */
    public static List<CurvePoint> learningCurve(
            long seed,
            List<LabelledExample> train,
            List<LabelledExample> test,
            List<Integer> checkpoints,
            FtrlProximal.Parameters ftrlParameters,
            BatchLogisticRegression.Parameters batchParameters,
            ToDoubleFunction<Map<String, Double>> generatingModel) {
        List<LabelledExample> ordered = new ArrayList<>(train);
        ordered.sort(Comparator.comparingLong(LabelledExample::takenAt));
        List<Map<String, Double>> trainX = new ArrayList<>(ordered.size());
        boolean[] trainY = new boolean[ordered.size()];
        for (int i = 0; i < ordered.size(); i++) {
            trainX.add(withBias(ordered.get(i).features()));
            trainY[i] = ordered.get(i).label();
        }
        List<Map<String, Double>> testX = new ArrayList<>(test.size());
        boolean[] testY = new boolean[test.size()];
        for (int i = 0; i < test.size(); i++) {
            testX.add(withBias(test.get(i).features()));
            testY[i] = test.get(i).label();
        }
        double generatingAuc = Double.NaN;
        double generatingLogLoss = Double.NaN;
        if (generatingModel != null) {
            double[] truth = new double[test.size()];
            for (int i = 0; i < test.size(); i++) {
                truth[i] = generatingModel.applyAsDouble(test.get(i).features());
            }
            generatingAuc = Auc.of(truth, testY);
            generatingLogLoss = LogLoss.mean(truth, testY);
        }

        FtrlProximal ftrl = new FtrlProximal(ftrlParameters);
        BatchLogisticRegression batch = new BatchLogisticRegression(batchParameters);
        FtrlWeights weights = FtrlProximal.emptyWeights();
        List<Integer> sorted = checkpoints.stream().sorted().distinct().toList();
        List<CurvePoint> points = new ArrayList<>();
        double progressiveLoss = 0;
        long positives = 0;
        int seen = 0;
        for (int n : sorted) {
            if (n > trainX.size() || n < 1) {
                continue;
            }
            for (; seen < n; seen++) {
                double before = ftrl.update(weights, trainX.get(seen), trainY[seen]).probability();
                progressiveLoss += LogLoss.of(before, trainY[seen]);
                positives += trainY[seen] ? 1 : 0;
            }
            double[] online = new double[testX.size()];
            for (int i = 0; i < testX.size(); i++) {
                online[i] = ftrl.predict(weights, testX.get(i)).probability();
            }
            BatchLogisticRegression.Model offlineModel =
                    batch.fit(trainX.subList(0, n), Arrays.copyOf(trainY, n));
            double[] offline = new double[testX.size()];
            for (int i = 0; i < testX.size(); i++) {
                offline[i] = offlineModel.predict(testX.get(i));
            }
            points.add(
                    new CurvePoint(
                            seed,
                            n,
                            (double) positives / n,
                            Auc.of(online, testY),
                            LogLoss.mean(online, testY),
                            progressiveLoss / n,
                            Auc.of(offline, testY),
                            LogLoss.mean(offline, testY),
                            generatingAuc,
                            generatingLogLoss));
        }
        return points;
    }

    private List<ClusterPoint> runClusterRecovery() throws IOException {
        int trainSize = max(settings.clusterCheckpoints());
        out.printf(
                "%nAudiences: k=%d planted clusters in %d dimensions (PlantedClusters), %,d streamed"
                        + " and %,d held-out points per seed, seeds %s%n"
                        + "  online: OnlineKMeans decay=%s, %d seed points, standardized;"
                        + " batch: Lloyd's from k-means++, best of %d, standardized%n",
                PlantedClusters.K,
                PlantedClusters.dimensions(),
                trainSize,
                settings.clusterTestPoints(),
                settings.seeds(),
                settings.kMeansDecay(),
                seedPoints(),
                BATCH_RESTARTS);
        List<ClusterPoint> all = new ArrayList<>();
        for (long seed : settings.seeds()) {
            long start = System.nanoTime();
            List<ClusterPoint> points =
                    clusterRecovery(
                            seed,
                            PlantedClusters.draw(trainSize, 2 * seed),
                            PlantedClusters.draw(settings.clusterTestPoints(), 2 * seed + 1),
                            settings.clusterCheckpoints(),
                            settings.kMeansDecay());
            all.addAll(points);
            ClusterPoint last = points.get(points.size() - 1);
            out.printf(
                    "  seed %d: %,d points, ARI online %.4f batch %.4f planted model %.4f (%.1f s)%n",
                    seed,
                    last.points(),
                    last.onlineAri(),
                    last.batchAri(),
                    last.plantedModelAri(),
                    (System.nanoTime() - start) / 1e9);
        }
        List<ClusterPoint> medians = clusterMedians(all);
        printClusterTable(medians);
        writeClusterCsv(all, settings.outputDir().resolve("kmeans-recovery.csv"));
        Files.writeString(
                settings.outputDir().resolve("kmeans-recovery.svg"), clusterChart(medians));
        out.printf(
                "  wrote %s and %s%n",
                settings.outputDir().resolve("kmeans-recovery.csv"),
                settings.outputDir().resolve("kmeans-recovery.svg"));
        return all;
    }

    private static int seedPoints() {
        return 20 * PlantedClusters.K;
    }

    /**
     * Cluster recovery of one stream of planted points: at each checkpoint n, online k-means after
     * the first n points (with and without standardization) and batch k-means fitted on them, each
     * labelling {@code test}, against its planted labels.
     */
    public static List<ClusterPoint> clusterRecovery(
            long seed,
            PlantedClusters.Sample train,
            PlantedClusters.Sample test,
            List<Integer> checkpoints,
            double decay) {
        int k = PlantedClusters.K;
        OnlineKMeans standardized =
                new OnlineKMeans(new OnlineKMeans.Parameters(k, decay, seedPoints(), seed, true));
        OnlineKMeans raw =
                new OnlineKMeans(new OnlineKMeans.Parameters(k, decay, seedPoints(), seed, false));
        List<String> features = new ArrayList<>();
        for (int j = 0; j < PlantedClusters.dimensions(); j++) {
            features.add("x" + j);
        }
        KMeansState standardizedState = OnlineKMeans.emptyState(features);
        KMeansState rawState = OnlineKMeans.emptyState(features);
        double plantedModelAri =
                AdjustedRandIndex.of(
                        PlantedClusters.plantedModelLabels(test.points()), test.labels());
        List<Integer> sorted = checkpoints.stream().sorted().distinct().toList();
        List<ClusterPoint> points = new ArrayList<>();
        int seen = 0;
        for (int n : sorted) {
            if (n > train.points().length || n < seedPoints()) {
                continue;
            }
            for (; seen < n; seen++) {
                standardized.update(standardizedState, train.points()[seen]);
                raw.update(rawState, train.points()[seen]);
            }
            int[] online = labels(standardized, standardizedState, test.points());
            int[] unstandardized = labels(raw, rawState, test.points());
            BatchKMeans.Result batch =
                    BatchKMeans.fit(
                            Arrays.copyOf(train.points(), n), k, true, BATCH_RESTARTS, 100, seed);
            int[] offline = batch.assign(test.points());
            points.add(
                    new ClusterPoint(
                            seed,
                            n,
                            AdjustedRandIndex.of(online, test.labels()),
                            AdjustedRandIndex.of(offline, test.labels()),
                            AdjustedRandIndex.of(online, offline),
                            AdjustedRandIndex.of(unstandardized, test.labels()),
                            plantedModelAri));
        }
        return points;
    }

    private static int[] labels(OnlineKMeans model, KMeansState state, double[][] points) {
        int[] labels = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            labels[i] = model.assign(state, points[i]).orElseThrow().cluster();
        }
        return labels;
    }

    static Map<String, Double> withBias(Map<String, Double> features) {
        Map<String, Double> x = new HashMap<>(features);
        x.put(BIAS, 1.0);
        return x;
    }

    /** Per checkpoint, the median of each figure over seeds (seed -1). */
    static List<CurvePoint> curveMedians(List<CurvePoint> all) {
        List<CurvePoint> medians = new ArrayList<>();
        for (int n : all.stream().map(CurvePoint::examples).distinct().sorted().toList()) {
            List<CurvePoint> at = all.stream().filter(p -> p.examples() == n).toList();
            medians.add(
                    new CurvePoint(
                            -1,
                            n,
                            median(at, CurvePoint::positiveRate),
                            median(at, CurvePoint::onlineAuc),
                            median(at, CurvePoint::onlineLogLoss),
                            median(at, CurvePoint::progressiveLogLoss),
                            median(at, CurvePoint::offlineAuc),
                            median(at, CurvePoint::offlineLogLoss),
                            median(at, CurvePoint::generatingAuc),
                            median(at, CurvePoint::generatingLogLoss)));
        }
        return medians;
    }

    static List<ClusterPoint> clusterMedians(List<ClusterPoint> all) {
        List<ClusterPoint> medians = new ArrayList<>();
        for (int n : all.stream().map(ClusterPoint::points).distinct().sorted().toList()) {
            List<ClusterPoint> at = all.stream().filter(p -> p.points() == n).toList();
            medians.add(
                    new ClusterPoint(
                            -1,
                            n,
                            median(at, ClusterPoint::onlineAri),
                            median(at, ClusterPoint::batchAri),
                            median(at, ClusterPoint::onlineVsBatchAri),
                            median(at, ClusterPoint::unstandardizedAri),
                            median(at, ClusterPoint::plantedModelAri)));
        }
        return medians;
    }

    private static <T> double median(List<T> points, Function<T, Double> figure) {
        return BenchSupport.median(points.stream().map(figure).toList());
    }

    static void printCurveTable(
            PrintStream out, int seeds, List<CurvePoint> medians, List<CurvePoint> all) {
        out.printf(
                "%nMedians over %d seeds (AUC and log loss on the held-out test set):%n%n", seeds);
        out.println(
                "| examples seen | positive rate | online AUC | offline AUC | generating AUC |"
                        + " offline - online AUC (max) | online log loss | offline log loss |"
                        + " generating log loss | online progressive log loss |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (CurvePoint m : medians) {
            List<Double> gaps = gaps(all, m.examples());
            out.printf(
                    Locale.ROOT,
                    "| %,d | %.3f | %.4f | %.4f | %.4f | %.4f (%.4f) | %.4f | %.4f | %.4f | %.4f |%n",
                    m.examples(),
                    m.positiveRate(),
                    m.onlineAuc(),
                    m.offlineAuc(),
                    m.generatingAuc(),
                    BenchSupport.median(gaps),
                    gaps.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    m.onlineLogLoss(),
                    m.offlineLogLoss(),
                    m.generatingLogLoss(),
                    m.progressiveLogLoss());
        }
        List<Double> atTarget = gaps(all, TARGET_EXAMPLES);
        if (atTarget.isEmpty()) {
            out.printf("%nTarget not checked: no checkpoint at %,d examples.%n", TARGET_EXAMPLES);
        } else {
            double median = BenchSupport.median(atTarget);
            double max = atTarget.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            out.printf(
                    Locale.ROOT,
                    "%nTarget (online AUC within %.2f of the offline fit after %,d examples): offline"
                            + " - online = %.4f median, %.4f worst seed: %s%n",
                    TARGET_AUC_GAP,
                    TARGET_EXAMPLES,
                    median,
                    max,
                    max <= TARGET_AUC_GAP ? "MET for every seed" : "NOT MET");
        }
    }

    /** Offline AUC minus online AUC at {@code n}, one per seed. */
    static List<Double> gaps(List<CurvePoint> all, int n) {
        return all.stream()
                .filter(p -> p.examples() == n)
                .map(p -> p.offlineAuc() - p.onlineAuc())
                .toList();
    }

    private void printClusterTable(List<ClusterPoint> medians) {
        out.printf(
                "%nMedians over %d seeds (adjusted Rand index on the held-out points):%n%n",
                settings.seeds().size());
        out.println(
                "| points seen | online vs planted | batch vs planted | online vs batch |"
                        + " planted model vs planted | online unstandardized vs planted |");
        out.println("|---|---|---|---|---|---|");
        for (ClusterPoint m : medians) {
            out.printf(
                    Locale.ROOT,
                    "| %,d | %.4f | %.4f | %.4f | %.4f | %.4f |%n",
                    m.points(),
                    m.onlineAri(),
                    m.batchAri(),
                    m.onlineVsBatchAri(),
                    m.plantedModelAri(),
                    m.unstandardizedAri());
        }
    }

    static void writeCurveCsv(List<CurvePoint> all, Path file) throws IOException {
        StringBuilder csv =
                new StringBuilder(
                        "seed,examples,positive_rate,online_auc,online_log_loss,"
                                + "online_progressive_log_loss,offline_auc,offline_log_loss,"
                                + "generating_auc,generating_log_loss\n");
        for (CurvePoint p : all) {
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f%n",
                            p.seed(),
                            p.examples(),
                            p.positiveRate(),
                            p.onlineAuc(),
                            p.onlineLogLoss(),
                            p.progressiveLogLoss(),
                            p.offlineAuc(),
                            p.offlineLogLoss(),
                            p.generatingAuc(),
                            p.generatingLogLoss()));
        }
        Files.writeString(file, csv);
    }

    static void writeClusterCsv(List<ClusterPoint> all, Path file) throws IOException {
        StringBuilder csv =
                new StringBuilder(
                        "seed,points,online_ari,batch_ari,online_vs_batch_ari,"
                                + "online_unstandardized_ari,planted_model_ari\n");
        for (ClusterPoint p : all) {
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f%n",
                            p.seed(),
                            p.points(),
                            p.onlineAri(),
                            p.batchAri(),
                            p.onlineVsBatchAri(),
                            p.unstandardizedAri(),
                            p.plantedModelAri()));
        }
        Files.writeString(file, csv);
    }

    static String curveChart(
            String title, String yLabel, String generatingName, List<CurvePoint> medians) {
        double[] x = medians.stream().mapToDouble(CurvePoint::examples).toArray();
        return LearningCurveChart.svg(
                title,
                "training examples seen (log scale)",
                yLabel,
                0.1,
                List.of(
                        new LearningCurveChart.Series(
                                generatingName,
                                "#555555",
                                true,
                                x,
                                medians.stream().mapToDouble(CurvePoint::generatingAuc).toArray()),
                        new LearningCurveChart.Series(
                                "offline batch logistic regression",
                                "#1f77b4",
                                false,
                                x,
                                medians.stream().mapToDouble(CurvePoint::offlineAuc).toArray()),
                        new LearningCurveChart.Series(
                                "online FTRL-Proximal (one pass)",
                                "#d62728",
                                false,
                                x,
                                medians.stream().mapToDouble(CurvePoint::onlineAuc).toArray())));
    }

    private String clusterChart(List<ClusterPoint> medians) {
        double[] x = medians.stream().mapToDouble(ClusterPoint::points).toArray();
        return LearningCurveChart.svg(
                String.format(
                        Locale.ROOT,
                        "Planted clusters: adjusted Rand index, %s",
                        overSeeds(settings.seeds())),
                "points seen (log scale)",
                "ARI vs planted labels, "
                        + String.format(Locale.ROOT, "%,d", settings.clusterTestPoints())
                        + " held-out",
                0.1,
                List.of(
                        new LearningCurveChart.Series(
                                "planted mixture (most probable)",
                                "#555555",
                                true,
                                x,
                                medians.stream()
                                        .mapToDouble(ClusterPoint::plantedModelAri)
                                        .toArray()),
                        new LearningCurveChart.Series(
                                "batch k-means (Lloyd's)",
                                "#1f77b4",
                                false,
                                x,
                                medians.stream().mapToDouble(ClusterPoint::batchAri).toArray()),
                        new LearningCurveChart.Series(
                                "online k-means",
                                "#d62728",
                                false,
                                x,
                                medians.stream().mapToDouble(ClusterPoint::onlineAri).toArray())));
    }

    static String overSeeds(List<Long> seeds) {
        return seeds.size() == 1 ? "seed " + seeds.get(0) : "median of " + seeds.size() + " seeds";
    }

    private static int max(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
