package io.rtprofile.local.bench;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.kafka.ModelDefinitionsTopic;
import io.rtprofile.jobs.kafka.ModelsTopic;
import io.rtprofile.jobs.kafka.ProfileTransfersTopic;
import io.rtprofile.jobs.kafka.TrainingExamplesTopic;
import io.rtprofile.local.kafka.EmbeddedKafka;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the benchmarks share: the profile job's configuration for one run's topics, the Kafka
 * clients that fill and read them, the timing of a job, and the statistics of the tables.
 */
final class BenchSupport {
    private BenchSupport() {}

    /** The events topic's partitions: one per source subtask at the default parallelism. */
    static final int EVENT_PARTITIONS = 2;

    /**
     * The output topics of one run of the profile job: {@code bench-out-<suffix>} (profile updates,
     * compacted as in production; compaction runs later, in the background, and does not change
     * what a write costs), {@code bench-rejected-<suffix>}, and the identity graph's topics.
     */
    static void createRunTopics(EmbeddedKafka kafka, String suffix) {
        kafka.createTopic("bench-out-" + suffix, 2, Map.of("cleanup.policy", "compact"));
        kafka.createTopic("bench-rejected-" + suffix, 1, Map.of());
        createIdentityTopics(kafka, suffix);
    }

    /**
     * The identity graph's topics of one run: the merge feedback edge (delete policy, 30 days'
     * retention that outlasts any outage, since a transfer is read once, when the job resumes; see
     * ProfileTransfersTopic.topicConfig()) and the refused links.
     */
    static void createIdentityTopics(EmbeddedKafka kafka, String suffix) {
        kafka.createTopic("bench-transfers-" + suffix, 2, ProfileTransfersTopic.topicConfig());
        kafka.createTopic("bench-conflicts-" + suffix, 1, Map.of());
        // The models edge and the examples: the job has them even without models (none here).
        kafka.createTopic("bench-models-" + suffix, 1, ModelsTopic.topicConfig());
        kafka.createTopic("bench-examples-" + suffix, 1, TrainingExamplesTopic.topicConfig());
    }

    /**
     * The definitions topics the profile job reads at start and while it runs, shared by every run
     * of a benchmark (empty: no segments, no models).
     */
    static void createDefinitionTopics(EmbeddedKafka kafka) {
        kafka.createTopic("segment-definitions", 1, Map.of("cleanup.policy", "compact"));
        kafka.createTopic("model-definitions", 1, ModelDefinitionsTopic.topicConfig());
    }

    /**
     * The profile job's configuration (the job's defaults: RocksDB, incremental checkpoints every
     * second) for one run: events from {@code eventsTopic} from the earliest offset, outputs to the
     * topics of {@link #createRunTopics}, its own consumer group and transactional ids.
     */
    static Configuration jobConfig(
            EmbeddedKafka kafka, String eventsTopic, String suffix, Path checkpoints) {
        Configuration config = new Configuration();
        config.set(RtProfileOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(RtProfileOptions.EVENTS_TOPIC, eventsTopic);
        config.set(RtProfileOptions.PROFILE_UPDATES_TOPIC, "bench-out-" + suffix);
        config.set(RtProfileOptions.REJECTED_TOPIC, "bench-rejected-" + suffix);
        config.set(RtProfileOptions.PROFILE_TRANSFERS_TOPIC, "bench-transfers-" + suffix);
        config.set(RtProfileOptions.IDENTITY_CONFLICTS_TOPIC, "bench-conflicts-" + suffix);
        config.set(RtProfileOptions.MODELS_TOPIC, "bench-models-" + suffix);
        config.set(RtProfileOptions.TRAINING_EXAMPLES_TOPIC, "bench-examples-" + suffix);
        config.set(RtProfileOptions.STARTING_OFFSETS, RtProfileOptions.StartingOffsets.EARLIEST);
        config.set(RtProfileOptions.CONSUMER_GROUP, "bench-" + suffix);
        config.set(RtProfileOptions.TRANSACTIONAL_ID_PREFIX, "bench-" + suffix);
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        return JobConfiguration.withJobDefaults(config);
    }

    /** Runs the job to its end: seconds of its net runtime (job start included). */
    static double runSeconds(StreamExecutionEnvironment env, String name) throws Exception {
        long start = System.nanoTime();
        JobExecutionResult result = env.execute(name);
        double wall = (System.nanoTime() - start) / 1e9;
        return Math.min(wall, result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0);
    }

    /** A producer of raw values, batched and compressed like the job's sinks. */
    static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A reader that sees what the job committed, from the start of the topic. */
    static KafkaConsumer<byte[], byte[]> readCommittedConsumer(EmbeddedKafka kafka, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The p-quantile of sorted values (nearest rank), or -1 for none. */
    static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** Rates rounded to whole events/s, in order, joined by {@code separator}. */
    static String rates(List<Double> rates, String separator) {
        List<String> text = new ArrayList<>();
        for (double r : rates) {
            text.add(String.format("%.0f", r));
        }
        return String.join(separator, text);
    }
}
