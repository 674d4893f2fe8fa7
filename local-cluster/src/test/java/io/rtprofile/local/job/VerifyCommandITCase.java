package io.rtprofile.local.job;

import io.rtprofile.cli.RtProfileCli;
import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;
import io.rtprofile.schema.json.RecordJson;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtprofile verify} over the Kafka job's real topics: the job's output over generated events
 * and some garbage passes, and its final profiles equal {@code rtprofile run --snapshot} of the
 * same events; a copy of the updates with one update written twice and one left out fails, naming
 * both.
 */
class VerifyCommandITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final int BAD_RECORDS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

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
    void passesOnTheJobsOutputAndNamesADuplicateAndALossInACopy() throws Exception {
        List<String> lines = new ArrayList<>();
        // Anonymous sessions, then logins that link them: merges, tombstones, surviving ids.
        new EventGenerator(GeneratorConfig.of(150, 3_000, 7)).forEachRemaining(lines::add);
        lines.add(100, "not json at all");
        lines.add(1_000, "{\"eventId\": 1}");
        lines.add(
                2_000,
                "{\"eventId\":\"x\",\"timestamp\":\"yesterday\",\"type\":\"t\","
                        + "\"identities\":[{\"namespace\":\"email\",\"id\":\"a@b.c\"}]}");
        lines.add(
                3_000,
                "{\"eventId\":\"y\",\"timestamp\":1700000000000,\"type\":\"t\","
                        + "\"identities\":[{\"namespace\":\"passport\",\"id\":\"X1\"}]}");
        Path events = dir.resolve("events.jsonl");
        Files.write(events, lines, StandardCharsets.UTF_8);

        KafkaTopics topics = new KafkaTopics(kafka, "verify");
        topics.produce(lines.stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList());
        runKafkaJobToEnd(topics.jobConfig());

        Path snapshot = dir.resolve("snapshot.jsonl");
        assertThat(
                        RtProfileCli.commandLine()
                                .execute(
                                        "run",
                                        "--events",
                                        events.toString(),
                                        "--output",
                                        dir.resolve("updates.jsonl").toString(),
                                        "--snapshot",
                                        snapshot.toString()))
                .isZero();

        Verified clean = verify(topics, topics.updates, snapshot, "--json");
        JsonNode report = JSON.readTree(clean.out);
        assertThat(clean.exit).as(clean.out).isZero();
        assertThat(report.get("recordsIn").asLong()).isEqualTo(lines.size());
        assertThat(report.get("badRecords").asLong()).isEqualTo(BAD_RECORDS);
        assertThat(report.get("rejected").asLong()).isEqualTo(BAD_RECORDS);
        assertThat(report.get("tombstones").asLong()).as("profiles merged").isPositive();
        // Every profile matched; its id and version may differ (reported, not failed): which id
        // survives a merge, and how many updates a profile got, depend on the arrival order.
        assertThat(report.get("snapshot").get("matched").asLong())
                .isEqualTo(Files.readAllLines(snapshot).size());

        // A copy of the updates with one update written twice and one left out.
        List<ConsumerRecord<byte[], byte[]>> records = topics.readCommitted(topics.updates);
        Map<String, Integer> updatesBeforeTombstone = new HashMap<>();
        List<String> eligible = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                updatesBeforeTombstone.put(key, Integer.MIN_VALUE);
            } else if (updatesBeforeTombstone.merge(key, 1, Integer::sum) == 3) {
                eligible.add(key);
            }
        }
        assertThat(eligible).hasSizeGreaterThanOrEqualTo(2);
        String duplicatedId = eligible.get(0);
        String lostId = eligible.get(1);
        String copy = "profile-updates-copy-" + topics.events;
        kafka.createTopic(copy, 2, Map.of());
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // The copy's order within a partition is the point: one record at a time, each
        // acknowledged. (An idempotent producer batching on a loaded machine once lost a run of
        // records to an out-of-order sequence after a retry, and the test blamed verify.)
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                long version = version(r);
                String key = new String(r.key(), StandardCharsets.UTF_8);
                int times = key.equals(duplicatedId) && version == 2 ? 2 : 1;
                if (key.equals(lostId) && version == 2) {
                    times = 0;
                }
                for (int i = 0; i < times; i++) {
                    producer.send(
                                    new ProducerRecord<>(
                                            copy,
                                            r.partition(),
                                            null,
                                            r.key(),
                                            r.value(),
                                            r.headers()))
                            .get();
                }
            }
            producer.flush();
        }

        Verified broken = verify(topics, copy, snapshot);
        assertThat(broken.exit).as(broken.out).isEqualTo(1);
        assertThat(broken.out)
                .contains("lost updates (version gaps): 1")
                .contains(lostId + ": version 3 follows version 1")
                .contains("duplicated updates (version repeats): 1")
                .contains(duplicatedId + ": version 2 again after version 2")
                .doesNotContain("profiles different");
    }

    private static long version(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return -1;
        }
        ProfileUpdate update = ProfileUpdateJson.fromJson(RecordJson.toJson(r.value()));
        return update.getVersion();
    }

    private record Verified(int exit, String out) {}

    private static Verified verify(
            KafkaTopics topics, String updates, Path snapshot, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "verify",
                                "--bootstrap-servers",
                                kafka.bootstrapServers(),
                                "--events-topic",
                                topics.events,
                                "--updates-topic",
                                updates,
                                "--rejected-topic",
                                topics.rejected,
                                "--expected",
                                snapshot.toString(),
                                "--bad-records",
                                Integer.toString(BAD_RECORDS)));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        int exit =
                RtProfileCli.commandLine()
                        .setOut(new PrintWriter(out))
                        .execute(args.toArray(String[]::new));
        return new Verified(exit, out.toString());
    }

    private static void runKafkaJobToEnd(Configuration topicConfig) throws Exception {
        Configuration config = JobConfiguration.withJobDefaults(topicConfig);
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createTempDirectory("rtprofile-checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        ProfileJob.defineKafkaJob(env, config);
        env.execute("profile job to end of input");
    }
}
