package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.schema.TrainingExample;

import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code training-examples} topic: every labelled example the profile operator takes (key =
 * model id, value = Avro single-object {@link TrainingExample}), exactly-once, for offline
 * training, audits and replays. The job's own trainer gets them inside the dataflow, not from here;
 * nothing in the job reads this topic.
 */
public final class TrainingExamplesTopic {
    private TrainingExamplesTopic() {}

    /**
     * How long the demo and tests keep examples ({@code retention.ms} of {@link #topicConfig}). A
     * deployment chooses its own: as far back as it may want to train a model offline or check what
     * one learned from; the job itself never reads them back.
     */
    public static final Duration RETENTION = Duration.ofDays(7);

    /**
     * Delete policy: examples are facts in time, many per model, and compacting by model id would
     * keep one of them.
     */
    public static Map<String, String> topicConfig() {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                String.valueOf(RETENTION.toMillis()));
    }

    /** Exactly-once, transactional ids {@code <prefix>-examples}. */
    public static KafkaSink<TrainingExample> sink(ReadableConfig config) {
        return KafkaIO.exactlyOnceSink(
                config,
                "examples",
                new ExampleSerializer(config.get(RtProfileOptions.TRAINING_EXAMPLES_TOPIC)));
    }

    /** Key = model id, value = Avro single-object bytes, whatever the output format. */
    static final class ExampleSerializer
            implements KafkaRecordSerializationSchema<TrainingExample> {
        private static final long serialVersionUID = 1L;

        private final String topic;

        ExampleSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                TrainingExample example, KafkaSinkContext context, Long timestamp) {
            byte[] key = example.getModelId().getBytes(StandardCharsets.UTF_8);
            byte[] value = ValueEncoding.avro(example, TrainingExample::toByteBuffer);
            // No record timestamp: the producer stamps the append time (event times of examples
            // may be far from now, see ProfileOutputSerializer).
            return new ProducerRecord<>(topic, null, null, key, value);
        }
    }
}
