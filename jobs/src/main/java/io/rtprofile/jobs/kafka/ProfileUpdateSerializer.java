package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.OutputFormat;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Profile updates keyed by {@code profileId}, so the compacted topic keeps each profile's last. */
public final class ProfileUpdateSerializer
        implements KafkaRecordSerializationSchema<ProfileUpdate> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final OutputFormat format;

    public ProfileUpdateSerializer(String topic, OutputFormat format) {
        this.topic = topic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            ProfileUpdate update, KafkaSinkContext context, Long timestamp) {
        byte[] key = update.getProfileId().getBytes(StandardCharsets.UTF_8);
        // No record timestamp: the producer stamps the append time. Event time may lie far in the
        // future or past, and a broker refuses timestamps outside its bounds
        // (message.timestamp.after.max.ms is one hour by default), which would fail the job on
        // every retry. Event time travels in the value as updatedAt.
        return new ProducerRecord<>(topic, null, null, key, encode(update, format));
    }

    /** The value bytes of an update in the given format. */
    public static byte[] encode(ProfileUpdate update, OutputFormat format) {
        return ValueEncoding.encode(
                update, format, ProfileUpdate::toByteBuffer, ProfileUpdateJson::toJson);
    }
}
