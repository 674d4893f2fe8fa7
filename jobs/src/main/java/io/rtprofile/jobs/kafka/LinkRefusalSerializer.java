package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.OutputFormat;
import io.rtprofile.schema.LinkRefusal;
import io.rtprofile.schema.json.LinkRefusalJson;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Refused identity links on {@code identity-conflicts}, key {@code eventId}. */
public final class LinkRefusalSerializer implements KafkaRecordSerializationSchema<LinkRefusal> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final OutputFormat format;

    public LinkRefusalSerializer(String topic, OutputFormat format) {
        this.topic = topic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            LinkRefusal refusal, KafkaSinkContext context, Long timestamp) {
        byte[] key = refusal.getEventId().getBytes(StandardCharsets.UTF_8);
        // No record timestamp: the producer stamps the append time (see ProfileOutputSerializer).
        return new ProducerRecord<>(topic, null, null, key, encode(refusal, format));
    }

    /** The value bytes of a refusal in the given format. */
    public static byte[] encode(LinkRefusal refusal, OutputFormat format) {
        return ValueEncoding.encode(
                refusal, format, LinkRefusal::toByteBuffer, LinkRefusalJson::toJson);
    }
}
