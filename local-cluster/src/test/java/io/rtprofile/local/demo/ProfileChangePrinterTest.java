package io.rtprofile.local.demo;

import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's lines: updates as before, and a line for each profile that ended. */
class ProfileChangePrinterTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final ProfileChangePrinter printer =
            new ProfileChangePrinter(new PrintStream(printed, true, StandardCharsets.UTF_8), 100);

    @Test
    void aMergedProfileNamesItsSurvivor() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("rtprofile-tombstone", utf8("merged"));
        headers.add("rtprofile-survivor", utf8("p-y"));

        printer.print(utf8("p-x"), null, headers);

        assertThat(lines()).containsExactly("p-x merged into p-y");
    }

    @Test
    void anErasedProfileIsSaidSo() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("rtprofile-tombstone", utf8("erased"));

        printer.print(utf8("p-x"), null, headers);
        printer.print(utf8("p-z"), null, new RecordHeaders());
        printer.print(null, null, null);

        assertThat(lines()).containsExactly("p-x erased", "p-z deleted");
    }

    @Test
    void updatesArePrintedAsBefore() throws Exception {
        ProfileUpdate update =
                ProfileUpdate.newBuilder()
                        .setProfileId("p-1")
                        .setVersion(1)
                        .setUpdatedAt(1_793_527_200_000L)
                        .setIdentities(List.of(new Identity("email", "ann@example.com")))
                        .setAttributes(Map.of("country", "FR"))
                        .setSegments(Map.of())
                        .setSegmentChanges(List.of())
                        .setScores(Map.of())
                        .build();
        ByteBuffer encoded = update.toByteBuffer();
        byte[] value = new byte[encoded.remaining()];
        encoded.get(value);

        printer.print(utf8("p-1"), value, new RecordHeaders());

        assertThat(lines()).hasSize(1);
        assertThat(lines().get(0))
                .startsWith("2026-11-01T10:00:00Z  p-1")
                .contains("v1")
                .contains("email:ann@example.com")
                .endsWith("country=FR");
    }

    private List<String> lines() {
        return printed.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
