package io.rtprofile.local.bench;

import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.models.quality.Auc;
import io.rtprofile.jobs.models.quality.BatchLogisticRegression;
import io.rtprofile.jobs.models.quality.LogLoss;
import io.rtprofile.local.bench.ModelQualityBenchmark.CurvePoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The propensity learning curve of {@link ModelQualityBenchmark} over the pipeline's own examples
 * ({@link PipelineExamples}) instead of synthetic ones: per seed, events are generated, the bounded
 * pipeline runs with the model, and its labelled examples, in {@code takenAt} order, are split in
 * time: the first {@code 1 - testShare} are the training stream, the rest the test set (train on
 * the past, test on the future). On them, at each checkpoint: online FTRL with the definition's
 * parameters, the offline fit on the same first n, and the generating function ({@link
 * io.rtprofile.generator.PurchaseModel}) applied to each test example's features.
 *
 * <p>The generating column is not an upper bound here: a profile takes its example at a browsing
 * event, while the generator decides at the end of the session, on the features as they stand then;
 * and the label (any purchase within the definition's horizon) also counts in-store purchases,
 * which the generating model does not explain. Per seed, it also reports the AUC of the scores the
 * profiles carried on the test examples: each example's published version applied to its features,
 * the live model with its publishing lag.
 */
public final class PipelineLearningCurve {

    /** What to run. */
    public record Settings(
            List<Long> seeds,
            int profiles,
            long events,
            ModelDefinition model,
            FtrlProximal.Parameters ftrl,
            BatchLogisticRegression.Parameters batch,
            double testShare,
            List<Integer> checkpoints,
            int parallelism,
            Path outputDir) {}

    /** One seed's run of the pipeline, and the scores its profiles carried. */
    public record RunSummary(
            long seed,
            long events,
            int examples,
            int trainExamples,
            int testExamples,
            double trainPositiveRate,
            double testPositiveRate,
            double testMeanGeneratingProbability,
            double generateSeconds,
            double runSeconds,
            int versions,
            int carriedScored,
            double carriedAuc,
            double carriedLogLoss) {}

    public record Result(List<CurvePoint> curve, List<RunSummary> runs) {}

    private final Settings settings;
    private final PrintStream out;

    public PipelineLearningCurve(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public Result run() throws Exception {
        Files.createDirectories(settings.outputDir());
        FtrlProximal.Parameters p = settings.ftrl();
        out.printf(
                Locale.ROOT,
                "Propensity on the pipeline's examples: model %s, %,d events over %,d profiles"
                        + " per seed (EventGenerator), seeds %s; the last %.0f%% of examples in"
                        + " takenAt order are the test set%n"
                        + "  online: FTRL-Proximal alpha=%s beta=%s l1=%s l2=%s, one pass in"
                        + " takenAt order; offline: Newton logistic regression l2=%s%n",
                settings.model().id(),
                settings.events(),
                settings.profiles(),
                settings.seeds(),
                100 * settings.testShare(),
                p.alpha(),
                p.beta(),
                p.l1(),
                p.l2(),
                settings.batch().l2());
        List<CurvePoint> all = new ArrayList<>();
        List<RunSummary> runs = new ArrayList<>();
        for (long seed : settings.seeds()) {
            PipelineExamples.Collected collected =
                    PipelineExamples.collect(
                            GeneratorConfig.of(settings.profiles(), settings.events(), seed),
                            settings.model(),
                            settings.parallelism(),
                            settings.outputDir());
            List<PipelineExamples.Example> examples = collected.examples();
            int testSize = (int) Math.round(examples.size() * settings.testShare());
            int trainSize = examples.size() - testSize;
            if (trainSize < 1 || testSize < 1) {
                throw new IllegalStateException(
                        "seed " + seed + ": only " + examples.size() + " examples");
            }
            List<PipelineExamples.Example> train = examples.subList(0, trainSize);
            List<PipelineExamples.Example> test = examples.subList(trainSize, examples.size());
            List<CurvePoint> points =
                    ModelQualityBenchmark.learningCurve(
                            seed,
                            train.stream().map(PipelineExamples.Example::example).toList(),
                            test.stream().map(PipelineExamples.Example::example).toList(),
                            settings.checkpoints(),
                            settings.ftrl(),
                            settings.batch(),
                            SyntheticExamples::generatingProbability);
            all.addAll(points);
            RunSummary run = summarize(seed, collected, train, test);
            runs.add(run);
            CurvePoint last = points.isEmpty() ? null : points.get(points.size() - 1);
            out.printf(
                    Locale.ROOT,
                    "  seed %d: %,d events -> %,d examples (%,d train, %,d test) in %.1f s"
                            + " (generate %.1f s); %s; carried scores AUC %.4f on %,d test"
                            + " examples%n",
                    seed,
                    collected.events(),
                    examples.size(),
                    trainSize,
                    testSize,
                    run.runSeconds(),
                    run.generateSeconds(),
                    last == null
                            ? "no checkpoint reached"
                            : String.format(
                                    Locale.ROOT,
                                    "at %,d: AUC online %.4f offline %.4f generating %.4f",
                                    last.examples(),
                                    last.onlineAuc(),
                                    last.offlineAuc(),
                                    last.generatingAuc()),
                    run.carriedAuc(),
                    run.carriedScored());
        }
        List<CurvePoint> medians = ModelQualityBenchmark.curveMedians(all);
        if (!all.isEmpty()) {
            ModelQualityBenchmark.printCurveTable(out, settings.seeds().size(), medians, all);
        }
        printRuns(runs);
        Path curveCsv = settings.outputDir().resolve("model-learning-curve-pipeline.csv");
        Path runsCsv = settings.outputDir().resolve("model-learning-curve-pipeline-runs.csv");
        Path svg = settings.outputDir().resolve("model-learning-curve-pipeline.svg");
        ModelQualityBenchmark.writeCurveCsv(all, curveCsv);
        writeRunsCsv(runs, runsCsv);
        if (!medians.isEmpty()) {
            Files.writeString(
                    svg,
                    ModelQualityBenchmark.curveChart(
                            String.format(
                                    Locale.ROOT,
                                    "Purchase propensity on the pipeline's examples: test AUC, %s",
                                    ModelQualityBenchmark.overSeeds(settings.seeds())),
                            String.format(
                                    Locale.ROOT,
                                    "AUC on the last %.0f%% (in time)",
                                    100 * settings.testShare()),
                            "PurchaseModel at takenAt",
                            medians));
        }
        out.printf("  wrote %s, %s and %s%n", curveCsv, runsCsv, svg);
        return new Result(all, runs);
    }

    private static RunSummary summarize(
            long seed,
            PipelineExamples.Collected collected,
            List<PipelineExamples.Example> train,
            List<PipelineExamples.Example> test) {
        List<Double> carried = new ArrayList<>();
        List<Boolean> carriedLabels = new ArrayList<>();
        double generating = 0;
        for (PipelineExamples.Example e : test) {
            generating += SyntheticExamples.generatingProbability(e.example().features());
            OptionalDouble score = collected.carriedScore(e);
            if (score.isPresent()) {
                carried.add(score.getAsDouble());
                carriedLabels.add(e.example().label());
            }
        }
        double[] scores = carried.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] labels = new boolean[carriedLabels.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = carriedLabels.get(i);
        }
        boolean bothLabels = carriedLabels.contains(true) && carriedLabels.contains(false);
        return new RunSummary(
                seed,
                collected.events(),
                collected.examples().size(),
                train.size(),
                test.size(),
                positiveRate(train),
                positiveRate(test),
                generating / test.size(),
                collected.generateSeconds(),
                collected.runSeconds(),
                collected.versions().size(),
                scores.length,
                bothLabels ? Auc.of(scores, labels) : Double.NaN,
                scores.length == 0 ? Double.NaN : LogLoss.mean(scores, labels));
    }

    private static double positiveRate(List<PipelineExamples.Example> examples) {
        return examples.stream().filter(e -> e.example().label()).count()
                / (double) examples.size();
    }

    private void printRuns(List<RunSummary> runs) {
        out.printf("%nPipeline runs, one per seed:%n%n");
        out.println(
                "| seed | events | examples (train / test) | positive rate train / test |"
                        + " mean generating p on test | run s (generate s) | versions published"
                        + " | carried scores: test examples scored | carried AUC | carried log"
                        + " loss |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (RunSummary r : runs) {
            out.printf(
                    Locale.ROOT,
                    "| %d | %,d | %,d (%,d / %,d) | %.3f / %.3f | %.3f | %.1f (%.1f) | %d | %,d |"
                            + " %.4f | %.4f |%n",
                    r.seed(),
                    r.events(),
                    r.examples(),
                    r.trainExamples(),
                    r.testExamples(),
                    r.trainPositiveRate(),
                    r.testPositiveRate(),
                    r.testMeanGeneratingProbability(),
                    r.runSeconds(),
                    r.generateSeconds(),
                    r.versions(),
                    r.carriedScored(),
                    r.carriedAuc(),
                    r.carriedLogLoss());
        }
    }

    static void writeRunsCsv(List<RunSummary> runs, Path file) throws IOException {
        StringBuilder csv =
                new StringBuilder(
                        "seed,events,examples,train_examples,test_examples,train_positive_rate,"
                                + "test_positive_rate,test_mean_generating_probability,"
                                + "generate_seconds,run_seconds,versions,carried_scored,"
                                + "carried_auc,carried_log_loss\n");
        for (RunSummary r : runs) {
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%d,%d,%d,%d,%d,%.6f,%.6f,%.6f,%.1f,%.1f,%d,%d,%.6f,%.6f%n",
                            r.seed(),
                            r.events(),
                            r.examples(),
                            r.trainExamples(),
                            r.testExamples(),
                            r.trainPositiveRate(),
                            r.testPositiveRate(),
                            r.testMeanGeneratingProbability(),
                            r.generateSeconds(),
                            r.runSeconds(),
                            r.versions(),
                            r.carriedScored(),
                            r.carriedAuc(),
                            r.carriedLogLoss()));
        }
        Files.writeString(file, csv);
    }
}
