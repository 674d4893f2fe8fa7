package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.time.IdleWatermarks;
import io.rtprofile.schema.internal.ProfileTransfer;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The internal {@code profile-transfers} topic, the job's feedback edge: when profiles merge, the
 * profile operator writes the absorbed profile's state here (key = absorbed id, value = Avro
 * single-object {@link ProfileTransfer}), and the identity resolver reads it back and routes it to
 * the survivor. Both ends are exactly-once: the sink writes in the checkpoint's transaction and the
 * source reads {@code read_committed}, so a transfer is seen once, and only once its writer's
 * checkpoint completed.
 *
 * <p>Create the topic with {@link #topicConfig}: delete policy, a retention longer than any outage,
 * and room for large records.
 */
public final class ProfileTransfersTopic {
    private ProfileTransfersTopic() {}

    /**
     * The largest transfer the sink sends (producer {@code max.request.size}); the topic's {@code
     * max.message.bytes} must allow it. A larger one fails the job: the producer's default of 1 MiB
     * is within reach of a big profile with many held-back events.
     */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    /** How long a transfer stays on the topic: {@code retention.ms} of {@link #topicConfig}. */
    public static final Duration RETENTION = Duration.ofDays(30);

    /**
     * The settings to create the topic with. Delete policy: a transfer is read once, by the job
     * that wrote it, and compacting by absorbed id would gain nothing. Retention of {@link
     * #RETENTION} (30 days): it must outlast any outage, because a transfer committed just before
     * the job stopped is read only when the job resumes from its checkpoint, and a transfer deleted
     * before then is a profile's state lost. Records are never read twice, so the long retention
     * costs only disk. {@code max.message.bytes}: see {@link #MAX_RECORD_BYTES}.
     */
    public static Map<String, String> topicConfig() {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                String.valueOf(RETENTION.toMillis()),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                String.valueOf(MAX_RECORD_BYTES));
    }

    /** Exactly-once, transactional ids {@code <prefix>-transfers}. */
    public static KafkaSink<ProfileTransfer> sink(ReadableConfig config) {
        return sink(config, "transfers");
    }

    /**
     * Exactly-once, transactional ids {@code <prefix>-<sinkName>}: every sink writing to the topic
     * needs its own (the transfers, and the resolver's end marker).
     */
    public static KafkaSink<ProfileTransfer> sink(ReadableConfig config, String sinkName) {
        return KafkaIO.exactlyOnceSinkBuilder(
                        config,
                        sinkName,
                        new TransferSerializer(
                                config.get(RtProfileOptions.PROFILE_TRANSFERS_TOPIC)))
                .setProperty(
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_RECORD_BYTES))
                .build();
    }

    /**
     * The feedback input, {@code read_committed}, group {@code <consumer group>-profile-transfers}
     * (offsets committed on checkpoints for monitoring only).
     */
    public static KafkaSource<ProfileTransfer> source(ReadableConfig config) {
        return KafkaSource.<ProfileTransfer>builder()
                .setBootstrapServers(KafkaIO.bootstrapServers(config))
                .setTopics(config.get(RtProfileOptions.PROFILE_TRANSFERS_TOPIC))
                .setGroupId(config.get(RtProfileOptions.CONSUMER_GROUP) + "-profile-transfers")
                // A job without restored state starts where the job was defined, in append time:
                // transfers written by an earlier deployment belong to state this job does not
                // have (their survivors and the operator that was to absorb them are gone with
                // that state), and every transfer of this job is appended later. ("latest" would
                // be resolved only when the enumerator first lists the partitions, after the job
                // may already have committed a transfer, which would then be skipped and its
                // survivor wait for ever.) A job restored from a checkpoint or savepoint resumes
                // at the offsets in it, which take precedence, so no transfer in flight at the
                // snapshot is lost.
                .setStartingOffsets(OffsetsInitializer.timestamp(System.currentTimeMillis()))
                // Never bounded, not even with rtprofile.kafka.stop-at-latest: the feedback edge
                // must stay open while the job runs, since any event still being processed can
                // cause a merge whose transfer has to come back through here.
                .setDeserializer(new TransferDeserializer())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    /**
     * Transfers carry no event time of their own (a record's timestamp is when it was appended):
     * their input declares itself idle, so that the resolver's watermark is the events' alone.
     */
    public static WatermarkStrategy<ProfileTransfer> watermarks() {
        return IdleWatermarks.strategy();
    }

    /** Key = absorbed id, value = Avro single-object bytes, whatever the output format. */
    static final class TransferSerializer
            implements KafkaRecordSerializationSchema<ProfileTransfer> {
        private static final long serialVersionUID = 1L;

        private final String topic;

        TransferSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                ProfileTransfer transfer, KafkaSinkContext context, Long timestamp) {
            byte[] key = transfer.getAbsorbedId().getBytes(StandardCharsets.UTF_8);
            byte[] value = ValueEncoding.avro(transfer, ProfileTransfer::toByteBuffer);
            // No record timestamp: the producer stamps the append time (see
            // ProfileOutputSerializer).
            return new ProducerRecord<>(topic, null, null, key, value);
        }
    }

    /**
     * Avro single-object bytes to a transfer. This is an internal topic that only the job writes: a
     * record that does not decode is a bug, and the job fails, naming the record, rather than lose
     * a profile's state silently.
     */
    static final class TransferDeserializer
            implements KafkaRecordDeserializationSchema<ProfileTransfer> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(
                ConsumerRecord<byte[], byte[]> record, Collector<ProfileTransfer> out)
                throws IOException {
            if (record.value() == null) {
                throw new IOException(
                        where(record) + " has no value (a tombstone): nothing writes those here");
            }
            ProfileTransfer transfer;
            try {
                transfer = ProfileTransfer.fromByteBuffer(ByteBuffer.wrap(record.value()));
            } catch (IOException | RuntimeException e) {
                throw new IOException(
                        where(record)
                                + " is not an Avro single-object ProfileTransfer ("
                                + record.value().length
                                + " bytes): "
                                + e,
                        e);
            }
            out.collect(transfer);
        }

        static String where(ConsumerRecord<?, ?> record) {
            return "Record "
                    + record.topic()
                    + "-"
                    + record.partition()
                    + " at offset "
                    + record.offset();
        }

        @Override
        public TypeInformation<ProfileTransfer> getProducedType() {
            return new AvroTypeInfo<>(ProfileTransfer.class);
        }
    }
}
