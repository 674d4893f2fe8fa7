package io.rtprofile.cli;

import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.job.RunningJobSavepoints;
import io.rtprofile.local.job.RunningJobSavepoints.Backend;
import io.rtprofile.schema.ProfileSnapshot;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtprofile state bootstrap} on a heap-backend savepoint of the running job (the RocksDB
 * fixture's route, restored into the job, is in SavepointCompatibilityITCase): a savepoint
 * bootstrapped from an export exports again to the same snapshot, key by key and engine state
 * included; a JSON lines snapshot (the warehouse route) to the same profiles.
 */
class StateBootstrapITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(RunningJobSavepoints.PARALLELISM);

    @TempDir static Path dir;

    static Path savepoint;
    static Path exported;

    @BeforeAll
    static void exportAHeapSavepointOfTheRunningJob() throws Exception {
        savepoint =
                RunningJobSavepoints.take(dir.resolve("job"), Backend.HASHMAP, false).savepoint();
        exported = dir.resolve("export");
        state("export", savepoint.toString(), "--output", exported.toString());
    }

    @Test
    void aBootstrapFromTheExportHoldsExactlyWhatTheSavepointHeld() throws Exception {
        Path bootstrapped = dir.resolve("bootstrapped");
        String printed =
                state(
                        "bootstrap",
                        exported.resolve("profiles.avro").toString(),
                        "--from",
                        savepoint.toString(),
                        "--output",
                        bootstrapped.toString());
        assertThat(printed).contains("wrote savepoint").contains("with engine state");

        Path again = dir.resolve("export-again");
        state("export", bootstrapped.toString(), "--output", again.toString());

        Map<String, ProfileSnapshot> before = records(exported.resolve("profiles.avro"));
        Map<String, ProfileSnapshot> after = records(again.resolve("profiles.avro"));
        assertThat(before).hasSizeGreaterThan(20);
        assertThat(before.values())
                .as("some keys hold window aggregates and timers")
                .anySatisfy(s -> assertThat(s.getEngine().getEventTimers()).isNotEmpty());
        assertThat(after).isEqualTo(before);
        assertThat(lines(again.resolve("profiles.jsonl")))
                .isEqualTo(lines(exported.resolve("profiles.jsonl")));
    }

    @Test
    void aJsonLinesSnapshotSeedsTheSameProfiles() throws Exception {
        Path seeded = dir.resolve("seeded");
        state(
                "bootstrap",
                exported.resolve("profiles.jsonl").toString(),
                "--output",
                seeded.toString());
        Path again = dir.resolve("export-seeded");
        state("export", seeded.toString(), "--output", again.toString());

        assertThat(lines(again.resolve("profiles.jsonl")))
                .isEqualTo(lines(exported.resolve("profiles.jsonl")));
        Map<String, ProfileSnapshot> seededKeys = records(again.resolve("profiles.avro"));
        assertThat(seededKeys.values())
                .as("nothing in a window: the events are not in the snapshot")
                .allSatisfy(s -> assertThat(s.getEngine().getState().getWindows()).isEmpty());
    }

    @Test
    void aBadLineIsReportedWithItsFileAndNumberAndNothingIsWritten() throws Exception {
        Path snapshot = dir.resolve("bad.jsonl");
        List<String> good = lines(exported.resolve("profiles.jsonl"));
        Files.write(snapshot, List.of(good.get(0), "{\"profileId\": ", good.get(1)));
        StateCli cli = new StateCli();
        Path target = dir.resolve("not-written");

        int exit = cli.run("bootstrap", snapshot.toString(), "--output", target.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(cli.err.toString().lines().toList())
                .singleElement()
                .asString()
                .startsWith("rtprofile: " + snapshot + ":2: ");
        assertThat(target).doesNotExist();
    }

    @Test
    void aBaseThatIsNotASavepointIsRefused() throws Exception {
        StateCli cli = new StateCli();
        int exit =
                cli.run(
                        "bootstrap",
                        exported.resolve("profiles.avro").toString(),
                        "--from",
                        dir.toString(),
                        "--output",
                        dir.resolve("never").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(cli.err.toString()).contains("no _metadata");
    }

    private static String state(String... args) {
        StateCli cli = new StateCli();
        int exit = cli.run(args);
        assertThat(exit).as("rtprofile state %s: %s", String.join(" ", args), cli.err).isZero();
        return cli.out.toString();
    }

    private static Map<String, ProfileSnapshot> records(Path avro) throws IOException {
        Map<String, ProfileSnapshot> records = new TreeMap<>();
        try (DataFileReader<ProfileSnapshot> reader =
                new DataFileReader<>(
                        avro.toFile(), new SpecificDatumReader<>(ProfileSnapshot.class))) {
            reader.forEach(r -> records.put(r.getProfileId(), r));
        }
        return records;
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}
