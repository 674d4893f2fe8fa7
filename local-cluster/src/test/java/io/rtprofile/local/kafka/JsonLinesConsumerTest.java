package io.rtprofile.local.kafka;

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
                .isEqualTo("{\"tombstone\":\"p-1\"}");
        assertThat(JsonLinesConsumer.render(null, null, false)).isEqualTo("{\"tombstone\":null}");
    }

    @Test
    void printsKeyAndValueWhenAsked() {
        assertThat(JsonLinesConsumer.render(bytes("a\"b\n"), bytes("{}"), true))
                .isEqualTo("{\"key\":\"a\\\"b\\n\",\"value\":{}}");
        assertThat(JsonLinesConsumer.render(bytes("p-1"), null, true))
                .isEqualTo("{\"key\":\"p-1\",\"value\":null}");
        assertThat(JsonLinesConsumer.render(null, bytes("{}"), true))
                .isEqualTo("{\"key\":null,\"value\":{}}");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
