package io.rtprofile.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ModelsCommandTest extends DefinitionCommandTest {

    @Override
    Object command() {
        return new ModelsCommand();
    }

    @Override
    String examplesFolder() {
        return "models";
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
    void publishingAnInvalidFileWritesNothingAndExitsOne() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "id: buyer\n");

        // No broker is reached: the definitions are checked first.
        int code = run("publish", "--bootstrap-servers", "localhost:1", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains(file.toString());
    }
}
