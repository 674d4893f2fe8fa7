package io.rtprofile.generator;

import io.rtprofile.cli.RtProfileCli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtprofile generate} through the real command line. */
class GenerateCommandTest {

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = RtProfileCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void writesTheRequestedEvents() throws Exception {
        Path file = dir.resolve("sub/events.jsonl");
        int code =
                run(
                        "generate",
                        "--profiles",
                        "100",
                        "--events",
                        "1234",
                        "--seed",
                        "3",
                        "--output",
                        file.toString());
        assertThat(code).isZero();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(1234);
        assertThat(lines.get(0)).startsWith("{\"eventId\":\"e-3-0\"");
        assertThat(err.toString()).contains("1234 events", "100 profiles", file.toString());
        assertThat(lines)
                .isEqualTo(new EventGenerator(GeneratorConfig.of(100, 1234, 3)).stream().toList());
    }

    @Test
    void startAndSpanPlaceTheEvents() throws Exception {
        Path file = dir.resolve("events.jsonl");
        int code =
                run(
                        "generate",
                        "--profiles",
                        "10",
                        "--events",
                        "100",
                        "--output",
                        file.toString(),
                        "--start",
                        "2027-01-01",
                        "--span",
                        "2h");
        assertThat(code).isZero();
        assertThat(Files.readAllLines(file))
                .allSatisfy(l -> assertThat(l).contains("\"timestamp\":\"2027-01-01T0"));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        String output = dir.resolve("x.jsonl").toString();
        assertThat(run("generate", "--profiles", "0", "--events", "10", "--output", output))
                .isEqualTo(2);
        assertThat(err.toString()).contains("profiles");
        assertThat(
                        run(
                                "generate",
                                "--profiles",
                                "10",
                                "--events",
                                "10",
                                "--output",
                                output,
                                "--span",
                                "soon"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("invalid duration 'soon'");
        assertThat(
                        run(
                                "generate",
                                "--profiles",
                                "10",
                                "--events",
                                "10",
                                "--output",
                                output,
                                "--start",
                                "yesterday"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("invalid --start 'yesterday'");
        assertThat(
                        run(
                                "generate",
                                "--profiles",
                                "10",
                                "--events",
                                "10",
                                "--output",
                                dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("is a directory");
        assertThat(run("generate", "--events", "10", "--output", output)).isEqualTo(2);
        assertThat(Files.exists(Path.of(output))).isFalse();
    }

    @Test
    void hasHelp() {
        assertThat(run("generate", "--help")).isZero();
        assertThat(out.toString())
                .contains("--profiles", "--events", "--seed", "--output", "--start", "--span");
    }
}
