package io.rtprofile.jobs.models;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.profile.ProfileBuilder;
import io.rtprofile.jobs.profile.ProfileKeys;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.testing.ProfileBuilderHarness;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.TrainingExample;

import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.rtprofile.jobs.testing.SampleEvents.T0;
import static io.rtprofile.jobs.testing.SampleEvents.event;
import static io.rtprofile.jobs.testing.SampleEvents.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Models in the profile operator, time driven by watermarks: examples taken on events, labelled by
 * an outcome within the horizon or negative when it passes, at most one pending per model; scores
 * from the published version, with factors and percentiles, readable by segment conditions.
 */
class ModelHarnessTest {

    private static final ProfileJobSettings SETTINGS = ProfileJobSettings.defaults();
    private static final String ANN = ProfileKeys.profileIdFor(id("crm", "ann"));
    private static final long M = 60_000;
    private static final long H = 60 * M;

    private static final String MODEL =
            """
            id: buys
            name: Buys within the hour
            algorithm: ftrl-logistic
            features:
              - name: searches_1d
                events: {where: event.type == "web.search", within: 1d}
              - name: country
                profile: profile.attributes.country
            label: {event: event.type == "commerce.purchase", within: 1h}
            examples: {when: event.type == "web.search"}
            training: {factors: 2}
            """;

    private ProfileBuilderHarness harness;
    private int events;
    private String modelText;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void anOutcomeWithinTheHorizonLabelsTheExamplePositive() throws Exception {
        open("");
        send(T0, "web.search", "country", "FR");
        send(T0 + 30 * M, "commerce.purchase");
        // Positive now, but it waits for the end of its horizon, as a negative would.
        watermark(T0 + H - 1);
        assertThat(harness.examples()).isEmpty();
        watermark(T0 + H);
        assertThat(harness.examples()).hasSize(1);
        TrainingExample example = harness.examples().get(0);
        assertThat(example.getLabel()).isTrue();
        assertThat(example.getTakenAt()).isEqualTo(T0);
        assertThat(example.getOutcomeAt()).isEqualTo(T0 + 30 * M);
        assertThat(example.getLabelledAt()).isEqualTo(T0 + H);
        assertThat(example.getProfileId()).isEqualTo(ANN);
        assertThat(example.getModelVersion()).isZero();
        // One search in the day, log-scaled; the country input is hashed into its bucket.
        assertThat(example.getFeatures())
                .containsEntry("(bias)", 1.0)
                .containsEntry("searches_1d", Math.log1p(1))
                .hasSize(3);
        assertThat(example.getFeatures().keySet()).anyMatch(k -> k.startsWith("country#"));
    }

    @Test
    void noOutcomeByTheHorizonIsANegativeAtItsEnd() throws Exception {
        open("");
        send(T0, "web.search");
        send(T0 + 61 * M, "commerce.purchase"); // too late
        watermark(T0 + H - 1);
        assertThat(harness.examples()).isEmpty();
        watermark(T0 + H);
        assertThat(harness.examples())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getLabel()).isFalse();
                            assertThat(e.getOutcomeAt()).isNull();
                            assertThat(e.getLabelledAt()).isEqualTo(T0 + H);
                        });
        watermark(T0 + 3 * H);
        assertThat(harness.examples()).hasSize(1);
        watermark(T0 + 2 * 24 * H); // and the feature's window has passed
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void atMostOneExamplePerModelIsPending() throws Exception {
        open("");
        send(T0, "web.search");
        send(T0 + 10 * M, "web.search"); // one is pending: takes none
        send(T0 + 20 * M, "commerce.purchase");
        send(T0 + 2 * H, "web.search"); // the next one
        watermark(T0 + 4 * H);
        assertThat(harness.examples())
                .extracting(TrainingExample::getTakenAt, TrainingExample::getLabel)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(T0, true),
                        org.assertj.core.groups.Tuple.tuple(T0 + 2 * H, false));
        // Features as they stood at each instant: two searches in the day by the second example.
        assertThat(harness.examples().get(1).getFeatures())
                .containsEntry("searches_1d", Math.log1p(3));
    }

    @Test
    void eventsOutOfOrderAreLabelledInEventTime() throws Exception {
        open("");
        // The purchase arrives first but happened after the search.
        send(T0 + 30 * M, "commerce.purchase");
        send(T0, "web.search");
        watermark(T0 + 2 * H);
        assertThat(harness.examples())
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getTakenAt()).isEqualTo(T0);
                            assertThat(e.getLabel()).isTrue();
                        });
    }

    @Test
    void updatesCarryTheScoreOfThePublishedVersionWithItsFactors() throws Exception {
        open("");
        send(T0, "web.search");
        watermark(T0);
        assertThat(last().getScores()).isEmpty(); // nothing published yet

        Map<String, Double> weights = new HashMap<>();
        weights.put("(bias)", -2.0);
        weights.put("searches_1d", 1.5);
        harness.publish(version(1, weights, quantiles(0.01, 0.99)), T0);
        send(T0 + M, "web.search");
        watermark(T0 + M);
        Score score = last().getScores().get("buys");
        double logOdds = -2.0 + 1.5 * Math.log1p(2);
        assertThat(score.getScore()).isCloseTo(1 / (1 + Math.exp(-logOdds)), within(1e-12));
        assertThat(score.getModelVersion()).isEqualTo(1);
        assertThat(score.getFactors())
                .singleElement()
                .satisfies(
                        f -> {
                            assertThat(f.getFeature()).isEqualTo("searches_1d");
                            assertThat(f.getValue()).isEqualTo(2.0); // the count, not its log
                            assertThat(f.getContribution())
                                    .isCloseTo(1.5 * Math.log1p(2), within(1e-12));
                        });
        // Cut points from 0.01 to 0.99 in steps of 0.01: the percentile is the score's rank.
        assertThat(score.getPercentile()).isEqualTo((int) Math.floor(score.getScore() * 100));

        // A new version with other weights changes the score at the profile's next update.
        weights.put("searches_1d", -1.0);
        harness.publish(version(2, weights, quantiles(0.01, 0.99)), T0 + M);
        send(T0 + 2 * M, "web.pageView", "country", "FR");
        watermark(T0 + 2 * M);
        Score next = last().getScores().get("buys");
        assertThat(next.getModelVersion()).isEqualTo(2);
        assertThat(next.getScore())
                .isCloseTo(1 / (1 + Math.exp(2.0 + Math.log1p(2))), within(1e-12));
    }

    @Test
    void aScoreThatMovesEnoughIsAnUpdateOfItsOwn() throws Exception {
        open("");
        harness.publish(version(1, Map.of("searches_1d", 1.0), List.of()), T0);
        send(T0, "web.search");
        send(T0 + M, "web.pageView"); // nothing changes: no update
        send(T0 + 2 * M, "web.search"); // the count moves the score: an update
        watermark(T0 + 2 * M);
        List<ProfileUpdate> updates = harness.extractOutputValues();
        assertThat(updates).extracting(ProfileUpdate::getUpdatedAt).containsExactly(T0, T0 + 2 * M);
        assertThat(updates.get(1).getScores().get("buys").getPercentile()).isNull();
        // The window ends a day after each search: the score falls back without an event.
        watermark(T0 + 24 * H + 2 * M);
        List<ProfileUpdate> later = harness.extractOutputValues();
        assertThat(later).hasSize(4);
        assertThat(later.get(3).getScores().get("buys").getScore()).isEqualTo(0.5);
    }

    @Test
    void segmentConditionsReadScores() throws Exception {
        open(
                """
                id: likely-buyers
                name: likely buyers
                condition:
                  profile: '"buys" in profile.scores && profile.scores["buys"].score > 0.6'
                """);
        harness.publish(version(1, Map.of("searches_1d", 1.0), List.of()), T0);
        send(T0, "web.search"); // log1p(1) = 0.69: 0.667
        watermark(T0);
        List<SegmentChange> changes = new ArrayList<>();
        harness.extractOutputValues().forEach(u -> changes.addAll(u.getSegmentChanges()));
        assertThat(changes)
                .extracting(SegmentChange::getSegmentId)
                .containsExactly("likely-buyers");
        assertThat(changes.get(0).getAt()).isEqualTo(T0);
    }

    @Test
    void anAbsorbedProfileTakesItsPendingExamplesAndTheirTimersWithIt() throws Exception {
        open("");
        send(T0, "web.search");
        watermark(T0);
        harness.processInstruction(
                io.rtprofile.schema.internal.ProfileInstruction.newBuilder()
                        .setProfileId(ANN)
                        .setAbsorbInto("p-survivor")
                        .setAt(T0 + M)
                        .build(),
                T0 + M);
        watermark(T0 + 3 * H);
        assertThat(harness.examples()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private static final String CLUSTERS =
            """
            id: audiences
            name: Audiences
            algorithm: online-kmeans
            clusters: 2
            features:
              - name: searches_1d
                events: {where: event.type == "web.search", within: 1d}
                scale: none
            examples: {every: 12h}
            training: {factors: 1}
            """;

    @Test
    void aClusterModelTakesAPointPerIntervalAndAssignsTheNearestCentre() throws Exception {
        open("", CLUSTERS);
        send(T0, "web.search");
        send(T0 + H, "web.search"); // within 12 h of the last point: none
        send(T0 + 13 * H, "web.search");
        watermark(T0 + 13 * H);
        assertThat(harness.examples())
                .extracting(TrainingExample::getTakenAt, TrainingExample::getLabel)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(T0, null),
                        org.assertj.core.groups.Tuple.tuple(T0 + 13 * H, null));
        assertThat(harness.examples().get(1).getFeatures()).containsEntry("searches_1d", 3.0);

        harness.publish(
                Model.newBuilder()
                        .setModelId("audiences")
                        .setVersion(1)
                        .setDefinition(modelText)
                        .setPublishedAt(0)
                        .setExamples(100)
                        .setClusters(
                                List.of(
                                        new io.rtprofile.schema.Cluster(
                                                0, 60.0, Map.of("searches_1d", 0.5)),
                                        new io.rtprofile.schema.Cluster(
                                                1, 40.0, Map.of("searches_1d", 6.0))))
                        .setFeatureScales(Map.of("searches_1d", 2.0))
                        .build(),
                T0 + 13 * H);
        send(T0 + 14 * H, "web.search"); // 4 searches in the day: nearer 6 than 0.5
        watermark(T0 + 14 * H);
        Score score = last().getScores().get("audiences");
        assertThat(score.getCluster()).isEqualTo(1);
        assertThat(score.getScore()).isCloseTo(1 / (1 + 1.0), within(1e-12)); // |4 - 6| / 2
        assertThat(score.getPercentile()).isNull();
        assertThat(score.getFactors())
                .singleElement()
                .satisfies(
                        f -> {
                            assertThat(f.getFeature()).isEqualTo("searches_1d");
                            assertThat(f.getValue()).isEqualTo(4.0);
                            assertThat(f.getContribution()).isEqualTo(-1.0);
                        });
    }

    // -----------------------------------------------------------------------------------------

    private void open(String segments) throws Exception {
        open(segments, MODEL);
    }

    private void open(String segments, String model) throws Exception {
        modelText = ModelDefinitions.parseOne("model.yaml", model).source();
        SegmentCatalog catalog =
                segments.isEmpty()
                        ? SegmentCatalog.empty()
                        : SegmentCatalog.of(SegmentDefinitions.parse("segments.yaml", segments));
        harness =
                new ProfileBuilderHarness(
                        new ProfileBuilder(
                                SETTINGS,
                                catalog,
                                ModelCatalog.of(
                                        List.of(ModelDefinitions.parseOne("model.yaml", model))),
                                Long.MAX_VALUE),
                        SETTINGS.namespaces());
        harness.open();
        // As in the job: the broadcast input has no event time and is idle.
        harness.getTwoInputOperator().processWatermarkStatus2(WatermarkStatus.IDLE);
    }

    private Model version(long version, Map<String, Double> weights, List<Double> quantiles) {
        return Model.newBuilder()
                .setModelId("buys")
                .setVersion(version)
                .setDefinition(modelText)
                .setPublishedAt(0)
                .setExamples(1_000)
                .setWeights(new HashMap<>(weights))
                .setScoreQuantiles(new ArrayList<>(quantiles))
                .build();
    }

    /** 99 cut points evenly from {@code from} to {@code to}. */
    private static List<Double> quantiles(double from, double to) {
        List<Double> cuts = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            cuts.add(from + (to - from) * i / 98.0);
        }
        return cuts;
    }

    private void send(long time, String type) throws Exception {
        harness.processElement(
                event("e-" + events++).at(time).type(type).identity("crm", "ann").build(), time);
    }

    private void send(long time, String type, String attribute, String value) throws Exception {
        harness.processElement(
                event("e-" + events++)
                        .at(time)
                        .type(type)
                        .identity("crm", "ann")
                        .attribute(attribute, value)
                        .build(),
                time);
    }

    private void watermark(long time) throws Exception {
        harness.processWatermark(time);
    }

    private ProfileUpdate last() {
        List<ProfileUpdate> updates = harness.extractOutputValues();
        return updates.get(updates.size() - 1);
    }
}
