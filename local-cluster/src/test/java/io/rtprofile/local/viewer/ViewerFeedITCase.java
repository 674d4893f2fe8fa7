package io.rtprofile.local.viewer;

import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.viewer.Viewer;
import io.rtprofile.viewer.ViewerSettings;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The viewer following a real topic: only committed updates, tombstones, and a restart that resumes
 * where the store stopped, counting nothing twice.
 */
class ViewerFeedITCase {
    private static final long T0 = Instant.parse("2026-11-01T10:00:00Z").toEpochMilli();

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        kafka.createTopic("updates", 3, EmbeddedKafka.compacted());
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    private static ProfileUpdate update(String profileId, long version, String email) {
        return ProfileUpdate.newBuilder()
                .setProfileId(profileId)
                .setVersion(version)
                .setUpdatedAt(T0 + version * 1000)
                .setIdentities(List.of(new Identity("email", email)))
                .setAttributes(Map.of("visits", version))
                .build();
    }

    private static byte[] bytes(ProfileUpdate update) throws Exception {
        ByteBuffer buffer = update.toByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String key, byte[] value) {
        producer.send(new ProducerRecord<>("updates", key.getBytes(StandardCharsets.UTF_8), value));
    }

    @Test
    void followsCommittedUpdatesAndResumesAfterARestart(@TempDir Path data) throws Exception {
        ViewerSettings settings =
                ViewerSettings.defaults(kafka.bootstrapServers(), data)
                        .withPort(0)
                        .withTopics("updates", null);
        try (KafkaProducer<byte[], byte[]> producer = producer("viewer-feed-test")) {
            producer.beginTransaction();
            for (int i = 0; i < 100; i++) {
                send(producer, "p-" + i, bytes(update("p-" + i, 1, "c" + i + "@example.com")));
            }
            producer.commitTransaction();
            // An aborted transaction: a read_committed reader never sees it.
            producer.beginTransaction();
            send(producer, "p-aborted", bytes(update("p-aborted", 1, "gone@example.com")));
            producer.flush();
            producer.abortTransaction();

            try (Viewer viewer = Viewer.start(settings)) {
                await(() -> viewer.store().status().updatesApplied() == 100);
                await(() -> viewer.feed().lag() == 0);
                assertThat(viewer.store().profile("p-aborted")).isEmpty();
                assertThat(viewer.store().status().profiles()).isEqualTo(100);
            }

            // While the viewer is down: 50 second versions, 10 erasures, a record that is not an
            // update.
            producer.beginTransaction();
            for (int i = 0; i < 50; i++) {
                send(producer, "p-" + i, bytes(update("p-" + i, 2, "c" + i + "@example.com")));
            }
            for (int i = 90; i < 100; i++) {
                send(producer, "p-" + i, null);
            }
            send(producer, "p-junk", "not an update".getBytes(StandardCharsets.UTF_8));
            producer.commitTransaction();
        }

        try (Viewer viewer = Viewer.start(settings)) {
            await(() -> viewer.store().status().updatesApplied() == 160);
            await(() -> viewer.feed().lag() == 0 && viewer.feed().undecodable() == 1);
            // Nothing counted twice: exactly the 100 + 50 + 10 records after the first run's.
            assertThat(viewer.store().status().updatesApplied()).isEqualTo(160);
            assertThat(viewer.store().status().staleSkipped()).isZero();
            assertThat(viewer.store().status().profiles()).isEqualTo(90);
            assertThat(viewer.store().profile("p-7").orElseThrow().getVersion()).isEqualTo(2);
            assertThat(viewer.store().profileByIdentity("email", "c95@example.com")).isEmpty();
            assertThat(viewer.store().searchAttribute("visits", "2", false, 100)).hasSize(50);
        }
    }

    private static void await(BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("condition not met in 60 s");
            }
            Thread.sleep(100);
        }
    }
}
