package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.OutputFormat;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.Tombstone;
import io.rtprofile.schema.json.ProfileUpdateJson;
import io.rtprofile.schema.json.Timestamps;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The job's output stream on {@code profile-updates}, key {@code profileId}, so the compacted topic
 * keeps each profile's last: an update (Avro single-object or JSON, {@link #encode}), or a real
 * Kafka tombstone (null value) for a profile that was absorbed by a merge or erased, so that
 * compaction removes the profile from the topic. A tombstone says why in headers: {@value
 * #TOMBSTONE_HEADER} = {@code merged} or {@code erased}, {@value #AT_HEADER} = the event time of
 * the merge or erasure (ISO-8601), and for a merge {@value #SURVIVOR_HEADER} = the profile it
 * merged into.
 */
public final class ProfileOutputSerializer
        implements KafkaRecordSerializationSchema<ProfileOutput> {
    private static final long serialVersionUID = 1L;

    /** Header of a tombstone: why the profile ended, {@code merged} or {@code erased}. */
    public static final String TOMBSTONE_HEADER = "rtprofile-tombstone";

    /** Header of a merge's tombstone: the id of the profile that absorbed this one. */
    public static final String SURVIVOR_HEADER = "rtprofile-survivor";

    /** Header of a tombstone: the event time of the merge or erasure, ISO-8601. */
    public static final String AT_HEADER = "rtprofile-at";

    private final String topic;
    private final OutputFormat format;

    public ProfileOutputSerializer(String topic, OutputFormat format) {
        this.topic = topic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            ProfileOutput output, KafkaSinkContext context, Long timestamp) {
        byte[] key = output.getProfileId().getBytes(StandardCharsets.UTF_8);
        // No record timestamp: the producer stamps the append time. Event time may lie far in the
        // future or past, and a broker refuses timestamps outside its bounds
        // (message.timestamp.after.max.ms is one hour by default), which would fail the job on
        // every retry. Event time travels in the value as updatedAt.
        if (output.getTombstone() != null && output.getUpdate() == null) {
            return new ProducerRecord<>(
                    topic, null, null, key, null, headers(output.getTombstone()));
        }
        if (output.getUpdate() != null && output.getTombstone() == null) {
            return new ProducerRecord<>(topic, null, null, key, encode(output.getUpdate(), format));
        }
        // A bug in the job, not bad input: writing either half would corrupt the topic.
        throw new IllegalArgumentException(
                "profile output for "
                        + output.getProfileId()
                        + " must hold exactly one of update and tombstone, not "
                        + (output.getUpdate() == null ? "neither" : "both"));
    }

    /** The value bytes of an update in the given format. */
    public static byte[] encode(ProfileUpdate update, OutputFormat format) {
        return ValueEncoding.encode(
                update, format, ProfileUpdate::toByteBuffer, ProfileUpdateJson::toJson);
    }

    private static List<Header> headers(Tombstone tombstone) {
        List<Header> headers = new ArrayList<>(3);
        headers.add(new RecordHeader(TOMBSTONE_HEADER, utf8(tombstone.getReason().name())));
        headers.add(new RecordHeader(AT_HEADER, utf8(Timestamps.format(tombstone.getAt()))));
        if (tombstone.getSurvivorId() != null) {
            headers.add(new RecordHeader(SURVIVOR_HEADER, utf8(tombstone.getSurvivorId())));
        }
        return headers;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
