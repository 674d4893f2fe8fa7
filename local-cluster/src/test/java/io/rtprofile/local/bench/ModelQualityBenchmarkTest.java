package io.rtprofile.local.bench;

import io.rtprofile.generator.PurchaseModel;
import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.models.quality.BatchLogisticRegression;
import io.rtprofile.local.bench.ModelQualityBenchmark.ClusterPoint;
import io.rtprofile.local.bench.ModelQualityBenchmark.CurvePoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The model benchmark at a tiny size: shape and sanity, no timing. */
class ModelQualityBenchmarkTest {
    private static final FtrlProximal.Parameters FTRL =
            new FtrlProximal.Parameters(0.5, 1.0, 0.001, 0.001);

    @TempDir Path dir;

    @Test
    void theOnlineModelApproachesTheOfflineFitAndTheGeneratingModel() {
        List<LabelledExample> train = SyntheticExamples.draw(10_000, 4, 0);
        List<LabelledExample> test = SyntheticExamples.draw(4_000, 5, 0);

        List<CurvePoint> curve =
                ModelQualityBenchmark.learningCurve(
                        4,
                        train,
                        test,
                        List.of(10_000, 500, 20_000 /* beyond the stream: skipped */),
                        FTRL,
                        BatchLogisticRegression.Parameters.defaults(),
                        SyntheticExamples::generatingProbability);

        assertThat(curve).extracting(CurvePoint::examples).containsExactly(500, 10_000);
        CurvePoint last = curve.get(1);
        assertThat(last.positiveRate()).isBetween(0.05, 0.2);
        assertThat(last.generatingAuc()).isGreaterThan(0.7);
        assertThat(last.offlineAuc()).isCloseTo(last.generatingAuc(), within(0.02));
        assertThat(last.onlineAuc()).isCloseTo(last.offlineAuc(), within(0.03));
        assertThat(last.onlineLogLoss()).isLessThan(curve.get(0).onlineLogLoss() + 0.01);
        assertThat(last.progressiveLogLoss()).isBetween(last.generatingLogLoss() - 0.05, 0.5);
    }

    @Test
    void withoutAGeneratingModelItsColumnsAreNaN() {
        List<CurvePoint> curve =
                ModelQualityBenchmark.learningCurve(
                        1,
                        SyntheticExamples.draw(1_000, 1, 0),
                        SyntheticExamples.draw(1_000, 2, 0),
                        List.of(1_000),
                        FTRL,
                        BatchLogisticRegression.Parameters.defaults(),
                        null);
        assertThat(curve.get(0).generatingAuc()).isNaN();
        assertThat(curve.get(0).offlineAuc()).isGreaterThan(0.6);
    }

    @Test
    void examplesAreLearnedInTheOrderTheyWereTaken() {
        List<LabelledExample> train = SyntheticExamples.draw(2_000, 6, 0);
        List<LabelledExample> reversed = new ArrayList<>(train);
        Collections.reverse(reversed);
        List<LabelledExample> test = SyntheticExamples.draw(1_000, 7, 0);
        assertThat(curve(reversed, test)).isEqualTo(curve(train, test));
    }

    @Test
    void syntheticExamplesFollowThePurchaseModel() {
        List<LabelledExample> examples = SyntheticExamples.draw(100_000, 8, 1_000);
        assertThat(SyntheticExamples.draw(100_000, 8, 1_000)).isEqualTo(examples);
        assertThat(examples.get(1).takenAt()).isEqualTo(2_000);
        List<Map<String, Double>> x = new ArrayList<>();
        boolean[] y = new boolean[examples.size()];
        for (int i = 0; i < y.length; i++) {
            Map<String, Double> f = examples.get(i).features();
            assertThat(f.get(SyntheticExamples.LOYALTY_TIER)).isBetween(0.0, 3.0);
            assertThat(f.get(SyntheticExamples.CART_ADDS_1H)).isBetween(0.0, 5.0);
            assertThat(f.get(SyntheticExamples.SEARCHES_7D)).isBetween(0.0, 5.0);
            x.add(ModelQualityBenchmark.withBias(f));
            y[i] = examples.get(i).label();
        }
        // An offline fit of enough examples finds the generating weights (standard errors ~0.03).
        Map<String, Double> w =
                new BatchLogisticRegression(BatchLogisticRegression.Parameters.defaults())
                        .fit(x, y)
                        .weights();
        assertThat(w.get(ModelQualityBenchmark.BIAS))
                .isCloseTo(PurchaseModel.INTERCEPT, within(0.15));
        assertThat(w.get(SyntheticExamples.LOYALTY_TIER))
                .isCloseTo(PurchaseModel.LOYALTY_TIER, within(0.1));
        assertThat(w.get(SyntheticExamples.CART_ADDS_1H))
                .isCloseTo(PurchaseModel.CART_ADDS, within(0.1));
        assertThat(w.get(SyntheticExamples.SEARCHES_7D))
                .isCloseTo(PurchaseModel.SEARCHES, within(0.1));
    }

    @Test
    void onlineKMeansRecoversThePlantedClustersLikeBatchKMeans() {
        List<ClusterPoint> points =
                ModelQualityBenchmark.clusterRecovery(
                        3,
                        PlantedClusters.draw(4_000, 6),
                        PlantedClusters.draw(2_000, 7),
                        List.of(4_000, 1_000, 50 /* below the seed buffer: skipped */),
                        1.0);
        assertThat(points).extracting(ClusterPoint::points).containsExactly(1_000, 4_000);
        ClusterPoint last = points.get(1);
        assertThat(last.plantedModelAri()).isBetween(0.85, 1.0);
        assertThat(last.batchAri()).isGreaterThan(0.8);
        assertThat(last.onlineAri()).isCloseTo(last.batchAri(), within(0.05));
        assertThat(last.onlineVsBatchAri()).isGreaterThan(0.9);
        // Without standardization the feature in thousands decides alone.
        assertThat(last.unstandardizedAri()).isLessThan(last.onlineAri() - 0.3);
    }

    @Test
    void aRunWritesTablesCsvAndCharts() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelQualityBenchmark.Result result =
                new ModelQualityBenchmark(
                                new ModelQualityBenchmark.Settings(
                                        EnumSet.allOf(ModelQualityBenchmark.Section.class),
                                        List.of(1L, 2L, 3L),
                                        List.of(1_000, 3_000),
                                        2_000,
                                        FTRL,
                                        BatchLogisticRegression.Parameters.defaults(),
                                        List.of(500, 2_000),
                                        1_000,
                                        1.0,
                                        dir),
                                new PrintStream(bytes, true, StandardCharsets.UTF_8))
                        .run();

        assertThat(result.curve()).hasSize(6);
        assertThat(result.clusters()).hasSize(6);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("Medians over 3 seeds").contains("| 3,000 |");
        assertThat(out).contains("Target not checked: no checkpoint at 100,000 examples.");
        assertThat(Files.readAllLines(dir.resolve("model-learning-curve.csv")))
                .hasSize(7)
                .first()
                .asString()
                .startsWith("seed,examples,");
        assertThat(Files.readAllLines(dir.resolve("kmeans-recovery.csv"))).hasSize(7);
        String svg = Files.readString(dir.resolve("model-learning-curve.svg"));
        assertThat(svg)
                .startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
                .contains("online FTRL-Proximal", "offline batch logistic regression")
                .contains("median of 3 seeds")
                .contains(">1k<", ">3k<")
                .endsWith("</svg>\n");
        assertThat(Files.readString(dir.resolve("kmeans-recovery.svg"))).contains("online k-means");
    }

    @Test
    void chartTicks() {
        assertThat(LearningCurveChart.niceStep(0.013)).isCloseTo(0.02, within(1e-12));
        assertThat(LearningCurveChart.niceStep(0.004)).isCloseTo(0.005, within(1e-12));
        assertThat(LearningCurveChart.count(1_000)).isEqualTo("1k");
        assertThat(LearningCurveChart.count(2_500)).isEqualTo("2.5k");
        assertThat(LearningCurveChart.count(200_000)).isEqualTo("200k");
        assertThat(LearningCurveChart.count(1_000_000)).isEqualTo("1M");
    }

    private static List<CurvePoint> curve(List<LabelledExample> train, List<LabelledExample> test) {
        return ModelQualityBenchmark.learningCurve(
                1,
                train,
                test,
                List.of(1_000, 2_000),
                FTRL,
                BatchLogisticRegression.Parameters.defaults(),
                SyntheticExamples::generatingProbability);
    }
}
