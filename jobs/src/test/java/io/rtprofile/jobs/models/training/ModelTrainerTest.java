package io.rtprofile.jobs.models.training;

import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.internal.ModelDefinitionChange;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trainer in the harness: when it publishes, what a version carries, definitions arriving at
 * run time, and a restore that continues exactly where the snapshot left off.
 */
class ModelTrainerTest {

    private static final String BUYS =
            """
            id: buys
            name: Buys
            algorithm: ftrl-logistic
            features:
              - name: carts
                events: {where: event.type == "commerce.addToCart", within: 1h}
                scale: none
            label: {event: event.type == "commerce.purchase", within: 1h}
            parameters: {alpha: 0.5, beta: 1, l1: 0, l2: 0}
            training: {publishEvery: 10, minExamples: 20, publishInterval: 5s}
            """;

    private KeyedTwoInputStreamOperatorTestHarness<
                    String, TrainingExample, ModelDefinitionChange, Model>
            harness;
    private final Random random = new Random(1);

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void publishesEveryNExamplesOnceItHasLearnedTheMinimum() throws Exception {
        open(null);
        learn("buys", 35);
        List<Model> versions = published();
        assertThat(versions).extracting(Model::getVersion).containsExactly(1L, 2L);
        assertThat(versions).extracting(Model::getExamples).containsExactly(20L, 30L);
        Model v2 = versions.get(1);
        assertThat(v2.getDefinition()).isEqualTo(text(BUYS));
        assertThat(v2.getWeights()).containsKeys("(bias)", "carts");
        assertThat(v2.getRecentLogLoss()).isPositive();
        assertThat(v2.getScoreQuantiles()).isEmpty(); // fewer scores than a percentile needs
    }

    @Test
    void whatAccumulatesIsPublishedAfterTheInterval() throws Exception {
        open(null);
        harness.setProcessingTime(1_000);
        learn("buys", 25); // version 1 at 20; 5 more wait
        assertThat(published()).hasSize(1);
        harness.setProcessingTime(1_000 + 4_999);
        assertThat(published()).hasSize(1);
        harness.setProcessingTime(1_000 + 5_000);
        assertThat(published()).extracting(Model::getExamples).containsExactly(20L, 25L);
    }

    @Test
    void itLearnsTheDirectionOfAFeature() throws Exception {
        open(null);
        learn("buys", 3_000);
        List<Model> versions = published();
        Model last = versions.get(versions.size() - 1);
        // Positives come with carts (see learn): the weight is positive, the intercept negative.
        assertThat(last.getWeights().get("carts")).isGreaterThan(0.5);
        assertThat(last.getWeights().get("(bias)")).isLessThan(-0.5);
        assertThat(last.getScoreQuantiles()).hasSize(99).isSorted();
    }

    @Test
    void definitionsAtRunTimeStartRenewAndRemoveModels() throws Exception {
        open(null);
        String other = BUYS.replace("id: buys", "id: other");
        define("other", other);
        define("other", other); // a replay changes nothing
        define("buys", text(BUYS)); // what the job started with: nothing either
        assertThat(published())
                .singleElement()
                .satisfies(
                        m -> {
                            assertThat(m.getModelId()).isEqualTo("other");
                            assertThat(m.getVersion()).isEqualTo(1);
                            assertThat(m.getExamples()).isZero();
                            assertThat(m.getDefinition()).isEqualTo(other);
                        });
        learn("other", 20);
        define("other", other.replace("publishEvery: 10", "publishEvery: 11")); // a new model
        define("other", null);
        learn("other", 30); // dropped: removed
        define("other", other);
        assertThat(published())
                .extracting(Model::getVersion, Model::getExamples)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, 0L),
                        org.assertj.core.groups.Tuple.tuple(2L, 20L),
                        org.assertj.core.groups.Tuple.tuple(3L, 0L),
                        org.assertj.core.groups.Tuple.tuple(4L, 0L),
                        org.assertj.core.groups.Tuple.tuple(5L, 0L));
        assertThat(published().get(3).getDefinition()).isNull();
    }

    @Test
    void aRestoreContinuesExactlyWhereTheSnapshotLeftOff() throws Exception {
        open(null);
        learn("buys", 450);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        List<Model> before = published();
        learn("buys", 300);
        List<Model> uninterrupted = published().subList(before.size(), published().size());
        harness.close();

        random.setSeed(1);
        for (int i = 0; i < 450; i++) {
            example("buys"); // the same draws as before the snapshot
        }
        open(snapshot);
        learn("buys", 300);
        List<Model> restored = published();
        // KLL sketches compact at random, so cut points may differ slightly; the rest is exact.
        assertThat(restored).hasSameSizeAs(uninterrupted);
        for (int i = 0; i < restored.size(); i++) {
            assertThat(withoutQuantiles(restored.get(i)))
                    .isEqualTo(withoutQuantiles(uninterrupted.get(i)));
            assertThat(restored.get(i).getScoreQuantiles()).hasSize(99);
        }
    }

    // -----------------------------------------------------------------------------------------

    private void open(OperatorSubtaskState state) throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(
                                new ModelTrainer(
                                        ModelCatalog.of(
                                                List.of(
                                                        ModelDefinitions.parseOne(
                                                                "buys.yaml", BUYS))))),
                        TrainingExample::getModelId,
                        ModelDefinitionChange::getId,
                        Types.STRING,
                        1,
                        1,
                        0);
        if (state != null) {
            harness.initializeState(state);
        }
        harness.open();
    }

    private static String text(String yaml) throws Exception {
        return ModelDefinitions.parseOne("m.yaml", yaml).source();
    }

    /** Examples where carts make a purchase likely: p = σ(-2 + 1.5 carts). */
    private TrainingExample example(String modelId) {
        int carts = random.nextInt(4);
        double p = 1 / (1 + Math.exp(2 - 1.5 * carts));
        Map<String, Double> features = new HashMap<>();
        features.put("(bias)", 1.0);
        if (carts > 0) {
            features.put("carts", (double) carts);
        }
        return new TrainingExample(
                modelId, "p-1", 0L, 0L, random.nextDouble() < p, null, 0L, features);
    }

    private void learn(String modelId, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            harness.processElement1(example(modelId), 0);
        }
    }

    private void define(String id, String text) throws Exception {
        harness.processElement2(new ModelDefinitionChange(id, text), 0);
    }

    private static Model withoutQuantiles(Model model) {
        return Model.newBuilder(model).setScoreQuantiles(List.of()).build();
    }

    private List<Model> published() {
        return harness.extractOutputValues().stream()
                .map(
                        m ->
                                Model.newBuilder(m)
                                        .setPublishedAt(0) // processing time: not compared
                                        .build())
                .toList();
    }
}
