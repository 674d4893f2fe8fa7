package io.rtprofile.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of {@code rtprofile segments} and {@code rtprofile models} share: their validate
 * subcommands behave the same ({@link DefinitionCommands}), on the repository's examples.
 */
abstract class DefinitionCommandTest {

    @TempDir Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    /** A fresh command: {@code new SegmentsCommand()}, say. */
    abstract Object command();

    /** The kind's folder under examples/: {@code segments}, {@code models}. */
    abstract String examplesFolder();

    @Test
    void validExamplesExitZero() {
        int code = run("validate", examples().toString());

        assertThat(code).isZero();
        assertThat(out.toString()).matches("(?s)\\d+ definitions? OK\\R");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void unusableArgumentsExitTwo() {
        assertThat(run("validate", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no such file or directory");
        assertThat(run("validate")).isEqualTo(2);
    }

    int run(String... args) {
        CommandLine cli = new CommandLine(command());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    Path examples() {
        String folder = "examples/" + examplesFolder();
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.isDirectory(here.resolve(folder))) {
            here = here.getParent();
        }
        assertThat(here).as(folder + " above the working directory").isNotNull();
        return here.resolve(folder);
    }
}
