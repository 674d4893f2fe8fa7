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
        List<Long> sold = new ArrayList<>(); // page view times of sessions with a purchase
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
                    sold.add(t + 20 * M);
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

        Run run = run(file, LIKELY, MODEL);
        ConcurrentLinkedQueue<ProfileOutput> outputs = run.outputs;
        ConcurrentLinkedQueue<TrainingExample> examples = run.examples;
        ConcurrentLinkedQueue<Model> versions = run.versions;

        // Every purchase labels its session's example positive, a session without one negative,
        // each at the end of its hour, if that comes before the run's end (as-of: the last event).
        long asOf = lines.stream().mapToLong(ModelWorkflowITCase::timestampOf).max().orElseThrow();
        long positives = sold.stream().filter(t -> t + 60 * M <= asOf).count();
        long negatives = unsold.stream().filter(t -> t[0] + 60 * M <= asOf).count();
        assertThat(positives).isGreaterThan(1000);
        assertThat(examples.stream().filter(TrainingExample::getLabel).count())
                .isEqualTo(positives);
        assertThat(examples.stream().filter(e -> !e.getLabel()).count()).isEqualTo(negatives);
        assertThat(examples)
                .allSatisfy(
                        e -> {
                            assertThat(e.getLabelledAt()).isEqualTo(e.getTakenAt() + 60 * M);
                            if (e.getLabel()) {
                                assertThat(e.getOutcomeAt()).isEqualTo(e.getTakenAt() + 10 * M);
                            }
                        });

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
        for (int i = 1; i < published.size(); i++) {
            assertThat(published.get(i).getInForceFrom())
                    .isGreaterThanOrEqualTo(published.get(i - 1).getInForceFrom());
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
        for (ProfileUpdate update : updates) {
            Score score = update.getScores().get("buys");
            if (score == null) {
                continue;
            }
            Model version = byVersion.get(score.getModelVersion());
            // A version scores only after the last label it learned from.
            assertThat(version.getInForceFrom()).isLessThan(update.getUpdatedAt());
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

        // Learning is replayed in event time: the same file gives the same run, whatever the
        // timing of its parallel tasks.
        Run again = run(file, LIKELY, MODEL);
        assertThat(new ArrayList<>(again.versions)).isEqualTo(published);
        assertThat(sorted(again.outputs)).isEqualTo(sorted(outputs));
    }

    /**
     * Three planted kinds of shoppers (searchers, cart fillers, browsers) over three weeks: the
     * clusters recover them.
     */
    @Test
    void clustersRecoverPlantedAudiences() throws Exception {
        Random random = new Random(9);
        List<String> lines = new ArrayList<>();
        int eventId = 0;
        int customers = 150;
        for (int c = 0; c < customers; c++) {
            int kind = c % 3;
            for (int day = 0; day < 21; day++) {
                long t = T0 + day * D + random.nextInt(600) * M;
                int searches = kind == 0 ? 6 + random.nextInt(4) : random.nextInt(2);
                int carts = kind == 1 ? 4 + random.nextInt(3) : 0;
                int views = kind == 2 ? 8 + random.nextInt(5) : 1 + random.nextInt(2);
                for (int i = 0; i < searches; i++) {
                    lines.add(event(eventId++, c, t + i * M, "web.search"));
                }
                for (int i = 0; i < carts; i++) {
                    lines.add(event(eventId++, c, t + (20 + i) * M, "commerce.addToCart"));
                }
                for (int i = 0; i < views; i++) {
                    lines.add(event(eventId++, c, t + (40 + i) * M, "web.pageView"));
                }
            }
        }
        lines.sort(java.util.Comparator.comparingLong(ModelWorkflowITCase::timestampOf));
        Path file = dir.resolve("shoppers.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);

        Run run = run(file, null, AUDIENCES);

        List<Model> versions = new ArrayList<>(run.versions);
        assertThat(versions).isNotEmpty();
        Model last = versions.get(versions.size() - 1);
        assertThat(last.getClusters()).hasSize(3);
        assertThat(last.getFeatureScales()).containsOnlyKeys("searches_1d", "carts_1d", "views_1d");
        // A point per customer and day: every example is unlabelled.
        assertThat(run.examples).allSatisfy(e -> assertThat(e.getLabel()).isNull());

        Map<String, ProfileUpdate> finals = FinalProfiles.live(new ArrayList<>(run.outputs));
        int[] planted = new int[customers];
        int[] found = new int[customers];
        for (ProfileUpdate profile : finals.values()) {
            int c = Integer.parseInt(profile.getIdentities().get(0).getId().substring(2));
            planted[c] = c % 3;
            Score score = profile.getScores().get("audiences");
            assertThat(score).as(profile.getProfileId()).isNotNull();
            found[c] = score.getCluster();
        }
        assertThat(finals).hasSize(customers);
        assertThat(io.rtprofile.jobs.models.quality.AdjustedRandIndex.of(planted, found))
                .isGreaterThan(0.9);
    }

    private static final String AUDIENCES =
            """
            id: audiences
            name: How people shop
            algorithm: online-kmeans
            clusters: 3
            features:
              - {name: searches_1d, events: {where: event.type == "web.search", within: 1d}, scale: none}
              - {name: carts_1d, events: {where: event.type == "commerce.addToCart", within: 1d}, scale: none}
              - {name: views_1d, events: {where: event.type == "web.pageView", within: 1d}, scale: none}
            examples: {when: event.type == "web.pageView", every: 12h}
            training: {publishEvery: 200, minExamples: 100}
            """;

    private record Run(
            ConcurrentLinkedQueue<ProfileOutput> outputs,
            ConcurrentLinkedQueue<TrainingExample> examples,
            ConcurrentLinkedQueue<Model> versions) {}

    private static Run run(Path file, String segments, String model) throws Exception {
        Run run =
                new Run(
                        new ConcurrentLinkedQueue<>(),
                        new ConcurrentLinkedQueue<>(),
                        new ConcurrentLinkedQueue<>());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        BoundedProfileRun.runConfiguration(new Configuration()));
        env.setParallelism(2);
        BoundedProfileRun.run(
                env,
                file,
                ProfileJobSettings.defaults(),
                segments == null
                        ? SegmentCatalog.empty()
                        : SegmentCatalog.of(SegmentDefinitions.parse("segments.yaml", segments)),
                ModelCatalog.of(List.of(ModelDefinitions.parseOne("model.yaml", model))),
                AsOfWatermarkCap.LARGEST_EVENT_TIME,
                new BoundedProfileRun.Consumers(
                        run.outputs::add, r -> {}, r -> {}, run.examples::add, run.versions::add));
        return run;
    }

    /** Outputs in a stable order (a parallel run interleaves profiles at random). */
    private static List<String> sorted(java.util.Collection<ProfileOutput> outputs) {
        return outputs.stream().map(ProfileOutput::toString).sorted().toList();
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
