package io.rtprofile.schema.json;

import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.RejectedEvent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Rejected records as JSON: the original as text when it is UTF-8, as base64 otherwise. */
class RejectedEventJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** 2026-11-01T10:00:00Z in epoch milliseconds. */
    private static final long T0 = 1_793_527_200_000L;

    @Test
    void utf8OriginalIsWrittenAsText() throws Exception {
        String original = "{\"eventId\": \"é-1\", \"note\": \"line\\nbreak \\\"quoted\\\" ✓\"";
        RejectedEvent rejected =
                new RejectedEvent(
                        "not valid JSON: Unexpected end-of-input",
                        ByteBuffer.wrap(original.getBytes(StandardCharsets.UTF_8)),
                        fileOrigin("events.jsonl", 12),
                        T0);

        JsonNode json = MAPPER.readTree(RejectedEventJson.toJson(rejected));

        assertThat(fieldNames(json))
                .containsExactly("file", "line", "reason", "original", "rejectedAt");
        assertThat(json.get("file").asText()).isEqualTo("events.jsonl");
        assertThat(json.get("line").asLong()).isEqualTo(12);
        assertThat(json.get("reason").asText())
                .isEqualTo("not valid JSON: Unexpected end-of-input");
        assertThat(json.get("original").asText()).isEqualTo(original);
        assertThat(json.get("rejectedAt").asText()).isEqualTo("2026-11-01T10:00:00Z");
    }

    @Test
    void nonUtf8OriginalIsWrittenAsBase64() throws Exception {
        byte[] original = {(byte) 0xC3, 0x01, (byte) 0xFF, 0x00, (byte) 0x80, 'a', (byte) 0xED};
        RejectedEvent rejected =
                new RejectedEvent(
                        "Avro record with unknown schema fingerprint 1234",
                        ByteBuffer.wrap(original),
                        kafkaOrigin("events", 3, 42L),
                        T0 + 5);

        JsonNode json = MAPPER.readTree(RejectedEventJson.toJson(rejected));

        assertThat(fieldNames(json))
                .containsExactly(
                        "topic", "partition", "offset", "reason", "originalBase64", "rejectedAt");
        assertThat(json.get("topic").asText()).isEqualTo("events");
        assertThat(json.get("partition").asInt()).isEqualTo(3);
        assertThat(json.get("offset").asLong()).isEqualTo(42L);
        assertThat(Base64.getDecoder().decode(json.get("originalBase64").asText()))
                .isEqualTo(original);
        assertThat(json.get("rejectedAt").asText()).isEqualTo("2026-11-01T10:00:00.005Z");
    }

    @Test
    void encodedSurrogatesAndOverlongFormsAreNotUtf8() throws Exception {
        for (byte[] original :
                List.of(
                        new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
                        new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'},
                        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) {
            RejectedEvent rejected =
                    new RejectedEvent(
                            "r", ByteBuffer.wrap(original), kafkaOrigin("events", 0, 0L), T0);

            JsonNode json = MAPPER.readTree(RejectedEventJson.toJson(rejected));

            assertThat(json.has("original")).isFalse();
            assertThat(Base64.getDecoder().decode(json.get("originalBase64").asText()))
                    .isEqualTo(original);
        }
    }

    @Test
    void emptyOriginalIsEmptyText() throws Exception {
        RejectedEvent rejected =
                new RejectedEvent(
                        "empty record", ByteBuffer.wrap(new byte[0]), kafkaOrigin("e", 0, 9L), T0);

        JsonNode json = MAPPER.readTree(RejectedEventJson.toJson(rejected));

        assertThat(json.get("original").asText()).isEmpty();
    }

    @Test
    void onlyTheBufferContentIsWrittenAndTheBufferIsLeftAsItWas() throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap("xx{bad}yy".getBytes(StandardCharsets.UTF_8), 2, 5);
        RejectedEvent rejected = new RejectedEvent("r", buffer, fileOrigin("f", 1), T0);

        JsonNode first = MAPPER.readTree(RejectedEventJson.toJson(rejected));
        JsonNode second = MAPPER.readTree(RejectedEventJson.toJson(rejected));

        assertThat(first.get("original").asText()).isEqualTo("{bad}");
        assertThat(second).isEqualTo(first);
    }

    static EventOrigin fileOrigin(String file, long line) {
        return EventOrigin.newBuilder().setFile(file).setLine(line).build();
    }

    static EventOrigin kafkaOrigin(String topic, int partition, long offset) {
        return EventOrigin.newBuilder()
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .build();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
