package io.rtprofile.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentsCommandTest extends DefinitionCommandTest {

    @Override
    Object command() {
        return new SegmentsCommand();
    }

    @Override
    String examplesFolder() {
        return "segments";
    }

    @Test
    void problemsArePrintedAsFileLineReasonAndExitOne() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "id: a\nname: A\ncondition:\n  segment: nope\n");

        int code = run("validate", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo(file + ":4: unknown segment 'nope'" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }
}
