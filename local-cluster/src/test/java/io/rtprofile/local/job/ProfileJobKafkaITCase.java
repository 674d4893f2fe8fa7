package io.rtprofile.local.job;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.kafka.ProfileOutputSerializer;
import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.profile.BoundedProfileRun;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.jobs.testing.TestEvents;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.LinkRefusal;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.Tombstone;
import io.rtprofile.schema.internal.TombstoneReason;
import io.rtprofile.schema.json.EventJson;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The profile job between Kafka topics on the in-process broker: JSON and Avro in, exactly-once
 * updates and rejections out, also across an injected task failure.
 */
class ProfileJobKafkaITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    static EmbeddedKafka kafka;

    @TempDir Path dir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void jsonAndAvroEventsBecomeProfileUpdatesAndBadRecordsAreRejected() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka, "formats");
        List<String> json = new ArrayList<>(TestEvents.random(new Random(1), 400, 30));
        // Event time far in the future: a broker refuses such record timestamps, so the sink
        // must not use event time as the Kafka timestamp (it once failed the job for good).
        json.add(
                "{\"eventId\":\"future\",\"timestamp\":\"2100-01-01T00:00:00Z\","
                        + "\"type\":\"web.pageView\","
                        + "\"identities\":[{\"namespace\":\"email\",\"id\":\"f@x.io\"}]}");
        // Two customers known to the CRM, and an event that would join them: refused, reported.
        for (String crm : List.of("C-1", "C-2", "C-1\"},{\"namespace\":\"crm\",\"id\":\"C-2")) {
            json.add(
                    "{\"eventId\":\"crm-"
                            + json.size()
                            + "\",\"timestamp\":1700000000000,\"type\":\"crm.sync\","
                            + "\"identities\":[{\"namespace\":\"crm\",\"id\":\""
                            + crm
                            + "\"}]}");
        }
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            byte[] utf8 = json.get(i).getBytes(StandardCharsets.UTF_8);
            // Every other event travels as Avro single-object encoding instead of JSON.
            values.add(i % 2 == 0 ? utf8 : avro(EventJson.parse(utf8)));
        }
        values.add("{\"eventId\": 1}".getBytes(StandardCharsets.UTF_8));
        values.add(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        topics.produce(values);

        runToEnd(topics.jobConfig(), null);

        List<ProfileOutput> outputs = decodeOutputs(topics.readCommitted(topics.updates));
        FinalProfiles.assertOutputVersionsContiguous(outputs);
        assertThat(FinalProfiles.withoutVersion(FinalProfiles.live(outputs)))
                .isEqualTo(FinalProfiles.withoutVersion(fileRun(json)));

        List<LinkRefusal> refused = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readCommitted(topics.conflicts)) {
            refused.add(LinkRefusal.fromByteBuffer(ByteBuffer.wrap(r.value())));
        }
        assertThat(refused)
                .singleElement()
                .satisfies(r -> assertThat(r.getCrmIds()).containsExactly("C-1", "C-2"));

        List<RejectedEvent> rejected = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readCommitted(topics.rejected)) {
            rejected.add(RejectedEvent.fromByteBuffer(ByteBuffer.wrap(r.value())));
        }
        assertThat(rejected).hasSize(2);
        assertThat(rejected)
                .allSatisfy(
                        r -> {
                            assertThat(r.getOrigin().getTopic()).isEqualTo(topics.events);
                            assertThat(r.getOrigin().getOffset()).isNotNull();
                        });
        assertThat(rejected)
                .extracting(RejectedEvent::getReason)
                .anySatisfy(reason -> assertThat(reason).contains("'eventId' must be a string"))
                .anySatisfy(reason -> assertThat(reason).contains("unknown schema fingerprint"));
    }

    /**
     * A task failure during identity merges (half the events are anonymous until a login links the
     * device): a read_committed consumer sees every update once, with contiguous versions, the same
     * final profiles as a run without the failure, no identity in two profiles, and every garbage
     * record rejected once.
     */
    @Test
    void exactlyOnceAcrossAnInjectedFailure() throws Exception {
        List<String> json = TestEvents.random(new Random(2), 12_000, 400, true);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            values.add(json.get(i).getBytes(StandardCharsets.UTF_8));
            if (i % 1000 == 0) {
                values.add(("garbage " + i).getBytes(StandardCharsets.UTF_8));
            }
        }

        KafkaTopics clean = new KafkaTopics(kafka, "clean");
        clean.produce(values);
        runToEnd(clean.jobConfig(), null);

        KafkaTopics failing = new KafkaTopics(kafka, "failing");
        failing.produce(values);
        FailOnceAfter failure = new FailOnceAfter(failing.events, 2_000, 2);
        runToEnd(failing.jobConfig(), failure);
        assertThat(failure.hasFailed()).as("the failure was injected").isTrue();

        List<ProfileOutput> withFailure = decodeOutputs(failing.readCommitted(failing.updates));
        List<ProfileOutput> withoutFailure = decodeOutputs(clean.readCommitted(clean.updates));
        FinalProfiles.assertOutputVersionsContiguous(withFailure);
        Map<String, ProfileUpdate> live = FinalProfiles.live(withFailure);
        assertThat(withFailure.stream().filter(o -> o.getTombstone() != null).count())
                .as("profiles merged")
                .isGreaterThan(100);
        // Which id survives a merge depends on the order links arrive in; the profiles may not.
        assertThat(FinalProfiles.byIdentity(live))
                .isEqualTo(FinalProfiles.byIdentity(FinalProfiles.live(withoutFailure)));
        Set<Identity> seen = new HashSet<>();
        live.values()
                .forEach(
                        p ->
                                p.getIdentities()
                                        .forEach(
                                                i ->
                                                        assertThat(seen.add(i))
                                                                .as("%s in two profiles", i)
                                                                .isTrue()));
        assertThat(failing.readCommitted(failing.rejected)).hasSize(12);
    }

    /** Runs the Kafka job until it has read what the events topic held at its start. */
    private static void runToEnd(Configuration topicConfig, FailOnceAfter failure)
            throws Exception {
        Configuration config = JobConfiguration.withJobDefaults(topicConfig);
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createTempDirectory("rtprofile-checkpoints").toUri().toString());
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        if (failure == null) {
            ProfileJob.defineKafkaJob(env, config);
        } else {
            // The Kafka job with a failure injected between source and workflow.
            ProfileJob.defineKafkaJob(
                    env,
                    config,
                    SegmentCatalog.empty(),
                    ModelCatalog.empty(),
                    ingested ->
                            ingested.map(failure)
                                    .returns(new AvroTypeInfo<>(IngestedRecord.class))
                                    .uid("failure-injector"));
        }
        env.execute("profile job to end of input");
    }

    private Map<String, ProfileUpdate> fileRun(List<String> json) throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.write(file, json, StandardCharsets.UTF_8);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        BoundedProfileRun.runConfiguration(new Configuration()));
        ConcurrentLinkedQueue<ProfileOutput> outputs = new ConcurrentLinkedQueue<>();
        BoundedProfileRun.run(
                env,
                file,
                ProfileJobSettings.defaults(),
                SegmentCatalog.empty(),
                AsOfWatermarkCap.LARGEST_EVENT_TIME,
                outputs::add,
                r -> {});
        return FinalProfiles.live(new ArrayList<>(outputs));
    }

    private static byte[] avro(ExperienceEvent event) throws Exception {
        ByteBuffer buffer = event.toByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** Updates and tombstones as read, each checked to be keyed by its profile. */
    private static List<ProfileOutput> decodeOutputs(List<ConsumerRecord<byte[], byte[]>> records)
            throws Exception {
        List<ProfileOutput> outputs = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                Header reason =
                        record.headers().lastHeader(ProfileOutputSerializer.TOMBSTONE_HEADER);
                assertThat(reason).as("tombstone of %s has a reason", key).isNotNull();
                outputs.add(
                        new ProfileOutput(
                                key,
                                null,
                                new Tombstone(
                                        TombstoneReason.valueOf(
                                                new String(reason.value(), StandardCharsets.UTF_8)),
                                        null,
                                        0L)));
                continue;
            }
            ProfileUpdate update = ProfileUpdate.fromByteBuffer(ByteBuffer.wrap(record.value()));
            assertThat(key).isEqualTo(update.getProfileId());
            outputs.add(new ProfileOutput(key, update, null));
        }
        assertThat(outputs).isNotEmpty();
        return outputs;
    }
}
