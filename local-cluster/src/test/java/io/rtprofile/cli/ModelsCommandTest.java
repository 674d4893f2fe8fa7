package io.rtprofile.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelsCommandTest {

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void validExamplesExitZero() {
        int code = run("validate", examples().toString());

        assertThat(code).isZero();
        assertThat(out.toString()).matches("(?s)\\d+ definitions? OK\\R");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void problemsArePrintedAsFileLineReasonAndExitOne() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(
                file,
                "id: buyer\nname: Buys\nalgorithm: magic\nfeatures:\n"
                        + "  - name: carts\n"
                        + "    events: {where: event.type == \"commerce.addToCart\", within: 1h}\n"
                        + "label: {event: event.type == \"commerce.purchase\", within: 10m}\n");

        int code = run("validate", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith(file + ":3: unknown algorithm 'magic'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unusableArgumentsExitTwo() {
        assertThat(run("validate", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no such file or directory");
        assertThat(run("validate")).isEqualTo(2);
    }

    @Test
    void publishingAnInvalidFileWritesNothingAndExitsOne() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "id: buyer\n");

        // No broker is reached: the definitions are checked first.
        int code = run("publish", "--bootstrap-servers", "localhost:1", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains(file.toString());
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new ModelsCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static Path examples() {
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.isDirectory(here.resolve("examples/models"))) {
            here = here.getParent();
        }
        assertThat(here).as("examples/models above the working directory").isNotNull();
        return here.resolve("examples/models");
    }
}
