package io.rtprofile.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtprofile state inspect} on the committed 0.1.0 fixture (RocksDB, canonical). */
class StateCommandTest {

    private static final Path FIXTURE = Path.of("src", "test", "resources", "savepoints", "0.1.0");

    @TempDir Path dir;

    private final StateCli cli = new StateCli();

    @Test
    void countsTheFixturesProfilesIdentitiesAndModels() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode expected = json.readTree(FIXTURE.resolve("expected.json").toFile());
        long identities = 0;
        for (JsonNode p : expected.get("profiles")) {
            identities += p.get("identities").size();
        }

        int code = cli.run("inspect", "--json", FIXTURE.resolve("savepoint").toString());

        assertThat(code).as(cli.err.toString()).isZero();
        JsonNode operators = json.readTree(cli.out.toString()).get("operators");
        JsonNode builder = StateCli.operator(operators, "profile-builder");
        assertThat(builder.get("maxParallelism").asInt()).isEqualTo(128);
        assertThat(builder.get("parallelism").asInt()).isEqualTo(2);
        assertThat(builder.get("stateBytes").asLong()).isPositive();
        assertThat(StateCli.state(builder, "profile").get("keys").asLong())
                .isEqualTo(expected.get("profiles").size());
        JsonNode resolver = StateCli.operator(operators, "identity-resolver");
        // One more identity and profile than expected.json: the fixture's last "clock" event is
        // resolved to a new profile, but waits in the builder for a watermark that never came, so
        // that profile has no state yet and was never published.
        assertThat(StateCli.state(resolver, "identity-assignments").get("entries").asLong())
                .isEqualTo(identities + 1);
        assertThat(StateCli.state(resolver, "profile-identities").get("entries").asLong())
                .isEqualTo(expected.get("profiles").size() + 1);
        assertThat(StateCli.state(builder, "pending-events").get("keys").asLong()).isEqualTo(1);
        JsonNode trainer = StateCli.operator(operators, "model-trainer");
        assertThat(trainer.get("maxParallelism").asInt()).isEqualTo(1);
        assertThat(StateCli.state(trainer, "model-training").get("keys").asLong()).isEqualTo(1);
        assertThat(StateCli.state(trainer, "score-sketches").get("keyed").asBoolean()).isFalse();
        assertThat(
                        StateCli.operator(operators, "events-source")
                                .get("managedOperatorState")
                                .asBoolean())
                .isTrue();
        assertThat(StateCli.operator(operators, "Sink Committer: profile-updates-sink"))
                .isNotNull();
        for (JsonNode o : operators) {
            assertThat(o.get("uid").isNull()).as("unknown uid: " + o).isFalse();
        }
    }

    @Test
    void printsATable() {
        int code = cli.run("inspect", FIXTURE.resolve("savepoint").toString());

        assertThat(code).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString())
                .contains("OPERATOR")
                .containsPattern("profile-builder +2/128 +\\d+ +\\S+ \\(keyed\\)")
                .containsPattern("identity-resolver +1/1 ")
                .contains("profile (keyed: 113 keys)")
                .contains("identity-assignments (keyed: 1 key, 242 entries)");
    }

    @Test
    void refusesAMissingPath() {
        assertThat(cli.run("inspect", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(cli.err.toString()).contains("no such file or directory");
    }

    @Test
    void refusesADirectoryWithoutMetadata() {
        assertThat(cli.run("inspect", dir.toString())).isEqualTo(2);
        assertThat(cli.err.toString())
                .contains("not a savepoint or retained checkpoint: no _metadata in " + dir);
        assertThat(cli.err.toString().lines()).as("one line on stderr").hasSize(1);
    }

    @Test
    void refusesCorruptMetadata() throws Exception {
        Files.write(dir.resolve("_metadata"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        assertThat(cli.run("inspect", dir.toString())).isEqualTo(2);
        assertThat(cli.err.toString()).contains("cannot read the savepoint metadata");
    }

    @Test
    void refusesAnUnknownUid() {
        int code =
                cli.run(
                        "inspect",
                        "--metadata-only",
                        "--uid",
                        "no-such-operator",
                        FIXTURE.resolve("savepoint").toString());

        assertThat(code).isEqualTo(2);
        assertThat(cli.err.toString()).contains("unknown uid: no operator 'no-such-operator'");
        assertThat(cli.err.toString().lines()).as("one line on stderr").hasSize(1);
    }
}
