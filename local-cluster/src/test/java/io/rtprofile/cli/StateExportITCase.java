package io.rtprofile.cli;

import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.job.RunningJobSavepoints;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;
import io.rtprofile.state.Savepoints;
import io.rtprofile.state.snapshot.SnapshotFiles;

import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtprofile state export} of state taken from the running Kafka job: a canonical savepoint
 * of the heap backend, and a retained incremental RocksDB checkpoint. Each export must show exactly
 * the live profiles the job published ({@code read_committed}), as {@code run --snapshot} shows
 * them: the last update of each, standing.
 */
class StateExportITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(RunningJobSavepoints.PARALLELISM);

    @TempDir Path dir;

    @Test
    void exportsAHeapSavepointOfTheRunningJob() throws Exception {
        RunningJobSavepoints.Snapshots heap =
                RunningJobSavepoints.shared(RunningJobSavepoints.Backend.HASHMAP);

        assertThat(Savepoints.backendFor(heap.savepoint())).isInstanceOf(HashMapStateBackend.class);
        assertExportShowsTheLiveProfiles(heap.savepoint(), heap.liveProfiles());
    }

    @Test
    void exportsARetainedRocksDbCheckpoint() throws Exception {
        RunningJobSavepoints.Snapshots rocks =
                RunningJobSavepoints.shared(RunningJobSavepoints.Backend.ROCKSDB);

        // Incremental RocksDB files, which only RocksDB reads: not a canonical savepoint.
        assertThat(Savepoints.backendFor(rocks.retainedCheckpoint()))
                .isInstanceOf(EmbeddedRocksDBStateBackend.class);
        assertExportShowsTheLiveProfiles(rocks.retainedCheckpoint(), rocks.liveProfiles());
    }

    private void assertExportShowsTheLiveProfiles(Path state, Map<String, ProfileUpdate> live)
            throws Exception {
        assertThat(live).hasSizeGreaterThan(10);
        Path out = dir.resolve("export");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = RtProfileCli.commandLine();
        cli.setOut(new PrintWriter(stdout, true));
        cli.setErr(new PrintWriter(stderr, true));

        int code = cli.execute("state", "export", state.toString(), "--output", out.toString());

        assertThat(code).as(stderr.toString()).isZero();
        List<String> want = new ArrayList<>();
        new TreeMap<>(live)
                .values()
                .forEach(p -> want.add(ProfileUpdateJson.toJson(ProfileMerger.standing(p))));
        assertThat(Files.readAllLines(out.resolve(SnapshotFiles.JSON_LINES_FILE)))
                .containsExactlyElementsOf(want);
        List<ProfileSnapshot> keys = SnapshotFiles.readAll(out.resolve(SnapshotFiles.AVRO_FILE));
        assertThat(keys).filteredOn(k -> k.getProfile() != null).hasSize(live.size());
        assertThat(keys).allSatisfy(k -> assertThat(k.getEngine()).isNotNull());
        assertThat(stdout.toString()).contains("exported " + live.size() + " profiles");
    }
}
