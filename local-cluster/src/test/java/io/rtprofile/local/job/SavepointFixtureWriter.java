package io.rtprofile.local.job;

import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.ProfileUpdate;

import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

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
 * <p>The Kafka job (RocksDB, as it defaults) runs as {@link RunningJobSavepoints} runs it, on the
 * in-process broker over 1,500 generated events of 100 customers (seed 6), a probe customer's
 * purchase and a last "clock" event two hours after the others (it moves the watermark past every
 * event, window and label horizon before it), with {@code examples/segments} and a copy of {@code
 * examples/models} that publishes a version every 100 examples. When its output has been quiet for
 * three seconds, it stops with a canonical savepoint, which is copied into the fixture with the
 * definitions and {@code expected.json}: the live profiles as read {@code read_committed}, and the
 * end offsets of the topics the job reads.
 */
@EnabledIfSystemProperty(named = "rtprofile.fixtures.write", matches = "true")
class SavepointFixtureWriter {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.withSlots(RunningJobSavepoints.PARALLELISM);

    static final GeneratorConfig EVENTS = GeneratorConfig.of(100, 1_500, 6);

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
        SavepointFixtures.writeDefinitions(staged);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaTopics topics = KafkaTopics.named(kafka, SavepointFixtures.topicSuffix(release));
            RunningJobSavepoints.Snapshots run =
                    RunningJobSavepoints.take(
                            topics,
                            staged,
                            EVENTS,
                            RunningJobSavepoints.Backend.ROCKSDB,
                            false,
                            dir);
            SavepointFixtures.copyTree(run.savepoint(), staged.resolve("savepoint"));

            Map<String, ProfileUpdate> live = run.liveProfiles();
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
            expected.put("clock", run.clock().toString());
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
        SavepointFixtures.copyTree(staged, fixture);
    }
}
