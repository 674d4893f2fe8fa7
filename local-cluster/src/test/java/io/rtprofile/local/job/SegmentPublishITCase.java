package io.rtprofile.local.job;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.local.segments.SegmentPublisher;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.json.Timestamps;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Definitions published while the Kafka job runs, through the code path of {@code rtprofile
 * segments publish/remove}: existing profiles are re-evaluated at once (no new event for them), new
 * events are evaluated with the new definition, a replacement moves members, a removal exits them;
 * all without a restart, and every profile's versions stay contiguous.
 */
class SegmentPublishITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);
    private static final String SEGMENT = "target-market";

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
    void publishedDefinitionsTakeEffectInTheRunningJob() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka, "publish");
        Configuration config = topics.jobConfig();
        config.set(RtProfileOptions.STOP_AT_LATEST, false);
        // With segments in force, events wait for the watermark; a quiet partition must not
        // hold it back for long.
        config.set(RtProfileOptions.SOURCE_IDLENESS, Duration.ofSeconds(1));
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                dir.resolve("checkpoints").toUri().toString());
        config = JobConfiguration.withJobDefaults(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        SegmentPublisher publisher =
                new SegmentPublisher(kafka.bootstrapServers(), topics.definitions);

        JobClient job = ProfileJob.start(env, config);
        try (Updates updates = new Updates(topics.updates)) {
            // Three profiles exist before any segment is defined.
            topics.produce(
                    List.of(
                            event("e1", "2026-11-01T10:00:00Z", "ann@x.io", "FR"),
                            event("e2", "2026-11-01T10:01:00Z", "bob@x.io", "FR"),
                            event("e3", "2026-11-01T10:02:00Z", "cat@x.io", "DE")));
            updates.await(u -> updates.profiles().size() == 3, "the first three profiles");
            assertThat(updates.changes()).isEmpty();
            String ann = updates.profileOf("ann@x.io");
            String bob = updates.profileOf("bob@x.io");
            String cat = updates.profileOf("cat@x.io");

            // (a) Published: the French profiles enter at once, without an event of theirs.
            publish(publisher, "FR");
            updates.await(
                    u -> u.changes().size() >= 2, "realized transitions of existing profiles");
            // At the event time of the publication: the watermark, or a profile's own latest
            // event time where that is later.
            assertThat(withoutTimes(updates.changes()))
                    .containsExactlyInAnyOrder(ann + " realized", bob + " realized");
            assertThat(times(updates.changes()))
                    .allMatch(t -> t.compareTo("2026-11-01T10:00:00Z") >= 0);

            // (b) A new event is evaluated with the definition in force.
            updates.clearChanges();
            // A later event of someone else moves event time past dan's (watermarks trail the
            // latest event time by the allowed lateness).
            topics.produce(List.of(event("e4", "2026-11-01T10:05:00Z", "dan@x.io", "FR")));
            topics.produce(List.of(event("e5", "2026-11-01T10:30:00Z", "eve@x.io", "US")));
            updates.await(u -> u.changes().size() >= 1, "the new profile's transition");
            String dan = updates.profileOf("dan@x.io");
            assertThat(updates.changes()).containsExactly(dan + " realized 2026-11-01T10:05:00Z");

            // (c) Replaced: the German profile enters, the French ones exit.
            updates.clearChanges();
            publish(publisher, "DE");
            updates.await(u -> u.changes().size() >= 4, "the replacement's transitions");
            assertThat(withoutTimes(updates.changes()))
                    .containsExactlyInAnyOrder(
                            ann + " exited", bob + " exited", dan + " exited", cat + " realized");
            // Event time has moved on: the latest event's, less the allowed lateness.
            assertThat(times(updates.changes())).containsOnly("2026-11-01T10:29:49.999Z");

            // (d) Removed: its last member exits.
            updates.clearChanges();
            SegmentPublisher.Outcome removal = publisher.remove(List.of(SEGMENT), false);
            assertThat(removal.refused()).isFalse();
            assertThat(removal.removed()).containsExactly(SEGMENT);
            updates.await(u -> u.changes().size() >= 1, "the removal's transition");
            assertThat(updates.changes()).containsExactly(cat + " exited 2026-11-01T10:29:49.999Z");

            // Nothing else arrives late, and versions are 1, 2, 3, ... per profile.
            Thread.sleep(1_500);
            updates.poll(Duration.ofMillis(500));
            assertThat(updates.changes()).hasSize(1);
            assertVersionsContiguous(updates.all);
        } finally {
            RunningJobSavepoints.cancelAndAwait(job);
        }
    }

    private void publish(SegmentPublisher publisher, String country) throws Exception {
        Path file = dir.resolve("target-market-" + country + ".yaml");
        Files.writeString(
                file,
                "id: "
                        + SEGMENT
                        + "\nname: Customers in the target market\ncondition:\n"
                        + "  profile: profile.attributes.country == \""
                        + country
                        + "\"\n");
        List<SegmentDefinition> definitions = SegmentDefinitions.load(file);
        SegmentPublisher.Outcome outcome = publisher.publish(definitions);
        assertThat(outcome.refusals()).isEmpty();
        assertThat(outcome.added().size() + outcome.replaced().size()).isEqualTo(1);
    }

    private static byte[] event(String id, String time, String email, String country) {
        return ("{\"eventId\":\""
                        + id
                        + "\",\"timestamp\":\""
                        + time
                        + "\",\"type\":\"web.pageView\","
                        + "\"identities\":[{\"namespace\":\"email\",\"id\":\""
                        + email
                        + "\"}],\"attributes\":{\"country\":\""
                        + country
                        + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> withoutTimes(List<String> changes) {
        return changes.stream().map(c -> c.substring(0, c.lastIndexOf(' '))).toList();
    }

    private static List<String> times(List<String> changes) {
        return changes.stream().map(c -> c.substring(c.lastIndexOf(' ') + 1)).toList();
    }

    private static void assertVersionsContiguous(List<ProfileUpdate> updates) {
        Map<String, Long> last = FinalProfiles.assertVersionsContiguous(updates);
        // eve's event is the latest: it waits until event time passes it (docs/segments.md).
        assertThat(last).hasSize(4);
    }

    /** The updates topic read {@code read_committed} as the job commits them. */
    private static final class Updates implements AutoCloseable {
        final List<ProfileUpdate> all = new ArrayList<>();
        private final List<String> changes = new ArrayList<>();
        private final KafkaConsumer<byte[], byte[]> consumer;

        Updates(String topic) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer =
                    new KafkaConsumer<>(
                            props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void await(Predicate<Updates> condition, String what) throws Exception {
            long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
            while (!condition.test(this)) {
                assertThat(System.nanoTime())
                        .as("waiting for %s; changes so far %s", what, changes)
                        .isLessThan(deadline);
                poll(Duration.ofMillis(200));
            }
        }

        void poll(Duration timeout) throws Exception {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
                ProfileUpdate update =
                        ProfileUpdate.fromByteBuffer(ByteBuffer.wrap(record.value()));
                all.add(update);
                for (SegmentChange change : update.getSegmentChanges()) {
                    assertThat(change.getSegmentId()).isEqualTo(SEGMENT);
                    changes.add(
                            update.getProfileId()
                                    + " "
                                    + change.getStatus()
                                    + " "
                                    + Timestamps.format(change.getAt()));
                }
            }
        }

        List<String> changes() {
            return changes;
        }

        void clearChanges() {
            changes.clear();
        }

        Map<String, String> profiles() {
            Map<String, String> byEmail = new TreeMap<>();
            for (ProfileUpdate update : all) {
                for (Identity identity : update.getIdentities()) {
                    byEmail.put(identity.getId(), update.getProfileId());
                }
            }
            return byEmail;
        }

        String profileOf(String email) {
            return profiles().get(email);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
