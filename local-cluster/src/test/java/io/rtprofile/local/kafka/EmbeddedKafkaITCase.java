package io.rtprofile.local.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded broker: its settings, topic creation, ports and log directory. */
class EmbeddedKafkaITCase {

    private static EmbeddedKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void createsCompactedTopic() throws Exception {
        kafka.createTopic("profile-updates", 3, EmbeddedKafka.compacted());

        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "profile-updates");
        Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        TopicDescription description =
                admin.describeTopics(Set.of("profile-updates"))
                        .allTopicNames()
                        .get()
                        .get("profile-updates");
        assertThat(description.partitions()).hasSize(3);
    }

    @Test
    void createTopicIsIdempotentForSamePartitions() {
        kafka.createTopic("events-twice", 2, Map.of());
        kafka.createTopic("events-twice", 2, Map.of());

        assertThatThrownBy(() -> kafka.createTopic("events-twice", 4, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exists with 2 partitions, not 4");
    }

    @Test
    void runsTheLatestProductionMetadataVersion() throws Exception {
        Map<String, FinalizedVersionRange> features =
                admin.describeFeatures().featureMetadata().get().finalizedFeatures();

        assertThat(features.get(MetadataVersion.FEATURE_NAME).maxVersionLevel())
                .isEqualTo(MetadataVersion.latestProduction().featureLevel());
    }

    @Test
    void appliesSingleNodeBrokerSettings() throws Exception {
        String nodeId = admin.describeCluster().nodes().get().iterator().next().idString();
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodeId);
        Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);

        EmbeddedKafka.brokerProperties(EmbeddedKafka.Options.defaults())
                .forEach(
                        (key, value) ->
                                assertThat(config.get(key))
                                        .as(key)
                                        .satisfies(
                                                entry ->
                                                        assertThat(entry.value())
                                                                .as(key)
                                                                .isEqualTo(value)));
        assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
        assertThat(config.get("transaction.max.timeout.ms").value()).isEqualTo("900000");
    }

    @Test
    void refusesTransactionsLongerThanItsMaximum() {
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("too-long", 900_001)) {
            assertThatThrownBy(producer::initTransactions)
                    .hasMessageContaining("transaction.max.timeout.ms");
        }
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("fits", 900_000)) {
            producer.initTransactions();
        }
    }

    @Test
    void usesTheFixedPortItWasGivenAndDeletesItsTemporaryDirectory() throws Exception {
        int port = freePort();
        Path logDir;
        try (EmbeddedKafka fixed = EmbeddedKafka.start(port)) {
            assertThat(fixed.bootstrapServers()).isEqualTo("localhost:" + port);
            fixed.createTopic("on-fixed-port", 1, Map.of());
            logDir = fixed.logDir();
            assertThat(logDir).isDirectory();
        }
        assertThat(logDir).doesNotExist();
    }

    @Test
    void takesAnotherPortOnlyWhenAskedTo() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("localhost"), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafka.start(port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + port + " is in use");

            try (EmbeddedKafka elsewhere =
                    EmbeddedKafka.start(EmbeddedKafka.Options.defaults().preferredPort(port))) {
                assertThat(elsewhere.bootstrapServers())
                        .startsWith("localhost:")
                        .isNotEqualTo("localhost:" + port);
            }
        }
    }

    @Test
    void refusesANonEmptyLogDir(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("something"), "x");

        assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafka.Options.defaults().logDir(dir)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not empty");
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer(String id, int timeoutMs) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        id,
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        timeoutMs),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("localhost"), 0));
            return socket.getLocalPort();
        }
    }
}
