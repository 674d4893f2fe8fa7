package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.OutputFormat;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.LinkRefusal;
import io.rtprofile.schema.json.LinkRefusalJson;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Refused links keyed by eventId, Avro single-object or JSON as configured. */
class LinkRefusalSerializerTest {

    private static final LinkRefusal REFUSAL =
            new LinkRefusal(
                    "e-7",
                    1_793_527_200_000L,
                    List.of(new Identity("crm", "C-1"), new Identity("crm", "C-2")),
                    List.of("C-1", "C-2"),
                    List.of("p-1", "p-2"),
                    "p-1");

    @Test
    void avroByDefault() throws Exception {
        ProducerRecord<byte[], byte[]> record =
                new LinkRefusalSerializer("identity-conflicts", OutputFormat.AVRO)
                        .serialize(REFUSAL, null, 1L);

        assertThat(record.topic()).isEqualTo("identity-conflicts");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("e-7");
        assertThat(record.timestamp()).isNull();
        assertThat(LinkRefusal.fromByteBuffer(ByteBuffer.wrap(record.value()))).isEqualTo(REFUSAL);
    }

    @Test
    void jsonOnRequest() {
        ProducerRecord<byte[], byte[]> record =
                new LinkRefusalSerializer("identity-conflicts", OutputFormat.JSON)
                        .serialize(REFUSAL, null, 1L);

        assertThat(new String(record.value(), StandardCharsets.UTF_8))
                .isEqualTo(LinkRefusalJson.toJson(REFUSAL))
                .contains("\"timestamp\":\"2026-11-01T10:00:00Z\"");
    }
}
