package io.rtprofile.jobs.models;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.profile.BoundedProfileRun;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.ScoreFactor;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.json.Timestamps;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A model learning inside a bounded run (parallelism 2, the in-JVM models loop): every session's
 * example is labelled by whether a purchase followed, versions come back and score the profiles,
 * and each score is what its version's weights make of the profile's features.
 */
class ModelWorkflowITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @TempDir Path dir;

    private static final long T0 = 1_793_527_200_000L;
    private static final long M = 60_000;
    private static final long D = 24 * 60 * M;

    private static final String MODEL =
            """
            id: buys
            name: Buys after browsing
            algorithm: ftrl-logistic
            features:
              - name: carts_1h
                events: {where: event.type == "commerce.addToCart", within: 1h}
                scale: none
            label: {event: event.type == "commerce.purchase", within: 1h}
            examples: {when: event.type == "web.pageView"}
            parameters: {alpha: 0.5, beta: 1, l1: 0, l2: 0}
            training: {publishEvery: 200, minExamples: 200, publishInterval: 1s, factors: 5}
            """;

    private static final String LIKELY =
            """
            id: likely-buyers
            name: likely buyers
            condition:
              profile: '"buys" in profile.scores && profile.scores["buys"].score > 0.5'
            """;

    /** Sessions: some cart adds, a page view (the example), a purchase with p = σ(-2.5 + 1.2k). */
    @Test
    void aModelLearnsAsTheRunGoesAndScoresEveryProfileWithItsPublishedWeights() throws Exception {
        Random random = new Random(5);
        List<String> lines = new ArrayList<>();
        int purchases = 0;
        int eventId = 0;
        List<long[]> unsold = new ArrayList<>(); // page view times of sessions without a purchase
        for (int c = 0; c < 300; c++) {
            for (int s = 0; s < 12; s++) {
                long t = T0 + s * D + random.nextInt(600) * M;
                int carts = random.nextInt(4);
                for (int k = 0; k < carts; k++) {
                    lines.add(event(eventId++, c, t + k * M, "commerce.addToCart"));
                }
                lines.add(event(eventId++, c, t + 20 * M, "web.pageView"));
                if (random.nextDouble() < 1 / (1 + Math.exp(2.5 - 1.2 * carts))) {
                    lines.add(event(eventId++, c, t + 30 * M, "commerce.purchase"));
                    purchases++;
                } else {
                    unsold.add(new long[] {t + 20 * M});
                }
            }
        }
        // In event-time order, as a channel would send them: events behind the watermark are
        // applied as they arrive, and an example's hour may end before a late purchase comes.
        lines.sort(java.util.Comparator.comparingLong(ModelWorkflowITCase::timestampOf));
        Path file = dir.resolve("events.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);

        ConcurrentLinkedQueue<ProfileOutput> outputs = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<TrainingExample> examples = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Model> versions = new ConcurrentLinkedQueue<>();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        BoundedProfileRun.runConfiguration(new Configuration()));
        env.setParallelism(2);
        BoundedProfileRun.run(
                env,
                file,
                ProfileJobSettings.defaults(),
                SegmentCatalog.of(SegmentDefinitions.parse("likely.yaml", LIKELY)),
                ModelCatalog.of(List.of(ModelDefinitions.parseOne("buys.yaml", MODEL))),
                AsOfWatermarkCap.LARGEST_EVENT_TIME,
                new BoundedProfileRun.Consumers(
                        outputs::add, r -> {}, r -> {}, examples::add, versions::add));

        // Every purchase labels its session's example positive; a session without one is a
        // negative once its hour has passed before the run's end (as-of: the last event).
        long asOf = lines.stream().mapToLong(ModelWorkflowITCase::timestampOf).max().orElseThrow();
        long negatives = unsold.stream().filter(t -> t[0] + 60 * M <= asOf).count();
        assertThat(examples.stream().filter(TrainingExample::getLabel).count())
                .isEqualTo(purchases);
        assertThat(examples.stream().filter(e -> !e.getLabel()).count()).isEqualTo(negatives);
        assertThat(examples)
                .allSatisfy(e -> assertThat(e.getLabelledAt()).isGreaterThan(e.getTakenAt()));

        // Versions 1, 2, ... each learned from more examples; the last one found the signal.
        List<Model> published = new ArrayList<>(versions);
        assertThat(published).hasSizeGreaterThan(3);
        for (int i = 0; i < published.size(); i++) {
            assertThat(published.get(i).getVersion()).isEqualTo(i + 1L);
            if (i > 0) {
                assertThat(published.get(i).getExamples())
                        .isGreaterThan(published.get(i - 1).getExamples());
            }
        }
        Model last = published.get(published.size() - 1);
        assertThat(last.getWeights().get("carts_1h")).isBetween(0.6, 1.8);
        assertThat(last.getWeights().get("(bias)")).isBetween(-3.5, -1.5);

        // Each score shown is σ of its version's intercept plus the factors, which are the
        // features times that version's weights.
        Map<Long, Model> byVersion = new HashMap<>();
        published.forEach(m -> byVersion.put(m.getVersion(), m));
        List<ProfileUpdate> updates = FinalProfiles.updates(outputs);
        List<Score> scores =
                updates.stream()
                        .map(u -> u.getScores().get("buys"))
                        .filter(s -> s != null)
                        .toList();
        assertThat(scores).hasSizeGreaterThan(100);
        for (Score score : scores) {
            Model version = byVersion.get(score.getModelVersion());
            double logOdds = version.getWeights().getOrDefault("(bias)", 0.0);
            for (ScoreFactor factor : score.getFactors()) {
                assertThat(factor.getContribution())
                        .isCloseTo(
                                version.getWeights().get(factor.getFeature()) * factor.getValue(),
                                within(1e-9));
                logOdds += factor.getContribution();
            }
            assertThat(score.getScore()).isCloseTo(1 / (1 + Math.exp(-logOdds)), within(1e-9));
            assertThat(score.getPercentile()).isBetween(0, 99);
        }
        // A segment over the score: entered by profiles whose carts make a purchase likely.
        assertThat(updates)
                .anySatisfy(
                        u ->
                                assertThat(u.getSegmentChanges())
                                        .anyMatch(c -> c.getSegmentId().equals("likely-buyers")));
    }

    private static String event(int id, int customer, long time, String type) {
        return String.format(
                "{\"eventId\":\"e-%d\",\"timestamp\":\"%s\",\"type\":\"%s\","
                        + "\"identities\":[{\"namespace\":\"crm\",\"id\":\"c-%d\"}]}",
                id, Timestamps.format(time), type, customer);
    }

    private static long timestampOf(String line) {
        int at = line.indexOf("\"timestamp\":\"") + 13;
        return Timestamps.parseIso(line.substring(at, line.indexOf('"', at)));
    }
}
