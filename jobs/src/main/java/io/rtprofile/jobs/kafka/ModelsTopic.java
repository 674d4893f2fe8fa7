package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.time.IdleWatermarks;
import io.rtprofile.schema.Model;

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
import java.util.Map;

/**
 * The compacted {@code models} topic, the feedback edge of learning: the trainer writes each
 * version it publishes here (key = model id, value = Avro single-object {@link Model}), and the
 * profile operator reads them back as a broadcast input and scores with the latest. Both ends are
 * exactly-once, as for {@code profile-transfers}: the sink writes in the checkpoint's transaction,
 * the source reads {@code read_committed}, so a version is seen once its trainer state is
 * checkpointed, and after a failure the trainer, the topic and the profile operator rewind to the
 * same checkpoint: version numbers continue without repeating (docs/models.md).
 *
 * <p>A removal is a version like any other, with no definition: written as a value, not a
 * tombstone, so that it carries its version number (the profile operator orders versions by it) and
 * so that compaction keeps, per model, the fact that it was removed. A tombstone (someone cleaning
 * up the topic by hand) is skipped.
 *
 * <p>Create the topic with {@link #topicConfig}: compacted (its content is the latest version of
 * each model, for other readers too), with room for large models.
 */
public final class ModelsTopic {
    private ModelsTopic() {}

    /**
     * The largest version the sink sends (producer {@code max.request.size}); the topic's {@code
     * max.message.bytes} allows it. A model of 200 categorical features of 64 buckets each has
     * about 13k weights, some 400 kB: the producer's default of 1 MiB is within reach.
     */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    /** The model id of the end marker: never a model's (ids match [a-z0-9][a-z0-9-]*). */
    public static final String END_OF_MODELS = "";

    /** Compacted (latest version per model), with room for {@link #MAX_RECORD_BYTES}. */
    public static Map<String, String> topicConfig() {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                String.valueOf(MAX_RECORD_BYTES));
    }

    /**
     * Exactly-once, transactional ids {@code <prefix>-<sinkName>}: every sink writing to the topic
     * needs its own (the trainer's versions, and the end marker of a job that stops).
     */
    public static KafkaSink<Model> sink(ReadableConfig config, String sinkName) {
        return KafkaIO.exactlyOnceSinkBuilder(
                        config,
                        sinkName,
                        new ModelSerializer(config.get(RtProfileOptions.MODELS_TOPIC)))
                .setProperty(
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_RECORD_BYTES))
                .build();
    }

    /**
     * The profile operator's input of versions, {@code read_committed}, group {@code <consumer
     * group>-models} (offsets committed on checkpoints for monitoring only).
     *
     * <p>A job without restored state starts where the job was defined, in append time, not at the
     * earliest offset. Version numbers are the trainer's state: a job that starts without it
     * numbers its versions from 1 again, and a profile operator that had first read an earlier
     * deployment's versions would hold, say, version 40 and ignore the new trainer's versions 1 to
     * 40; it would also score with a definition that may no longer be the one in force. Every
     * version of this job is appended after its definition (see {@link
     * ProfileTransfersTopic#source} for why not "latest"). A job restored from a checkpoint or
     * savepoint resumes at the offsets in it, which belong to the same snapshot as the trainer's
     * version numbers and the operator's broadcast state, so nothing is missed and nothing is read
     * twice.
     */
    public static KafkaSource<Model> source(ReadableConfig config) {
        return KafkaSource.<Model>builder()
                .setBootstrapServers(KafkaIO.bootstrapServers(config))
                .setTopics(config.get(RtProfileOptions.MODELS_TOPIC))
                .setGroupId(config.get(RtProfileOptions.CONSUMER_GROUP) + "-models")
                .setStartingOffsets(OffsetsInitializer.timestamp(System.currentTimeMillis()))
                // Never bounded by offsets: versions are written while the job runs. A job that
                // stops at the latest events ends this input at its end marker (KafkaModelLoop).
                .setDeserializer(new ModelDeserializer())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000")
                .setProperty(
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        String.valueOf(MAX_RECORD_BYTES))
                .build();
    }

    /**
     * Versions carry no event time: the input declares itself idle, so that the profile operator's
     * watermark is the events' alone.
     */
    public static WatermarkStrategy<Model> watermarks() {
        return IdleWatermarks.strategy();
    }

    /** The record that ends the input of a job that stops at the latest events. */
    public static Model endMarker() {
        return Model.newBuilder()
                .setModelId(END_OF_MODELS)
                .setVersion(0L)
                .setDefinition(null)
                .setPublishedAt(0L)
                .build();
    }

    public static boolean isEndMarker(Model model) {
        return END_OF_MODELS.equals(model.getModelId());
    }

    /** Key = model id, value = Avro single-object bytes, whatever the output format. */
    static final class ModelSerializer implements KafkaRecordSerializationSchema<Model> {
        private static final long serialVersionUID = 1L;

        private final String topic;

        ModelSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                Model model, KafkaSinkContext context, Long timestamp) {
            byte[] key = model.getModelId().getBytes(StandardCharsets.UTF_8);
            byte[] value = ValueEncoding.avro(model, Model::toByteBuffer);
            // No record timestamp: the producer stamps the append time, which the source's
            // starting position relies on.
            return new ProducerRecord<>(topic, null, null, key, value);
        }
    }

    /**
     * Avro single-object bytes to a version. Only the job writes this topic: a record that does not
     * decode is a bug, and the job fails naming it, rather than score with a model silently
     * missing. A tombstone is skipped (see the class comment).
     */
    static final class ModelDeserializer implements KafkaRecordDeserializationSchema<Model> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Model> out)
                throws IOException {
            if (record.value() == null) {
                return;
            }
            Model model;
            try {
                model = Model.fromByteBuffer(ByteBuffer.wrap(record.value()));
            } catch (IOException | RuntimeException e) {
                throw new IOException(
                        ProfileTransfersTopic.TransferDeserializer.where(record)
                                + " is not an Avro single-object Model ("
                                + record.value().length
                                + " bytes): "
                                + e,
                        e);
            }
            out.collect(model);
        }

        @Override
        public TypeInformation<Model> getProducedType() {
            return new AvroTypeInfo<>(Model.class);
        }
    }
}
