package io.rtprofile.local.job;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.ingest.EventTimestamps;
import io.rtprofile.jobs.kafka.KafkaIO;
import io.rtprofile.jobs.kafka.SegmentDefinitionsTopic;
import io.rtprofile.jobs.profile.BoundedProfileRun;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.profile.ProfileWorkflow;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.jobs.testing.TestEvents;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.json.EventJson;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The profile job between Kafka topics on the in-process broker: JSON and Avro in, exactly-once
 * updates and rejections out, also across an injected task failure.
 */
class ProfileJobKafkaITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

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

        List<ProfileUpdate> updates = decodeUpdates(topics.readCommitted(topics.updates));
        assertVersionsContiguous(updates);
        assertThat(FinalProfiles.withoutVersion(FinalProfiles.of(updates)))
                .isEqualTo(FinalProfiles.withoutVersion(fileRun(json)));

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

    @Test
    void exactlyOnceAcrossAnInjectedFailure() throws Exception {
        List<String> json = TestEvents.random(new Random(2), 12_000, 400);
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

        List<ProfileUpdate> withFailure = decodeUpdates(failing.readCommitted(failing.updates));
        List<ProfileUpdate> withoutFailure = decodeUpdates(clean.readCommitted(clean.updates));
        assertVersionsContiguous(withFailure);
        assertThat(FinalProfiles.withoutVersion(FinalProfiles.of(withFailure)))
                .isEqualTo(FinalProfiles.withoutVersion(FinalProfiles.of(withoutFailure)));
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
            ProfileJobSettings settings = ProfileJobSettings.from(config);
            DataStream<IngestedRecord> ingested =
                    env.fromSource(
                                    KafkaIO.eventsSource(config, settings),
                                    EventTimestamps.watermarks(settings),
                                    "events")
                            .uid(Uids.EVENTS_SOURCE)
                            .map(failure)
                            .returns(new AvroTypeInfo<>(IngestedRecord.class))
                            .uid("failure-injector");
            ProfileWorkflow.Outputs outputs =
                    ProfileWorkflow.defineWorkflow(
                            ingested,
                            env.fromSource(
                                            KafkaIO.segmentDefinitionsSource(config),
                                            SegmentDefinitionsTopic.watermarks(),
                                            "segment-definitions")
                                    .uid(Uids.SEGMENT_DEFINITIONS_SOURCE),
                            settings,
                            SegmentCatalog.empty());
            outputs.updates()
                    .sinkTo(KafkaIO.profileUpdatesSink(config))
                    .uid(Uids.PROFILE_UPDATES_SINK);
            outputs.rejected().sinkTo(KafkaIO.rejectedSink(config)).uid(Uids.REJECTED_SINK);
        }
        env.execute("profile job to end of input");
    }

    private Map<String, ProfileUpdate> fileRun(List<String> json) throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.write(file, json, StandardCharsets.UTF_8);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        BoundedProfileRun.runConfiguration(new Configuration()));
        ConcurrentLinkedQueue<ProfileUpdate> updates = new ConcurrentLinkedQueue<>();
        BoundedProfileRun.run(
                env,
                file,
                ProfileJobSettings.defaults(),
                SegmentCatalog.empty(),
                AsOfWatermarkCap.LARGEST_EVENT_TIME,
                updates::add,
                r -> {});
        return FinalProfiles.of(new ArrayList<>(updates));
    }

    private static byte[] avro(ExperienceEvent event) throws Exception {
        ByteBuffer buffer = event.toByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static List<ProfileUpdate> decodeUpdates(List<ConsumerRecord<byte[], byte[]>> records)
            throws Exception {
        List<ProfileUpdate> updates = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ProfileUpdate update = ProfileUpdate.fromByteBuffer(ByteBuffer.wrap(record.value()));
            assertThat(new String(record.key(), StandardCharsets.UTF_8))
                    .isEqualTo(update.getProfileId());
            updates.add(update);
        }
        return updates;
    }

    /** Per profile, in the order read from its partition: versions 1, 2, 3, ... */
    private static void assertVersionsContiguous(List<ProfileUpdate> updates) {
        Map<String, Long> last = FinalProfiles.assertVersionsContiguous(updates);
        assertThat(last).isNotEmpty();
    }
}
