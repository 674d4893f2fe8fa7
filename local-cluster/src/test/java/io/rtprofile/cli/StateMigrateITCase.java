package io.rtprofile.cli;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.job.RunningJobSavepoints;
import io.rtprofile.local.job.RunningJobSavepoints.Backend;
import io.rtprofile.local.job.RunningJobSavepoints.Snapshots;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.state.Savepoints;
import io.rtprofile.state.snapshot.ProfileSnapshotReader;

import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtprofile state migrate} on savepoints of the running Kafka job: the committed 0.1.0
 * fixture (RocksDB) and a heap-backend one taken here ({@link RunningJobSavepoints}). The migrated
 * savepoint read back holds exactly the profiles it was taken with, the plan applied. (That a
 * migrated savepoint restores and the job continues is SavepointCompatibilityITCase's MIGRATED
 * route.)
 */
class StateMigrateITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(RunningJobSavepoints.PARALLELISM);

    private static final Path FIXTURE = Path.of("src", "test", "resources", "savepoints", "0.1.0");

    @TempDir Path dir;

    @Test
    void renamesAnAttributeAndDropsASegmentOfTheFixture() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(
                plan,
                """
                attributes:
                  rename: {loyaltyTier: tier}
                segments:
                  drop: [browsers]
                """);
        Path migrated = dir.resolve("migrated");
        StateCli cli = new StateCli();
        int code =
                cli.run(
                        "migrate",
                        FIXTURE.resolve("savepoint").toString(),
                        "--plan",
                        plan.toString(),
                        "--output",
                        migrated.toString());
        assertThat(code).as(cli.err.toString()).isZero();

        // What the fixture says its live profiles hold.
        JsonNode expected = new ObjectMapper().readTree(FIXTURE.resolve("expected.json").toFile());
        int withTier = 0;
        for (JsonNode p : expected.get("profiles")) {
            withTier += p.get("attributes").has("loyaltyTier") ? 1 : 0;
        }
        assertThat(withTier).isPositive();
        // Memberships as the savepoint holds them (expected.json also lists a last update's exits).
        Map<String, ProfileUpdate> before = read(FIXTURE.resolve("savepoint"));
        long browsers =
                before.values().stream()
                        .filter(u -> u.getSegments().containsKey("browsers"))
                        .count();
        assertThat(browsers).isPositive();
        assertThat(cli.out.toString())
                .contains(
                        "attribute loyaltyTier -> tier: "
                                + withTier
                                + " profiles (0 already had tier, merged by the merge policy)")
                .contains("segment browsers dropped: " + browsers + " memberships");

        // Read back: every profile is the fixture's with the plan applied, nothing else changed.
        Map<String, ProfileUpdate> after = read(migrated);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        assertThat(after).hasSizeGreaterThanOrEqualTo(expected.get("profiles").size());
        for (Map.Entry<String, ProfileUpdate> e : before.entrySet()) {
            ProfileUpdate old = e.getValue();
            ProfileUpdate now = after.get(e.getKey());
            Map<String, Object> attributes = new HashMap<>(old.getAttributes());
            Object tier = attributes.remove("loyaltyTier");
            if (tier != null) {
                attributes.put("tier", tier);
            }
            assertThat(now.getAttributes())
                    .as("attributes of %s", e.getKey())
                    .isEqualTo(attributes);
            TreeSet<String> segments = new TreeSet<>(old.getSegments().keySet());
            segments.remove("browsers");
            assertThat(new TreeSet<>(now.getSegments().keySet()))
                    .as("memberships of %s", e.getKey())
                    .isEqualTo(segments);
            assertThat(now.getIdentities()).isEqualTo(old.getIdentities());
            assertThat(now.getScores()).isEqualTo(old.getScores());
            assertThat(now.getVersion()).isEqualTo(old.getVersion());
        }
        // And against the fixture's own record of the live profiles.
        for (JsonNode p : expected.get("profiles")) {
            ProfileUpdate now = after.get(p.get("profileId").asText());
            if (p.get("attributes").has("loyaltyTier")) {
                assertThat(String.valueOf(now.getAttributes().get("tier")))
                        .isEqualTo(p.get("attributes").get("loyaltyTier").asText());
            }
            assertThat(now.getAttributes()).doesNotContainKey("loyaltyTier");
            assertThat(now.getSegments()).doesNotContainKey("browsers");
        }
    }

    @Test
    void migratesAHeapSavepointOfTheRunningJob() throws Exception {
        Snapshots heap = RunningJobSavepoints.shared(Backend.HASHMAP);
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(
                plan,
                """
                attributes:
                  rename: {loyaltyTier: tier}
                  drop: [firstName]
                models:
                  drop: [purchase-propensity]
                maxParallelism: 256
                """);
        Path migrated = dir.resolve("migrated");
        StateCli cli = new StateCli();
        int code =
                cli.run(
                        "migrate",
                        heap.savepoint().toString(),
                        "--plan",
                        plan.toString(),
                        "--output",
                        migrated.toString());
        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString()).contains("max parallelism: 128 -> 256");

        OperatorIdentifier builder = OperatorIdentifier.forUid(Uids.PROFILE_BUILDER);
        assertThat(
                        Savepoints.load(migrated).getOperatorStates().stream()
                                .filter(s -> s.getOperatorID().equals(builder.getOperatorId()))
                                .findFirst()
                                .orElseThrow()
                                .getMaxParallelism())
                .isEqualTo(256);
        Map<String, ProfileUpdate> after = read(migrated);
        assertThat(after.keySet()).containsAll(heap.liveProfiles().keySet());
        for (ProfileUpdate live : heap.liveProfiles().values()) {
            Map<String, Object> attributes = new HashMap<>(live.getAttributes());
            attributes.remove("firstName");
            Object tier = attributes.remove("loyaltyTier");
            if (tier != null) {
                attributes.put("tier", tier);
            }
            ProfileUpdate now = after.get(live.getProfileId());
            assertThat(now.getAttributes())
                    .as("attributes of %s", live.getProfileId())
                    .isEqualTo(attributes);
            // A last update also lists the exits it reports; the state holds memberships only.
            TreeSet<String> members = new TreeSet<>();
            live.getSegments()
                    .forEach(
                            (id, m) -> {
                                if (m.getStatus() != SegmentStatus.exited) {
                                    members.add(id);
                                }
                            });
            assertThat(new TreeSet<>(now.getSegments().keySet()))
                    .as("memberships of %s", live.getProfileId())
                    .isEqualTo(members);
            assertThat(now.getScores()).isEmpty();
        }
        // The trainer had learned the model: it keeps only its version counter.
        assertThat(cli.out.toString()).contains("1 trainer state, 1 score sketch");
    }

    @Test
    void unusableInputIsOneLineOnStderrAndExitTwo() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, "segments:\n  drop: [browsers]\n");
        Path notASavepoint = Files.createDirectories(dir.resolve("not-a-savepoint"));
        assertUnusable(
                "not a savepoint or retained checkpoint: no _metadata in " + notASavepoint,
                "migrate",
                notASavepoint.toString(),
                "--plan",
                plan.toString(),
                "--output",
                dir.resolve("out").toString());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "segments:\n  drop: [Browsers]\nmaxParallelism: 0\n");
        assertUnusable(
                bad
                        + ":2: bad id 'Browsers' in segments.drop: ids match [a-z0-9][a-z0-9-]*; "
                        + bad
                        + ":3: maxParallelism must be a whole number from 1 to 32768, not '0'",
                "migrate",
                FIXTURE.resolve("savepoint").toString(),
                "--plan",
                bad.toString(),
                "--output",
                dir.resolve("out").toString());

        Path taken = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(taken.resolve("x"), "x");
        assertUnusable(
                "the target "
                        + taken
                        + " exists and is not empty: a savepoint is never written over"
                        + " anything",
                "migrate",
                FIXTURE.resolve("savepoint").toString(),
                "--plan",
                plan.toString(),
                "--output",
                taken.toString());
    }

    private static void assertUnusable(String message, String... args) {
        StateCli cli = new StateCli();
        assertThat(cli.run(args)).as(cli.err.toString()).isEqualTo(2);
        assertThat(cli.err.toString()).isEqualTo("rtprofile: " + message + System.lineSeparator());
        assertThat(cli.out.toString()).isEmpty();
    }

    private static Map<String, ProfileUpdate> read(Path savepoint) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Map<String, ProfileUpdate> profiles = new TreeMap<>();
        List<String> heldOnly = new ArrayList<>();
        try (CloseableIterator<ProfileSnapshot> it =
                ProfileSnapshotReader.read(env, savepoint, ProfileJobSettings.defaults())
                        .executeAndCollect()) {
            it.forEachRemaining(
                    s -> {
                        if (s.getProfile() == null) {
                            heldOnly.add(s.getProfileId());
                        } else {
                            profiles.put(s.getProfileId(), s.getProfile());
                        }
                    });
        }
        return profiles;
    }
}
