package io.rtprofile.local.job;

import io.rtprofile.cli.StateCommand;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every committed savepoint fixture (docs/upgrades.md, {@link SavepointFixtureWriter}) restores
 * into this release's Kafka job, every operator's state mapped (no {@code allowNonRestoredState}),
 * and the profiles continue: a second batch of events touches {@value #TOUCHED} restored profiles
 * and founds {@value #NEW} new ones, and then, read {@code read_committed}:
 *
 * <ul>
 *   <li>a touched identity updates the profile it belonged to at the savepoint, whose versions go
 *       on from the fixture's, contiguous, none repeated; new profiles start at 1;
 *   <li>touched profiles keep their identities and attributes, and their memberships of segments
 *       over 90 days and more; any update of an untouched profile (a window closing) shows the
 *       identities and attributes of the fixture;
 *   <li>the probe customer, who spent 600.5 before the savepoint and 500.5 after, becomes
 *       high-value (lifetime spend above 1000): the window remembers the first purchase;
 *   <li>every profile updated after the restore carries a score of the restored model version.
 * </ul>
 *
 * <p>The broker is a fresh one: the topics the job reads are filled with aborted transactions up to
 * the end offsets the fixture recorded, so the restored sources find their positions and read only
 * the second batch.
 */
class SavepointCompatibilityITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(4);

    /** The fixtures are taken at parallelism 2; each also restores at 1 and 4 (rescaling). */
    private static final List<Integer> PARALLELISMS = List.of(2, 1, 4);

    /**
     * What each restore of a fixture ended with, by route and parallelism: the same for every one.
     */
    private static final Map<String, Map<String, Map<String, String>>> OUTCOMES = new TreeMap<>();

    /** How the savepoint that is restored is made from the fixture's (docs/state-toolkit.md). */
    enum Route {
        /** The fixture's own savepoint. */
        RESTORED,
        /**
         * {@code state export} of the fixture, then {@code state bootstrap --from} the fixture: the
         * job must continue exactly as from the fixture itself.
         */
        BOOTSTRAPPED,
        /**
         * {@code state migrate} of the fixture to max parallelism {@value
         * #MIGRATED_MAX_PARALLELISM}, restored into the job run with that {@code
         * pipeline.max-parallelism}: it must continue exactly as from the fixture itself.
         */
        MIGRATED;

        static final int MIGRATED_MAX_PARALLELISM = 256;

        /** What the job restored by this route needs set. */
        void configure(Configuration config) {
            if (this == MIGRATED) {
                config.set(PipelineOptions.MAX_PARALLELISM, MIGRATED_MAX_PARALLELISM);
            }
        }

        Path savepoint(Path fixture, Path dir) {
            Path original = fixture.resolve("savepoint");
            return switch (this) {
                case RESTORED -> original;
                case BOOTSTRAPPED -> {
                    Path export = dir.resolve("export");
                    Path bootstrapped = dir.resolve("bootstrapped");
                    state("export", original.toString(), "--output", export.toString());
                    state(
                            "bootstrap",
                            export.resolve("profiles.avro").toString(),
                            "--from",
                            original.toString(),
                            "--output",
                            bootstrapped.toString());
                    yield bootstrapped;
                }
                case MIGRATED -> {
                    Path plan = dir.resolve("max-parallelism.yaml");
                    Path migrated = dir.resolve("migrated");
                    try {
                        Files.writeString(plan, "maxParallelism: " + MIGRATED_MAX_PARALLELISM);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    state(
                            "migrate",
                            original.toString(),
                            "--plan",
                            plan.toString(),
                            "--output",
                            migrated.toString());
                    yield migrated;
                }
            };
        }

        private static void state(String... args) {
            StringWriter err = new StringWriter();
            int exit =
                    new CommandLine(new StateCommand())
                            .setErr(new PrintWriter(err))
                            .setOut(new PrintWriter(new StringWriter()))
                            .execute(args);
            assertThat(exit).as("rtprofile state %s: %s", String.join(" ", args), err).isZero();
        }
    }

    private static final int TOUCHED = 10;
    private static final int NEW = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    /** A broker per restore: the fixture's topic names are fixed, and each restore fills them. */
    EmbeddedKafka kafka;

    @TempDir Path dir;

    @BeforeEach
    void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterEach
    void stopKafka() {
        kafka.close();
    }

    static Stream<Arguments> fixtures() throws IOException {
        try (Stream<Path> releases = Files.list(SavepointFixtures.ROOT)) {
            List<Path> fixtures =
                    releases.filter(d -> Files.exists(d.resolve("expected.json")))
                            .sorted()
                            .toList();
            assertThat(fixtures).as("committed fixtures").isNotEmpty();
            Stream<Arguments> rescaled =
                    fixtures.stream()
                            .flatMap(
                                    f ->
                                            PARALLELISMS.stream()
                                                    .map(p -> Arguments.of(f, Route.RESTORED, p)));
            // The toolkit's routes at the fixture's parallelism: each restore costs seconds.
            Stream<Arguments> tooled =
                    fixtures.stream()
                            .flatMap(
                                    f ->
                                            Stream.of(
                                                    Arguments.of(f, Route.BOOTSTRAPPED, 2),
                                                    Arguments.of(f, Route.MIGRATED, 2)));
            return Stream.concat(rescaled, tooled);
        }
    }

    @ParameterizedTest(name = "restores the fixture of {0}, {1}, at parallelism {2}")
    @MethodSource("fixtures")
    void theFixtureRestoresAndItsProfilesContinue(Path fixture, Route route, int parallelism)
            throws Exception {
        JsonNode expected =
                SavepointFixtures.JSON.readTree(fixture.resolve("expected.json").toFile());
        Map<String, JsonNode> restored = new TreeMap<>();
        expected.get("profiles").forEach(p -> restored.put(p.get("profileId").asText(), p));

        KafkaTopics topics = KafkaTopics.named(kafka, expected.get("topicSuffix").asText());
        expected.get("sourceEndOffsets")
                .fields()
                .forEachRemaining(
                        topic ->
                                topic.getValue()
                                        .fields()
                                        .forEachRemaining(
                                                p ->
                                                        topics.fillWithAborted(
                                                                topic.getKey(),
                                                                Integer.parseInt(p.getKey()),
                                                                p.getValue().asLong())));

        Configuration config =
                SavepointFixtures.jobConfig(topics, fixture, dir.resolve("checkpoints"));
        config.set(
                StateRecoveryOptions.SAVEPOINT_PATH,
                route.savepoint(fixture, dir).toAbsolutePath().toUri().toString());
        route.configure(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        ProfileJob.defineKafkaJob(env, config);

        // The second batch, after the fixture's clock event in event time.
        Instant clock = Instant.parse(expected.get("clock").asText());
        String probe = "email:" + expected.get("probeEmail").asText();
        Map<String, JsonNode> touched = new LinkedHashMap<>();
        restored.values().stream()
                .filter(p -> !identities(p).contains(probe))
                .limit(TOUCHED)
                .forEach(p -> touched.put(identities(p).get(0), p));
        List<String> fresh = new ArrayList<>();
        List<byte[]> events = new ArrayList<>();
        int i = 0;
        for (String identity : touched.keySet()) {
            events.add(view("touch-" + i, clock.plusSeconds(60 + i), identity));
            i++;
        }
        for (int n = 0; n < NEW; n++) {
            String identity = "email:new-" + n + "@fixture.example";
            fresh.add(identity);
            events.add(view("new-" + n, clock.plusSeconds(120 + n), identity));
        }
        events.add(
                SavepointFixtures.event(
                        "probe-2",
                        "commerce.purchase",
                        clock.plusSeconds(300),
                        identity(probe),
                        "{\"value\":500.5}"));
        // Moves the watermark past the batch, as the fixture's clock did.
        events.add(view("clock-2", clock.plus(Duration.ofMinutes(30)), "email:clock-2@x.io"));

        JobClient job = env.executeAsync("restore of " + fixture.getFileName());
        List<ProfileUpdate> updates;
        try {
            topics.produce(events);
            Set<String> awaited = new HashSet<>(touched.keySet());
            awaited.addAll(fresh);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (true) {
                updates = updates(topics);
                Set<String> seen = new HashSet<>();
                updates.forEach(u -> seen.addAll(SavepointFixtures.identities(u)));
                boolean probeIsHighValue =
                        updates.stream()
                                .anyMatch(
                                        u ->
                                                SavepointFixtures.identities(u).contains(probe)
                                                        && SavepointFixtures.segments(u)
                                                                .contains(
                                                                        SavepointFixtures
                                                                                .HIGH_VALUE));
                if (seen.containsAll(awaited) && probeIsHighValue) {
                    break;
                }
                assertThat(System.nanoTime())
                        .as("waiting for updates of %s and the probe", awaited)
                        .isLessThan(deadline);
                Thread.sleep(300);
            }
        } finally {
            RunningJobSavepoints.cancelAndAwait(job);
        }

        // Versions go on from the fixture's, contiguous; new profiles start at 1.
        Map<String, List<Long>> versions = new TreeMap<>();
        updates.forEach(
                u ->
                        versions.computeIfAbsent(u.getProfileId(), p -> new ArrayList<>())
                                .add(u.getVersion()));
        versions.forEach(
                (profileId, seen) -> {
                    JsonNode before = restored.get(profileId);
                    long first = before == null ? 1 : before.get("version").asLong() + 1;
                    List<Long> contiguous = new ArrayList<>();
                    for (long v = first; v < first + seen.size(); v++) {
                        contiguous.add(v);
                    }
                    assertThat(seen).as("versions of %s", profileId).isEqualTo(contiguous);
                });

        for (ProfileUpdate update : updates) {
            List<String> ids = SavepointFixtures.identities(update);
            JsonNode before = restored.get(update.getProfileId());
            if (before != null && !ids.contains(probe)) {
                // Restored identities and attributes (the second batch sets no attributes).
                assertThat(ids)
                        .as("identities of %s", update.getProfileId())
                        .hasSameElementsAs(identities(before));
                assertThat(SavepointFixtures.attributes(update))
                        .as("attributes of %s", update.getProfileId())
                        .isEqualTo(before.get("attributes"));
            }
            if (before == null) {
                assertThat(ids)
                        .as("a new profile is new")
                        .allSatisfy(id -> assertThat(touched).doesNotContainKey(id));
            }
        }
        for (Map.Entry<String, JsonNode> t : touched.entrySet()) {
            String profileId = t.getValue().get("profileId").asText();
            List<ProfileUpdate> own = of(updates, u -> u.getProfileId().equals(profileId));
            assertThat(own).as("updates of %s, by %s", profileId, t.getKey()).isNotEmpty();
            List<String> longMemberships = new ArrayList<>();
            t.getValue().get("segments").forEach(s -> longMemberships.add(s.asText()));
            longMemberships.retainAll(SavepointFixtures.LONG_WINDOW_SEGMENTS);
            assertThat(SavepointFixtures.segments(own.get(own.size() - 1)))
                    .as("long-window memberships of %s", profileId)
                    .containsAll(longMemberships);
        }

        // The probe's lifetime spend counts the purchase before the savepoint.
        JsonNode probeBefore =
                restored.values().stream()
                        .filter(p -> identities(p).contains(probe))
                        .findFirst()
                        .orElseThrow();
        List<ProfileUpdate> probeUpdates =
                of(updates, u -> u.getProfileId().equals(probeBefore.get("profileId").asText()));
        assertThat(probeUpdates).isNotEmpty();
        assertThat(SavepointFixtures.segments(probeUpdates.get(probeUpdates.size() - 1)))
                .contains(SavepointFixtures.HIGH_VALUE);

        // Scores of the restored model version on every profile the second batch updated.
        for (ProfileUpdate update : updates) {
            List<String> ids = SavepointFixtures.identities(update);
            if (ids.stream().anyMatch(id -> touched.containsKey(id) || fresh.contains(id))) {
                assertThat(update.getScores())
                        .as("scores of %s", update.getProfileId())
                        .containsKey(SavepointFixtures.MODEL);
            }
        }

        // The filler below the restored positions was never read.
        assertThat(topics.readCommitted(topics.rejected)).isEmpty();

        // Rescaling: the same profiles, whatever the parallelism the savepoint is restored at.
        // Compared at the updates the second batch caused (the first showing each identity it
        // touched, and the probe's first as high-value): later ones depend on when the job was
        // stopped.
        Map<String, String> outcome = new TreeMap<>();
        List<String> compared = new ArrayList<>(touched.keySet());
        compared.addAll(fresh);
        for (String identity : compared) {
            ProfileUpdate first =
                    of(updates, u -> SavepointFixtures.identities(u).contains(identity)).get(0);
            outcome.put(identity, digest(first));
        }
        outcome.put(
                probe,
                digest(
                        of(
                                        updates,
                                        u ->
                                                SavepointFixtures.identities(u).contains(probe)
                                                        && SavepointFixtures.segments(u)
                                                                .contains(
                                                                        SavepointFixtures
                                                                                .HIGH_VALUE))
                                .get(0)));
        Map<String, Map<String, String>> byRoute =
                OUTCOMES.computeIfAbsent(fixture.toString(), f -> new TreeMap<>());
        String restore = route + " at " + parallelism;
        byRoute.put(restore, outcome);
        for (Map.Entry<String, Map<String, String>> other : byRoute.entrySet()) {
            assertThat(outcome)
                    .as("%s, against %s", restore, other.getKey())
                    .isEqualTo(other.getValue());
        }
    }

    /** A profile as an update shows it, in an order that does not depend on the run. */
    private static String digest(ProfileUpdate update) {
        Score score = update.getScores().get(SavepointFixtures.MODEL);
        return update.getProfileId()
                + " v"
                + update.getVersion()
                + " "
                + new TreeSet<>(SavepointFixtures.identities(update))
                + " "
                + SavepointFixtures.attributes(update)
                + " "
                + new TreeSet<>(SavepointFixtures.segments(update))
                + " "
                + (score == null ? "unscored" : score.getModelVersion() + ":" + score.getScore());
    }

    private static byte[] view(String id, Instant time, String identity) {
        return SavepointFixtures.event(
                id, "web.productView", time, identity(identity), "{\"sku\":\"SK-1\"}");
    }

    private static Identity identity(String namespaceAndId) {
        int colon = namespaceAndId.indexOf(':');
        return new Identity(
                namespaceAndId.substring(0, colon), namespaceAndId.substring(colon + 1));
    }

    private static List<String> identities(JsonNode profile) {
        List<String> ids = new ArrayList<>();
        profile.get("identities").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    private static List<ProfileUpdate> of(List<ProfileUpdate> updates, Predicate<ProfileUpdate> p) {
        return updates.stream().filter(p).toList();
    }

    private static List<ProfileUpdate> updates(KafkaTopics topics) throws IOException {
        List<ProfileUpdate> updates = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : topics.readCommitted(topics.updates)) {
            assertThat(record.value()).as("no profile is merged or erased").isNotNull();
            updates.add(ProfileUpdate.fromByteBuffer(ByteBuffer.wrap(record.value())));
        }
        return updates;
    }
}
