package io.rtprofile.cli;

import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.job.RunningJobSavepoints;
import io.rtprofile.local.job.RunningJobSavepoints.Backend;
import io.rtprofile.local.job.RunningJobSavepoints.Snapshots;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.state.Savepoints;

import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtprofile state inspect} on snapshots of the running Kafka job ({@link
 * RunningJobSavepoints}): a heap-backend stop-with-savepoint, and a retained incremental RocksDB
 * checkpoint. The key counts are those of the live profiles read from {@code profile-updates} (the
 * error paths are StateCommandTest's, on the committed fixture).
 */
class StateInspectITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(RunningJobSavepoints.PARALLELISM);

    @Test
    void countsTheProfilesOfAHeapSavepoint() throws Exception {
        Snapshots heap = RunningJobSavepoints.shared(Backend.HASHMAP);

        assertCountsAreTheLiveProfiles(inspect(heap.savepoint()), heap.liveProfiles());
    }

    @Test
    void countsTheProfilesOfARetainedIncrementalRocksDbCheckpoint() throws Exception {
        Snapshots rocks = RunningJobSavepoints.shared(Backend.ROCKSDB);

        // Incremental handles: only RocksDB reads them (a canonical savepoint is read on the heap).
        assertThat(Savepoints.backendFor(rocks.retainedCheckpoint()))
                .isInstanceOf(EmbeddedRocksDBStateBackend.class);
        assertCountsAreTheLiveProfiles(inspect(rocks.retainedCheckpoint()), rocks.liveProfiles());
        // The savepoint taken just before the cancellation holds the same.
        assertCountsAreTheLiveProfiles(inspect(rocks.savepoint()), rocks.liveProfiles());
    }

    private static JsonNode inspect(Path snapshot) throws Exception {
        StateCli cli = new StateCli();
        int code = cli.run("inspect", "--json", snapshot.toString());
        assertThat(code).as(cli.err.toString()).isZero();
        return new ObjectMapper().readTree(cli.out.toString()).get("operators");
    }

    private static void assertCountsAreTheLiveProfiles(
            JsonNode operators, Map<String, ProfileUpdate> live) {
        long identities = 0;
        for (ProfileUpdate p : live.values()) {
            identities += p.getIdentities().size();
        }
        JsonNode builder = StateCli.operator(operators, "profile-builder");
        JsonNode resolver = StateCli.operator(operators, "identity-resolver");
        JsonNode trainer = StateCli.operator(operators, "model-trainer");
        for (JsonNode o : new JsonNode[] {builder, resolver, trainer}) {
            assertThat(o.get("stateBytes").asLong()).as("state bytes of " + o).isPositive();
        }
        assertThat(StateCli.state(builder, "profile").get("keys").asLong()).isEqualTo(live.size());
        // One more identity and profile in the identity graph than published: the run's last
        // ("clock") event founded a profile that waits in pending-events for a watermark that
        // never comes, so it has no profile state and no update yet (RunningJobSavepoints).
        assertThat(StateCli.state(resolver, "identity-assignments").get("entries").asLong())
                .isEqualTo(identities + 1);
        assertThat(StateCli.state(resolver, "profile-identities").get("entries").asLong())
                .isEqualTo(live.size() + 1);
        assertThat(StateCli.state(builder, "pending-events").get("keys").asLong()).isEqualTo(1);
        assertThat(StateCli.state(trainer, "model-training").get("keys").asLong()).isEqualTo(1);
        for (JsonNode o : operators) {
            assertThat(o.get("uid").isNull()).as("unknown uid: " + o).isFalse();
        }
    }
}
