package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.OutputFormat;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.json.RejectedEventJson;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

import org.apache.kafka.clients.producer.ProducerRecord;

/** Rejected records, unkeyed: they carry the original bytes, reason and source offset. */
public final class RejectedEventSerializer
        implements KafkaRecordSerializationSchema<RejectedEvent> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final OutputFormat format;

    public RejectedEventSerializer(String topic, OutputFormat format) {
        this.topic = topic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            RejectedEvent rejected, KafkaSinkContext context, Long timestamp) {
        byte[] value =
                ValueEncoding.encode(
                        rejected, format, RejectedEvent::toByteBuffer, RejectedEventJson::toJson);
        // No record timestamp: the producer stamps the append time (see ProfileOutputSerializer).
        return new ProducerRecord<>(topic, null, null, null, value);
    }
}
