package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.time.IdleWatermarks;
import io.rtprofile.schema.internal.ModelDefinitionChange;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The compacted {@code model-definitions} topic: key = model id, value = the definition text (YAML
 * or JSON), tombstone = removal. As for {@code segment-definitions}: the trainer reads it as an
 * input while the job runs, {@code rtprofile models publish} writes it, and a job starting up reads
 * what is on it first, so that its models are in force (scored by profiles, learned by the trainer)
 * from its first event.
 */
public final class ModelDefinitionsTopic {
    private ModelDefinitionsTopic() {}

    /** Compacted: the latest definition per model is the set in force. */
    public static Map<String, String> topicConfig() {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /**
     * The trainer's definitions input: the whole topic from the beginning (compacted: that is the
     * current set; the trainer ignores a text already in force, so the replay at every start costs
     * nothing), then what is published while the job runs. Group {@code <consumer
     * group>-model-definitions}; bounded at the latest offsets when the job stops at the latest
     * events.
     */
    public static KafkaSource<ModelDefinitionChange> source(ReadableConfig config) {
        var builder =
                KafkaSource.<ModelDefinitionChange>builder()
                        .setBootstrapServers(KafkaIO.bootstrapServers(config))
                        .setTopics(config.get(RtProfileOptions.MODEL_DEFINITIONS_TOPIC))
                        .setGroupId(
                                config.get(RtProfileOptions.CONSUMER_GROUP) + "-model-definitions")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new ChangeDeserializer())
                        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                        .setProperty("partition.discovery.interval.ms", "60000");
        if (config.get(RtProfileOptions.STOP_AT_LATEST)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** Definitions have no event time: the input is idle (see {@link IdleWatermarks}). */
    public static WatermarkStrategy<ModelDefinitionChange> watermarks() {
        return IdleWatermarks.strategy();
    }

    /**
     * Reads the topic's current content (read_committed): text by model id.
     *
     * @throws IllegalStateException when the topic does not exist
     */
    public static Map<String, String> readAll(String bootstrapServers, String topic)
            throws InterruptedException {
        return DefinitionTopics.readAll(bootstrapServers, topic, "docs/models.md");
    }

    /** Writes definitions (id to text; a null text writes a tombstone), waiting for the acks. */
    public static void publish(String bootstrapServers, String topic, Map<String, String> texts)
            throws InterruptedException, ExecutionException {
        DefinitionTopics.publish(bootstrapServers, topic, texts);
    }

    /** Key and value bytes to a change; a record without a key names no model and is skipped. */
    static final class ChangeDeserializer
            implements KafkaRecordDeserializationSchema<ModelDefinitionChange> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(
                ConsumerRecord<byte[], byte[]> record, Collector<ModelDefinitionChange> out) {
            if (record.key() == null) {
                return;
            }
            out.collect(
                    new ModelDefinitionChange(
                            new String(record.key(), StandardCharsets.UTF_8),
                            record.value() == null
                                    ? null
                                    : new String(record.value(), StandardCharsets.UTF_8)));
        }

        @Override
        public TypeInformation<ModelDefinitionChange> getProducedType() {
            return new AvroTypeInfo<>(ModelDefinitionChange.class);
        }
    }
}
