package io.rtprofile.local.job;

import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.Tombstone;
import io.rtprofile.schema.internal.TombstoneReason;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes the savepoint fixture of this release (docs/upgrades.md) into {@code
 * src/test/resources/savepoints/<release>/}; run on demand, once per release:
 *
 * <pre>
 * mvn -B -o -pl local-cluster -am verify -Dtest=SavepointFixtureWriter \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Drtprofile.fixtures.write=true
 * </pre>
 *
 * <p>The Kafka job (RocksDB, as it defaults) runs on the in-process broker over 1,500 generated
 * events of 100 customers (seed 6), a probe customer's purchase and a last "clock" event two hours
 * after the others (it moves the watermark past every event, window and label horizon before it),
 * with {@code examples/segments} and a copy of {@code examples/models} that publishes a version
 * every 100 examples. When its output has been quiet for three seconds, it stops with a canonical
 * savepoint, which is copied into the fixture with the definitions and {@code expected.json}: the
 * live profiles as read {@code read_committed}, and the end offsets of the topics the job reads.
 */
@EnabledIfSystemProperty(named = "rtprofile.fixtures.write", matches = "true")
class SavepointFixtureWriter {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    static final GeneratorConfig EVENTS = GeneratorConfig.of(100, 1_500, 6);
    static final Instant PROBE_PURCHASE = EVENTS.end().minus(Duration.ofHours(12));
    static final Instant CLOCK = EVENTS.end().plus(Duration.ofHours(2));
    private static final Duration QUIET = Duration.ofSeconds(3);

    @TempDir Path dir;

    @Test
    void writeTheFixtureOfThisRelease() throws Exception {
        String release = System.getProperty("rtprofile.version", "").replace("-SNAPSHOT", "");
        assertThat(release).as("rtprofile.version (set by the module's surefire)").isNotEmpty();
        Path fixture = SavepointFixtures.ROOT.resolve(release);
        assertThat(fixture)
                .as("a release's fixture is written once and never replaced")
                .doesNotExist();
        Path staged = dir.resolve("fixture");
        copyTree(Path.of("..", "examples", "segments"), staged.resolve("segments"));
        Files.createDirectories(staged.resolve("models"));
        String model =
                Files.readString(Path.of("..", "examples", "models", "purchase-propensity.yaml"));
        String faster =
                model.replaceFirst(
                        "(?m)^training: .*$",
                        "training: {publishEvery: 100, minExamples: 50, publishInterval: 1s,"
                                + " factors: 3}");
        assertThat(faster).isNotEqualTo(model);
        Files.writeString(staged.resolve("models").resolve("purchase-propensity.yaml"), faster);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaTopics topics = KafkaTopics.named(kafka, SavepointFixtures.topicSuffix(release));
            Configuration config =
                    SavepointFixtures.jobConfig(topics, staged, dir.resolve("checkpoints"));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(config);
            env.setParallelism(2);
            ProfileJob.defineKafkaJob(env, config);
            JobClient job = env.executeAsync("savepoint fixture " + release);

            List<byte[]> events = new ArrayList<>();
            new EventGenerator(EVENTS)
                    .stream().forEach(e -> events.add(e.getBytes(StandardCharsets.UTF_8)));
            events.add(
                    SavepointFixtures.event(
                            "probe-1",
                            "commerce.purchase",
                            PROBE_PURCHASE,
                            SavepointFixtures.email(SavepointFixtures.PROBE_EMAIL),
                            "{\"value\":600.5}"));
            events.add(
                    SavepointFixtures.event(
                            "clock-1",
                            "web.pageView",
                            CLOCK,
                            SavepointFixtures.email("clock@fixture.example"),
                            "{\"page\":\"home\"}"));
            topics.produce(events);
            awaitQuiet(topics);

            String savepoint =
                    job.stopWithSavepoint(
                                    false,
                                    dir.resolve("savepoints").toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(60, TimeUnit.SECONDS);
            copyTree(Path.of(URI.create(savepoint)), staged.resolve("savepoint"));

            List<ProfileOutput> outputs = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : topics.readCommitted(topics.updates)) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                outputs.add(
                        r.value() == null
                                ? new ProfileOutput(key, null, tombstone())
                                : new ProfileOutput(
                                        key,
                                        ProfileUpdate.fromByteBuffer(ByteBuffer.wrap(r.value())),
                                        null));
            }
            FinalProfiles.assertOutputVersionsContiguous(outputs);
            Map<String, ProfileUpdate> live = FinalProfiles.live(outputs);
            assertThat(live.values())
                    .as("profiles scored by a model version")
                    .anySatisfy(p -> assertThat(p.getScores()).containsKey(SavepointFixtures.MODEL))
                    .as("the probe, not yet high-value")
                    .anySatisfy(
                            p -> {
                                assertThat(SavepointFixtures.identities(p))
                                        .contains("email:" + SavepointFixtures.PROBE_EMAIL);
                                assertThat(SavepointFixtures.segments(p))
                                        .doesNotContain(SavepointFixtures.HIGH_VALUE);
                            });

            ObjectNode expected = SavepointFixtures.JSON.createObjectNode();
            expected.put("release", release);
            expected.put("topicSuffix", SavepointFixtures.topicSuffix(release));
            expected.put("clock", CLOCK.toString());
            expected.put("probeEmail", SavepointFixtures.PROBE_EMAIL);
            ObjectNode offsets = expected.putObject("sourceEndOffsets");
            for (String topic : topics.sourceTopics()) {
                ObjectNode partitions = offsets.putObject(topic);
                topics.endOffsets(topic).forEach((p, end) -> partitions.put(p.toString(), end));
            }
            var profiles = expected.putArray("profiles");
            live.values().stream().map(SavepointFixtures::toJson).forEach(profiles::add);
            SavepointFixtures.JSON
                    .writerWithDefaultPrettyPrinter()
                    .writeValue(staged.resolve("expected.json").toFile(), expected);
        }
        copyTree(staged, fixture);
    }

    /** Until the job's output (updates, model versions, examples) has not grown for a while. */
    private static void awaitQuiet(KafkaTopics topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        long last = -1;
        long quietSince = System.nanoTime();
        while (true) {
            long now =
                    topics.readCommitted(topics.updates).size()
                            + (long) topics.readCommitted(topics.models).size()
                            + topics.readCommitted(topics.examples).size();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (now > 0 && System.nanoTime() - quietSince > QUIET.toNanos()) {
                return;
            }
            assertThat(System.nanoTime()).as("waiting for the job to finish").isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    /** The reason is in a header; the fixture needs only that the profile is gone. */
    private static Tombstone tombstone() {
        return new Tombstone(TombstoneReason.merged, null, 0L);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
