package io.rtprofile.local.kafka;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** How one record becomes one line. */
class JsonLinesConsumerTest {

    @Test
    void printsTheValueAlone() {
        assertThat(JsonLinesConsumer.render(bytes("k"), bytes("{\"a\":1}"), false))
                .isEqualTo("{\"a\":1}");
    }

    @Test
    void printsATombstoneWithItsKey() {
        assertThat(JsonLinesConsumer.render(bytes("p-1"), null, false))
                .isEqualTo("{\"key\":\"p-1\",\"tombstone\":true}");
        assertThat(JsonLinesConsumer.render(null, null, false))
                .isEqualTo("{\"key\":null,\"tombstone\":true}");
        assertThat(JsonLinesConsumer.render(bytes("p-1"), null, new RecordHeaders(), true))
                .isEqualTo("{\"key\":\"p-1\",\"tombstone\":true}");
    }

    @Test
    void printsWhyAProfileEndedFromTheTombstoneHeaders() {
        RecordHeaders merged = new RecordHeaders();
        merged.add("rtprofile-tombstone", bytes("merged"));
        merged.add("rtprofile-survivor", bytes("p-\"2"));
        merged.add("other", bytes("ignored"));
        RecordHeaders erased = new RecordHeaders();
        erased.add("rtprofile-tombstone", bytes("erased"));

        assertThat(JsonLinesConsumer.render(bytes("p-1"), null, merged, false))
                .isEqualTo(
                        "{\"key\":\"p-1\",\"tombstone\":true,\"reason\":\"merged\","
                                + "\"survivorId\":\"p-\\\"2\"}");
        assertThat(JsonLinesConsumer.render(bytes("p-1"), null, merged, true))
                .isEqualTo(JsonLinesConsumer.render(bytes("p-1"), null, merged, false));
        assertThat(JsonLinesConsumer.render(bytes("p-3"), null, erased, false))
                .isEqualTo("{\"key\":\"p-3\",\"tombstone\":true,\"reason\":\"erased\"}");
        // Headers on a record with a value change nothing.
        assertThat(JsonLinesConsumer.render(bytes("p-1"), bytes("{}"), erased, false))
                .isEqualTo("{}");
    }

    @Test
    void printsKeyAndValueWhenAsked() {
        assertThat(JsonLinesConsumer.render(bytes("a\"b\n"), bytes("{}"), true))
                .isEqualTo("{\"key\":\"a\\\"b\\n\",\"value\":{}}");
        assertThat(JsonLinesConsumer.render(null, bytes("{}"), true))
                .isEqualTo("{\"key\":null,\"value\":{}}");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
