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
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, String> texts = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException(
                        "Topic "
                                + topic
                                + " does not exist; create it compacted"
                                + " (cleanup.policy=compact), see docs/segments.md");
            }
            List<TopicPartition> assigned = new ArrayList<>();
            partitions.forEach(p -> assigned.add(new TopicPartition(topic, p.partition())));
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Could not read topic " + topic + " to its end within 60 s");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.key() == null) {
                        continue;
                    }
                    String id = new String(record.key(), StandardCharsets.UTF_8);
                    if (record.value() == null) {
                        texts.remove(id);
                    } else {
                        texts.put(id, new String(record.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return texts;
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Writes definitions (id to text; a null text writes a tombstone), waiting for the acks. */
    public static void publish(String bootstrapServers, String topic, Map<String, String> texts)
            throws InterruptedException, ExecutionException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            texts.forEach(
                    (id, text) -> sends.add(producer.send(new ProducerRecord<>(topic, id, text))));
            for (var send : sends) {
                send.get();
            }
        }
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
