package io.rtprofile.local.job;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.local.models.ModelPublisher;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.internal.IngestedRecord;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Models in the running Kafka job, end to end: a model learns from the labelled examples of every
 * profile, its versions travel through the exactly-once {@code models} topic back to the profile
 * operator, and the scores of the running job follow them; a definition published on {@code
 * model-definitions} while the job runs starts scores for a second model without a restart; a task
 * failure in the middle neither repeats nor skips a version, an example or a profile version.
 *
 * <p>The data: {@value #PROFILES} customers, one round of sessions each per quarter of an hour of
 * event time. In a session a customer adds {@code k = i % 4} items to the cart, views a page (the
 * model takes an example there), and buys within the model's horizon with a probability that grows
 * with {@code k}: the outcome depends on the model's one feature.
 */
class ModelsKafkaITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final int PROFILES = 120;
    private static final int ROUNDS = 8;
    private static final Duration ROUND = Duration.ofMinutes(15);
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private static final String MODEL =
            "id: %s\n"
                    + "name: Buys after carting\n"
                    + "algorithm: ftrl-logistic\n"
                    + "features:\n"
                    + "  - name: carts\n"
                    + "    events: {where: event.type == \"commerce.addToCart\", within: 5m}\n"
                    + "    scale: none\n"
                    + "label: {event: event.type == \"commerce.purchase\", within: 5m}\n"
                    + "examples: {when: event.type == \"web.pageView\"}\n"
                    + "parameters: {alpha: 0.5, beta: 1, l1: 0.001, l2: 0.001}\n"
                    + "training: {publishEvery: 50, minExamples: 50, publishInterval: 1s}\n";

    static EmbeddedKafka kafka;

    @TempDir Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void versionsReachTheRunningJobsScoresExactlyOnce() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka, "models");
        Path buyer = dir.resolve("buyer.yaml");
        Files.writeString(buyer, String.format(MODEL, "buyer"));
        Configuration config = topics.jobConfig();
        config.set(RtProfileOptions.STOP_AT_LATEST, false);
        config.set(RtProfileOptions.MODELS_PATH, buyer.toString());
        // With models in force events wait for the watermark; a quiet partition must not hold it.
        config.set(RtProfileOptions.SOURCE_IDLENESS, Duration.ofSeconds(1));
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                dir.resolve("checkpoints").toUri().toString());
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        config = JobConfiguration.withJobDefaults(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        // Each of the two source subtasks reads about 1,600 events: the failure comes mid-way,
        // once versions have been published and read back.
        FailOnceAfter failure = new FailOnceAfter(topics.events, 700, 2);
        ModelCatalog initialModels = ProfileJob.initialModels(config);
        assertThat(initialModels.texts()).containsOnlyKeys("buyer");
        ProfileJob.defineKafkaJob(
                env,
                config,
                SegmentCatalog.empty(),
                initialModels,
                ingested ->
                        ingested.map(failure)
                                .returns(new AvroTypeInfo<>(IngestedRecord.class))
                                .uid("failure-injector"));
        JobClient job = env.executeAsync("models on Kafka");
        Random random = new Random(7);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                topics.produce(round(round, random));
                if (round == 3) {
                    // (d) A second model, published while the job runs.
                    ModelPublisher.Outcome outcome =
                            new ModelPublisher(kafka.bootstrapServers(), topics.modelDefinitions)
                                    .publish(
                                            List.of(
                                                    ModelDefinitions.parseOne(
                                                            "test",
                                                            String.format(MODEL, "buyer-two"))));
                    assertThat(outcome.added()).containsExactly("buyer-two");
                }
                if (round > 0) {
                    // Round r's events close the examples of round r-1: the model has learned
                    // from r rounds, and a version shows it (publishInterval publishes the rest).
                    long examples = (long) PROFILES * round;
                    await(
                            () -> lastVersion(topics, "buyer").getExamples() >= examples,
                            "a version after " + examples + " examples");
                }
            }
            // A later event moves event time past the last round's deadlines.
            topics.produce(
                    List.of(
                            event(
                                    "clock",
                                    "web.search",
                                    T0.plus(ROUND.multipliedBy(ROUNDS + 4)),
                                    "clock@x.io",
                                    -1)));
            long all = (long) PROFILES * ROUNDS;
            await(
                    () -> lastVersion(topics, "buyer").getExamples() == all,
                    "the version after all " + all + " examples");
            await(
                    () -> examples(topics, "buyer").size() == all,
                    "all " + all + " examples on training-examples");
        } finally {
            RunningJobSavepoints.cancelAndAwait(job);
        }
        assertThat(failure.hasFailed()).as("the failure was injected").isTrue();

        // (a) Versions 1, 2, 3, ... each learned from more examples: none repeated, none lost.
        List<Model> buyers = versions(topics, "buyer");
        assertThat(buyers)
                .extracting(Model::getVersion)
                .containsExactlyElementsOf(range(1, buyers.size()));
        assertThat(buyers.size()).isGreaterThanOrEqualTo(ROUNDS * PROFILES / 50);
        for (int i = 1; i < buyers.size(); i++) {
            assertThat(buyers.get(i).getExamples()).isGreaterThan(buyers.get(i - 1).getExamples());
        }
        Model last = buyers.get(buyers.size() - 1);
        assertThat(last.getExamples()).isEqualTo((long) PROFILES * ROUNDS);
        // It learned what the data says: more items in the cart, more purchases.
        assertThat(last.getWeights().get("carts")).isPositive();

        // (b) The running job scores with the versions as they come: a profile's score moves
        // from one version to a later one, and never back.
        List<ProfileUpdate> updates = updates(topics);
        FinalProfiles.assertVersionsContiguous(updates);
        Map<String, List<Long>> scoredWith = new TreeMap<>();
        for (ProfileUpdate update : updates) {
            Score score = update.getScores().get("buyer");
            if (score != null) {
                scoredWith
                        .computeIfAbsent(update.getProfileId(), p -> new ArrayList<>())
                        .add(score.getModelVersion());
            }
        }
        assertThat(scoredWith).hasSizeGreaterThan(PROFILES / 2);
        scoredWith.values().forEach(v -> assertThat(v).isSorted());
        assertThat(scoredWith.values())
                .anySatisfy(v -> assertThat(v.get(v.size() - 1)).isGreaterThan(v.get(0)));

        // (c) Labelled examples on training-examples, exactly once: one per customer and round.
        List<TrainingExample> examples = examples(topics, "buyer");
        assertThat(examples).hasSize(PROFILES * ROUNDS);
        assertThat(examples).extracting(TrainingExample::getLabel).contains(true, false);
        assertThat(examples.stream().map(e -> e.getProfileId() + "@" + e.getTakenAt()).distinct())
                .hasSize(PROFILES * ROUNDS);

        // (d) The model published at run time: a first version with nothing learned, then scores.
        List<Model> seconds = versions(topics, "buyer-two");
        assertThat(seconds)
                .extracting(Model::getVersion)
                .containsExactlyElementsOf(range(1, seconds.size()));
        assertThat(seconds.get(0).getExamples()).isZero();
        assertThat(seconds.get(seconds.size() - 1).getExamples()).isPositive();
        assertThat(updates).anySatisfy(u -> assertThat(u.getScores()).containsKey("buyer-two"));
    }

    /** One session per customer, spread over ten minutes of the round's quarter hour. */
    private static List<byte[]> round(int round, Random random) {
        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < PROFILES; i++) {
            Instant start = T0.plus(ROUND.multipliedBy(round)).plusSeconds(5L * i);
            String email = "c" + i + "@x.io";
            int carts = i % 4;
            for (int j = 0; j < carts; j++) {
                events.add(
                        event(
                                round + "-" + i + "-cart-" + j,
                                "commerce.addToCart",
                                start.plusSeconds(10L * j),
                                email,
                                round));
            }
            events.add(
                    event(
                            round + "-" + i + "-view",
                            "web.pageView",
                            start.plusSeconds(40),
                            email,
                            round));
            double p = 1 / (1 + Math.exp(2.5 - 1.5 * carts));
            if (random.nextDouble() < p) {
                events.add(
                        event(
                                round + "-" + i + "-buy",
                                "commerce.purchase",
                                start.plusSeconds(60),
                                email,
                                round));
            }
        }
        return events;
    }

    private static byte[] event(String id, String type, Instant time, String email, int round) {
        return ("{\"eventId\":\""
                        + id
                        + "\",\"timestamp\":\""
                        + time
                        + "\",\"type\":\""
                        + type
                        + "\",\"identities\":[{\"namespace\":\"email\",\"id\":\""
                        + email
                        + "\"}],\"attributes\":{\"round\":"
                        + round
                        + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The versions of a model on the models topic, in the order they were committed. */
    private static List<Model> versions(KafkaTopics topics, String modelId) {
        List<Model> versions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : topics.readCommitted(topics.models)) {
            Model model = decode(record.value(), Model.class);
            assertThat(new String(record.key(), StandardCharsets.UTF_8))
                    .isEqualTo(model.getModelId());
            if (model.getModelId().equals(modelId)) {
                versions.add(model);
            }
        }
        return versions;
    }

    private static Model lastVersion(KafkaTopics topics, String modelId) {
        List<Model> versions = versions(topics, modelId);
        return versions.isEmpty()
                ? Model.newBuilder().setModelId(modelId).setVersion(0).setPublishedAt(0).build()
                : versions.get(versions.size() - 1);
    }

    private static List<TrainingExample> examples(KafkaTopics topics, String modelId) {
        List<TrainingExample> examples = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : topics.readCommitted(topics.examples)) {
            TrainingExample example = decode(record.value(), TrainingExample.class);
            assertThat(new String(record.key(), StandardCharsets.UTF_8))
                    .isEqualTo(example.getModelId());
            if (example.getModelId().equals(modelId)) {
                examples.add(example);
            }
        }
        return examples;
    }

    private static List<ProfileUpdate> updates(KafkaTopics topics) {
        List<ProfileUpdate> updates = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : topics.readCommitted(topics.updates)) {
            updates.add(decode(record.value(), ProfileUpdate.class));
        }
        return updates;
    }

    private static <T> T decode(byte[] value, Class<T> type) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(value);
            if (type == Model.class) {
                return type.cast(Model.fromByteBuffer(buffer));
            }
            if (type == TrainingExample.class) {
                return type.cast(TrainingExample.fromByteBuffer(buffer));
            }
            return type.cast(ProfileUpdate.fromByteBuffer(buffer));
        } catch (java.io.IOException e) {
            throw new AssertionError("not a " + type.getSimpleName(), e);
        }
    }

    private static List<Long> range(long from, int count) {
        List<Long> values = new ArrayList<>();
        for (long v = from; v < from + count; v++) {
            values.add(v);
        }
        return values;
    }
}
