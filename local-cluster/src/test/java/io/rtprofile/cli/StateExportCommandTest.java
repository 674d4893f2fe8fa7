package io.rtprofile.cli;

import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.json.ProfileUpdateJson;
import io.rtprofile.schema.state.ProfileEngineState;
import io.rtprofile.schema.state.ProfileState;
import io.rtprofile.state.snapshot.SnapshotFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtprofile state export} of the committed 0.1.0 fixture (a stop-with-savepoint of the
 * running Kafka job, RocksDB backend, canonical), checked against its {@code expected.json}: the
 * live profiles read {@code read_committed} from the job's output when it was taken.
 */
class StateExportCommandTest {

    private static final Path FIXTURE = Path.of("src", "test", "resources", "savepoints", "0.1.0");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One export in both formats, shared by the tests that read it (a local Flink run). */
    @TempDir static Path exported;

    private static String exportOut;
    private static String exportErr;
    private static int exportCode;

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void export() {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        exportCode =
                run(
                        o,
                        e,
                        "export",
                        FIXTURE.resolve("savepoint").toString(),
                        "--output",
                        exported.resolve("out").toString());
        exportOut = o.toString();
        exportErr = e.toString();
    }

    @Test
    void jsonLinesHoldTheFixturesLiveProfiles() throws Exception {
        assertThat(exportCode).as(exportErr).isZero();
        Map<String, JsonNode> expected = new TreeMap<>();
        for (JsonNode p :
                JSON.readTree(FIXTURE.resolve("expected.json").toFile()).get("profiles")) {
            expected.put(p.get("profileId").asText(), p);
        }
        assertThat(expected).hasSize(113);

        Map<String, ProfileEngineState> engines = new TreeMap<>();
        for (ProfileSnapshot key : SnapshotFiles.readAll(exported.resolve("out/profiles.avro"))) {
            engines.put(key.getProfileId(), key.getEngine());
        }

        List<String> lines = Files.readAllLines(exported.resolve("out/profiles.jsonl"));

        List<String> ids = new ArrayList<>();
        int exitedAtLastUpdate = 0;
        for (String line : lines) {
            JsonNode profile = JSON.readTree(line);
            String id = profile.get("profileId").asText();
            ids.add(id);
            JsonNode want = expected.get(id);
            assertThat(want).as("not a live profile: " + id).isNotNull();
            assertThat(profile.get("version").asLong())
                    .as(id)
                    .isEqualTo(want.get("version").asLong());
            TreeSet<String> identities = new TreeSet<>();
            profile.get("identities")
                    .forEach(
                            i ->
                                    identities.add(
                                            i.get("namespace").asText()
                                                    + ":"
                                                    + i.get("id").asText()));
            assertThat(identities).as(id).containsExactlyElementsOf(texts(want.get("identities")));
            assertThat(profile.get("attributes")).as(id).isEqualTo(want.get("attributes"));
            TreeSet<String> segments = new TreeSet<>();
            profile.get("segments").fieldNames().forEachRemaining(segments::add);
            // expected.json keeps every segment of the last update, exits included, while a
            // snapshot shows memberships as they stand: a segment may be missing only when the
            // last update was its exit (the state's segment change is that update's time).
            TreeSet<String> exited = new TreeSet<>(texts(want.get("segments")));
            exited.removeAll(segments);
            assertThat(texts(want.get("segments"))).as(id).containsAll(segments);
            if (!exited.isEmpty()) {
                ProfileState state = engines.get(id).getState();
                assertThat(state.getSegmentsChangedAt())
                        .as("%s left %s at its last update", id, exited)
                        .isEqualTo(state.getUpdatedAt());
                exitedAtLastUpdate++;
            }
            profile.get("segments")
                    .forEach(s -> assertThat(s.get("status").asText()).isEqualTo("existing"));
            assertThat(profile.get("segmentChanges")).as(id).isEmpty();
            assertThat(profile.get("scores").has("purchase-propensity"))
                    .as(id)
                    .isEqualTo(want.get("scored").asBoolean());
        }
        assertThat(ids).hasSize(113).isSorted().containsExactlyElementsOf(expected.keySet());
        // In the committed fixture 43 profiles' last update was an exit; the other 70 are
        // compared membership for membership.
        assertThat(exitedAtLastUpdate).isEqualTo(43);
        // The fixture's models did score some profiles: the comparison above is not vacuous.
        assertThat(expected.values()).anyMatch(p -> p.get("scored").asBoolean());
    }

    @Test
    void avroHoldsTheSameProfilesAndTheEngineStateOfEveryKey() throws Exception {
        assertThat(exportCode).as(exportErr).isZero();
        Map<String, String> lines = new TreeMap<>();
        for (String line : Files.readAllLines(exported.resolve("out/profiles.jsonl"))) {
            lines.put(JSON.readTree(line).get("profileId").asText(), line);
        }

        List<ProfileSnapshot> keys = SnapshotFiles.readAll(exported.resolve("out/profiles.avro"));

        List<ProfileSnapshot> pendingOnly = new ArrayList<>();
        int withWindows = 0;
        int withTimers = 0;
        for (ProfileSnapshot key : keys) {
            ProfileEngineState engine = key.getEngine();
            assertThat(engine).as(key.getProfileId()).isNotNull();
            if (key.getProfile() == null) {
                assertThat(engine.getState()).isNull();
                pendingOnly.add(key);
                continue;
            }
            assertThat(ProfileUpdateJson.toJson(key.getProfile()))
                    .isEqualTo(lines.get(key.getProfileId()));
            assertThat(engine.getState().getProfileId()).isEqualTo(key.getProfileId());
            assertThat(key.getProfile().getSegments().values())
                    .allMatch(m -> m.getStatus() == SegmentStatus.existing);
            if (!engine.getState().getWindows().isEmpty()) {
                withWindows++;
            }
            if (!engine.getEventTimers().isEmpty()) {
                withTimers++;
                assertThat(engine.getEventTimers()).isSorted();
            }
        }
        assertThat(keys).hasSize(114);
        assertThat(keys).filteredOn(k -> k.getProfile() != null).hasSize(lines.size());
        assertThat(withWindows).isPositive();
        assertThat(withTimers).isPositive();
        // The fixture's last event waits in the builder for a watermark that never came: its
        // profile has no state yet, only the held event and the timer that would release it.
        assertThat(pendingOnly).hasSize(1);
        ProfileEngineState held = pendingOnly.get(0).getEngine();
        assertThat(held.getPendingEvents()).isNotEmpty();
        assertThat(held.getEventTimers()).contains(held.getPendingEvents().get(0).getTimestamp());
        assertThat(exportOut)
                .contains("exported 113 profiles (114 keys, 1 with only pending state)");
    }

    @Test
    void writesOnlyTheFormatAsked() {
        int code =
                run(
                        "export",
                        FIXTURE.resolve("savepoint").toString(),
                        "--output",
                        dir.toString(),
                        "--format",
                        "jsonl");

        assertThat(code).as(err.toString()).isZero();
        assertThat(dir.resolve("profiles.jsonl")).isNotEmptyFile();
        assertThat(dir.resolve("profiles.avro")).doesNotExist();
    }

    @Test
    void refusesAMissingPath() {
        assertThat(run("export", dir.resolve("missing").toString(), "--output", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).contains("no such file or directory");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void refusesADirectoryWithoutMetadata() throws Exception {
        Path notASavepoint = Files.createDirectories(dir.resolve("not-a-savepoint"));

        assertThat(
                        run(
                                "export",
                                notASavepoint.toString(),
                                "--output",
                                dir.resolve("out").toString()))
                .isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo(
                        "rtprofile: not a savepoint or retained checkpoint: no _metadata in "
                                + notASavepoint
                                + System.lineSeparator());
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void refusesCorruptMetadata() throws Exception {
        Files.write(dir.resolve("_metadata"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        assertThat(run("export", dir.toString(), "--output", dir.resolve("out").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("cannot read the savepoint metadata");
    }

    @Test
    void refusesAnUnknownFormatAndDocumentsItself() {
        assertThat(
                        run(
                                "export",
                                FIXTURE.resolve("savepoint").toString(),
                                "--output",
                                dir.toString(),
                                "--format",
                                "csv"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--format");
        assertThat(dir).isEmptyDirectory();

        assertThat(run("export", "--help")).isZero();
        assertThat(out.toString())
                .contains("--output=DIR", "jsonl, avro or both (default: both)", "Exit codes:");
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    private int run(String... args) {
        return run(out, err, args);
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new StateCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
