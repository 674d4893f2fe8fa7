package io.rtprofile.local.job;

import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.kafka.ProfileTransfersTopic;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.internal.ProfileTransfer;
import io.rtprofile.schema.state.IdentityState;
import io.rtprofile.schema.state.ProfileState;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The merge feedback edge on a real broker: a job reads the transfers written while it runs (by the
 * exactly-once sink, even one larger than Kafka's default 1 MiB), not those of an earlier
 * deployment, and its source stays open although the events would stop at latest.
 */
class ProfileTransfersTopicITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final long T0 = 1_793_527_200_000L;

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
    void aJobReadsTheTransfersWrittenWhileItRunsAndNotThoseBefore() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka, "transfers");
        Configuration config = topics.jobConfig(); // stop-at-latest: must not bound transfers
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                dir.resolve("checkpoints").toUri().toString());
        // A transfer the sink cannot write must fail the test, not restart the writer forever.
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        ProfileTransfer earlier = transfer("p-earlier", 10);
        ProfileTransfer large = transfer("p-large", 1_500_000);
        writePlain(topics.transfers, earlier);

        StreamExecutionEnvironment reader =
                StreamExecutionEnvironment.getExecutionEnvironment(config);
        reader.setParallelism(1);
        try (CloseableIterator<ProfileTransfer> read =
                reader.fromSource(
                                ProfileTransfersTopic.source(config),
                                ProfileTransfersTopic.watermarks(),
                                "transfers")
                        .executeAndCollect("read transfers")) {
            awaitPositioned(
                    config.get(RtProfileOptions.CONSUMER_GROUP) + "-profile-transfers",
                    topics.transfers);

            StreamExecutionEnvironment writer =
                    StreamExecutionEnvironment.getExecutionEnvironment(config);
            writer.setParallelism(1);
            writer.fromData(List.of(large), new AvroTypeInfo<>(ProfileTransfer.class))
                    .sinkTo(ProfileTransfersTopic.sink(config));
            writer.execute("write a transfer");

            ProfileTransfer first =
                    CompletableFuture.supplyAsync(read::next).get(60, TimeUnit.SECONDS);
            assertThat(first.getAbsorbedId()).isEqualTo("p-large");
            assertThat(first).isEqualTo(large);
        }
        // Written with the transfers' transactional ids, committed for read_committed readers.
        assertThat(topics.readCommitted(topics.transfers))
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("p-earlier", "p-large");
    }

    /**
     * The source resolved "latest" and positioned itself: its group committed offsets for every
     * partition on a completed checkpoint.
     */
    private static void awaitPositioned(String group, String topic) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                long positioned =
                        committed.entrySet().stream()
                                .filter(e -> e.getKey().topic().equals(topic))
                                .filter(e -> e.getValue() != null)
                                .count();
                if (positioned == 2) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the transfers source never positioned: " + committed);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void writePlain(String topic, ProfileTransfer transfer) throws Exception {
        ByteBuffer encoded = transfer.toByteBuffer();
        byte[] value = new byte[encoded.remaining()];
        encoded.get(value);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    transfer.getAbsorbedId().getBytes(StandardCharsets.UTF_8),
                                    value))
                    .get();
        }
    }

    /** A transfer whose held-back event carries {@code noteChars} of incompressible text. */
    private static ProfileTransfer transfer(String absorbedId, int noteChars) {
        Random random = new Random(absorbedId.hashCode());
        StringBuilder note = new StringBuilder(noteChars);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        for (int i = 0; i < noteChars; i++) {
            note.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        ProfileState state =
                ProfileState.newBuilder()
                        .setProfileId(absorbedId)
                        .setVersion(2)
                        .setUpdatedAt(T0)
                        .setIdentities(List.of(new IdentityState("ecid", absorbedId, T0, T0)))
                        .setAttributes(Map.of())
                        .build();
        ExperienceEvent pending =
                ExperienceEvent.newBuilder()
                        .setEventId("e-" + absorbedId)
                        .setTimestamp(T0 + 1)
                        .setType("web.search")
                        .setSource("web")
                        .setIdentities(List.of(new Identity("ecid", absorbedId)))
                        .setAttributes(Map.of("note", note.toString()))
                        .setProperties(null)
                        .build();
        return ProfileTransfer.newBuilder()
                .setAbsorbedId(absorbedId)
                .setState(state)
                .setPendingEvents(List.of(pending))
                .build();
    }
}
