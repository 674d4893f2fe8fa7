package io.rtprofile.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtprofile state inspect} on the committed 0.1.0 fixture (RocksDB, canonical). */
class StateCommandTest {

    private static final Path FIXTURE = Path.of("src", "test", "resources", "savepoints", "0.1.0");

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void countsTheFixturesProfilesIdentitiesAndModels() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode expected = json.readTree(FIXTURE.resolve("expected.json").toFile());
        long identities = 0;
        for (JsonNode p : expected.get("profiles")) {
            identities += p.get("identities").size();
        }

        int code = run("inspect", "--json", FIXTURE.resolve("savepoint").toString());

        assertThat(code).as(err.toString()).isZero();
        JsonNode operators = json.readTree(out.toString()).get("operators");
        JsonNode builder = operator(operators, "profile-builder");
        assertThat(builder.get("maxParallelism").asInt()).isEqualTo(128);
        assertThat(builder.get("parallelism").asInt()).isEqualTo(2);
        assertThat(builder.get("stateBytes").asLong()).isPositive();
        assertThat(state(builder, "profile").get("keys").asLong())
                .isEqualTo(expected.get("profiles").size());
        JsonNode resolver = operator(operators, "identity-resolver");
        // One more identity and profile than expected.json: the fixture's last "clock" event is
        // resolved to a new profile, but waits in the builder for a watermark that never came, so
        // that profile has no state yet and was never published.
        assertThat(state(resolver, "identity-assignments").get("entries").asLong())
                .isEqualTo(identities + 1);
        assertThat(state(resolver, "profile-identities").get("entries").asLong())
                .isEqualTo(expected.get("profiles").size() + 1);
        assertThat(state(builder, "pending-events").get("keys").asLong()).isEqualTo(1);
        JsonNode trainer = operator(operators, "model-trainer");
        assertThat(trainer.get("maxParallelism").asInt()).isEqualTo(1);
        assertThat(state(trainer, "model-training").get("keys").asLong()).isEqualTo(1);
        assertThat(state(trainer, "score-sketches").get("keyed").asBoolean()).isFalse();
        assertThat(operator(operators, "events-source").get("managedOperatorState").asBoolean())
                .isTrue();
        assertThat(operator(operators, "Sink Committer: profile-updates-sink")).isNotNull();
        for (JsonNode o : operators) {
            assertThat(o.get("uid").isNull()).as("unknown uid: " + o).isFalse();
        }
    }

    @Test
    void printsATable() {
        int code = run("inspect", FIXTURE.resolve("savepoint").toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("OPERATOR")
                .containsPattern("profile-builder +2/128 +\\d+ +\\S+ \\(keyed\\)")
                .containsPattern("identity-resolver +1/1 ")
                .contains("profile (keyed: 113 keys)")
                .contains("identity-assignments (keyed: 1 key, 242 entries)");
    }

    @Test
    void refusesAMissingPath() {
        assertThat(run("inspect", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no such file or directory");
    }

    @Test
    void refusesADirectoryWithoutMetadata() {
        assertThat(run("inspect", dir.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("not a savepoint or retained checkpoint: no _metadata in " + dir);
    }

    @Test
    void refusesCorruptMetadata() throws Exception {
        Files.write(dir.resolve("_metadata"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        assertThat(run("inspect", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("cannot read the savepoint metadata");
    }

    @Test
    void refusesAnUnknownUid() {
        int code =
                run(
                        "inspect",
                        "--metadata-only",
                        "--uid",
                        "no-such-operator",
                        FIXTURE.resolve("savepoint").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("unknown uid: no operator 'no-such-operator'");
    }

    private static JsonNode operator(JsonNode operators, String uid) {
        for (JsonNode o : operators) {
            if (uid.equals(o.path("uid").asText())) {
                return o;
            }
        }
        throw new AssertionError("no operator " + uid + " in " + operators);
    }

    private static JsonNode state(JsonNode operator, String name) {
        for (JsonNode s : operator.get("states")) {
            if (name.equals(s.get("name").asText())) {
                return s;
            }
        }
        throw new AssertionError("no state " + name + " in " + operator);
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new StateCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
