package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.time.IdleWatermarks;
import io.rtprofile.schema.internal.SegmentDefinitionChange;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The compacted {@code segment-definitions} topic: key = segment id, value = the definition text
 * (YAML or JSON), tombstone = removal. The job reads it as a broadcast input; {@code rtprofile
 * segments publish} writes it; and a job starting up reads what is on it first, so that its
 * segments are in force from its first event rather than from whenever the broadcast input catches
 * up.
 */
public final class SegmentDefinitionsTopic {
    private SegmentDefinitionsTopic() {}

    /**
     * The broadcast input: the whole topic from the beginning (it is compacted: that is the current
     * set), then what is published while the job runs.
     */
    public static KafkaSource<SegmentDefinitionChange> source(
            String bootstrapServers, String topic, String groupId, boolean bounded) {
        var builder =
                KafkaSource.<SegmentDefinitionChange>builder()
                        .setBootstrapServers(bootstrapServers)
                        .setTopics(topic)
                        .setGroupId(groupId)
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new ChangeDeserializer())
                        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                        .setProperty("partition.discovery.interval.ms", "60000");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * Definitions have no event time. Their input declares itself idle, so that the profile
     * operator's watermark is the events' alone (see {@link IdleWatermarks}).
     */
    public static WatermarkStrategy<SegmentDefinitionChange> watermarks() {
        return IdleWatermarks.strategy();
    }

    /**
     * Reads the topic's current content (read_committed).
     *
     * @throws IllegalStateException when the topic does not exist
     */
    public static Map<String, String> readAll(String bootstrapServers, String topic)
            throws InterruptedException {
        return DefinitionTopics.readAll(bootstrapServers, topic, "docs/segments.md");
    }

    /** Writes definitions (id to text; a null text writes a tombstone), waiting for the acks. */
    public static void publish(String bootstrapServers, String topic, Map<String, String> texts)
            throws InterruptedException, ExecutionException {
        DefinitionTopics.publish(bootstrapServers, topic, texts);
    }

    /** Key and value bytes to a change; a record without a key names no segment and is skipped. */
    static final class ChangeDeserializer
            implements KafkaRecordDeserializationSchema<SegmentDefinitionChange> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(
                ConsumerRecord<byte[], byte[]> record, Collector<SegmentDefinitionChange> out) {
            if (record.key() == null) {
                return;
            }
            out.collect(
                    new SegmentDefinitionChange(
                            new String(record.key(), StandardCharsets.UTF_8),
                            record.value() == null
                                    ? null
                                    : new String(record.value(), StandardCharsets.UTF_8)));
        }

        @Override
        public TypeInformation<SegmentDefinitionChange> getProducedType() {
            return new AvroTypeInfo<>(SegmentDefinitionChange.class);
        }
    }
}
