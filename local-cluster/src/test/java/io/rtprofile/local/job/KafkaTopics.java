package io.rtprofile.local.job;

import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.kafka.ModelDefinitionsTopic;
import io.rtprofile.jobs.kafka.ModelsTopic;
import io.rtprofile.jobs.kafka.ProfileTransfersTopic;
import io.rtprofile.jobs.kafka.TrainingExamplesTopic;
import io.rtprofile.local.kafka.EmbeddedKafka;

import org.apache.flink.configuration.Configuration;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** A fresh set of the job's topics per test, and plain clients to fill and read them. */
final class KafkaTopics {
    final String events;
    final String rejected;
    final String updates;
    final String definitions;
    final String transfers;
    final String conflicts;
    final String models;
    final String modelDefinitions;
    final String examples;
    final String transactionalIdPrefix;
    private final EmbeddedKafka kafka;

    KafkaTopics(EmbeddedKafka kafka, String name) {
        this(name + "-" + UUID.randomUUID().toString().substring(0, 8), kafka);
    }

    /**
     * The topics named exactly by {@code suffix}: a savepoint's Kafka sources remember their topics
     * by name, so a job restored from one must find the same names (savepoint fixtures).
     */
    static KafkaTopics named(EmbeddedKafka kafka, String suffix) {
        return new KafkaTopics(suffix, kafka);
    }

    private KafkaTopics(String suffix, EmbeddedKafka kafka) {
        this.kafka = kafka;
        this.events = "events-" + suffix;
        this.rejected = "events-rejected-" + suffix;
        this.updates = "profile-updates-" + suffix;
        this.definitions = "segment-definitions-" + suffix;
        this.transfers = "profile-transfers-" + suffix;
        this.conflicts = "identity-conflicts-" + suffix;
        this.models = "models-" + suffix;
        this.modelDefinitions = "model-definitions-" + suffix;
        this.examples = "training-examples-" + suffix;
        this.transactionalIdPrefix = "rtprofile-test-" + suffix;
        kafka.createTopic(events, 2, Map.of());
        kafka.createTopic(rejected, 1, Map.of());
        kafka.createTopic(updates, 2, Map.of("cleanup.policy", "compact"));
        kafka.createTopic(definitions, 1, Map.of("cleanup.policy", "compact"));
        // Delete policy, 30 days' retention: it must outlast any outage, since a transfer is
        // read once, when the job resumes (ProfileTransfersTopic.topicConfig()).
        kafka.createTopic(transfers, 2, ProfileTransfersTopic.topicConfig());
        kafka.createTopic(conflicts, 1, Map.of());
        // Compacted, the latest version per model; definitions compacted as for segments;
        // examples with delete policy (ModelsTopic, ModelDefinitionsTopic, TrainingExamplesTopic).
        kafka.createTopic(models, 1, ModelsTopic.topicConfig());
        kafka.createTopic(modelDefinitions, 1, ModelDefinitionsTopic.topicConfig());
        kafka.createTopic(examples, 2, TrainingExamplesTopic.topicConfig());
    }

    /** The job's configuration for these topics: read to the end of events, then finish. */
    Configuration jobConfig() {
        Configuration config = new Configuration();
        config.set(RtProfileOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(RtProfileOptions.EVENTS_TOPIC, events);
        config.set(RtProfileOptions.REJECTED_TOPIC, rejected);
        config.set(RtProfileOptions.PROFILE_UPDATES_TOPIC, updates);
        config.set(RtProfileOptions.SEGMENT_DEFINITIONS_TOPIC, definitions);
        config.set(RtProfileOptions.PROFILE_TRANSFERS_TOPIC, transfers);
        config.set(RtProfileOptions.IDENTITY_CONFLICTS_TOPIC, conflicts);
        config.set(RtProfileOptions.MODELS_TOPIC, models);
        config.set(RtProfileOptions.MODEL_DEFINITIONS_TOPIC, modelDefinitions);
        config.set(RtProfileOptions.TRAINING_EXAMPLES_TOPIC, examples);
        config.set(RtProfileOptions.TRANSACTIONAL_ID_PREFIX, transactionalIdPrefix);
        config.set(RtProfileOptions.CONSUMER_GROUP, transactionalIdPrefix);
        config.set(RtProfileOptions.STARTING_OFFSETS, RtProfileOptions.StartingOffsets.EARLIEST);
        config.set(RtProfileOptions.STOP_AT_LATEST, true);
        return config;
    }

    void produce(List<byte[]> values) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(events, value));
            }
            producer.flush();
        }
    }

    /** The topics the job reads, whose positions a savepoint holds. */
    List<String> sourceTopics() {
        return List.of(events, definitions, transfers, models, modelDefinitions);
    }

    /** The end offset of each partition of {@code topic}, by partition number. */
    Map<Integer, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("read_committed")) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            Map<Integer, Long> offsets = new TreeMap<>();
            consumer.endOffsets(partitions).forEach((tp, end) -> offsets.put(tp.partition(), end));
            return offsets;
        }
    }

    /**
     * Fills partition {@code partition} of an empty {@code topic} up to {@code endOffset} with an
     * aborted transaction ({@code endOffset - 1} records and the abort marker), which no {@code
     * read_committed} reader ever sees. A job restored from a savepoint taken on another broker
     * then finds its source positions on this one, and reads only what is produced after.
     */
    void fillWithAborted(String topic, int partition, long endOffset) {
        if (endOffset == 0) {
            return;
        }
        if (endOffset == 1) {
            throw new IllegalArgumentException(
                    topic + "-" + partition + ": one offset cannot be filled with an abort");
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "filler-" + topic + "-" + partition + "-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            // Keyed: some of these topics are compacted, which refuses records without a key.
            byte[] key = "filler".getBytes(StandardCharsets.UTF_8);
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (long i = 0; i < endOffset - 1; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, partition, key, new byte[0])));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
            producer.abortTransaction();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot fill " + topic + "-" + partition, e);
        }
        // The coordinator writes the abort marker after abortTransaction() returns.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long reached;
        while ((reached = endOffsets(topic).get(partition)) != endOffset) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        topic + "-" + partition + " filled to " + reached + ", not " + endOffset);
            }
            sleep(Duration.ofMillis(50));
        }
    }

    /** Everything committed on a topic, read {@code read_committed} from the start to its end. */
    List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("read_committed")) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out reading " + topic);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * A {@code read_committed} reader of {@code topics} from their start, kept open: each {@link
     * CommittedCount#poll()} reads on and returns how many records it has read in all. Cheaper to
     * watch a running job's output with than {@link #readCommitted} (a consumer per read).
     */
    CommittedCount countCommitted(String... topics) {
        KafkaConsumer<byte[], byte[]> consumer = consumer("read_committed");
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            partitions.addAll(partitions(consumer, topic));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return new CommittedCount(consumer);
    }

    /** See {@link #countCommitted}. */
    static final class CommittedCount implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private long count;

        private CommittedCount(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        long poll() {
            count += consumer.poll(Duration.ofMillis(100)).count();
            return count;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(String isolationLevel) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
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
}
