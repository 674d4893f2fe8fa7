package io.rtprofile.local.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node Kafka 4.2 (KRaft, combined broker and controller) inside this JVM, for the demo,
 * the CLI and tests.
 *
 * <p>Clients connect to {@link #bootstrapServers()}: a plaintext listener named {@code CLIENT} on
 * {@code localhost}, on a fixed port if one was asked for (the demo wants a stable 9092) or on any
 * free port. The broker's own listeners (inter-broker, controller) stay on ephemeral ports.
 *
 * <p>The broker is tuned for one node and fast tests; see {@link #brokerProperties(Options)} for
 * every setting and why.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The port the demo asks for first, the one every Kafka tool assumes. */
    public static final int DEFAULT_PORT = 9092;

    /** The listener clients use; its port is the one {@link Options#port(int)} controls. */
    static final String CLIENT_LISTENER = "CLIENT";

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /** Names of the threads on which {@link KafkaClusterTestKit} formats and starts nodes. */
    private static final String TEST_KIT_THREAD_PREFIX = "kafka-cluster-test-kit-";

    private final KafkaClusterTestKit cluster;
    private final Path logDir;
    private final String bootstrapServers;
    private final Admin admin;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path logDir, String bootstrapServers) {
        this.cluster = cluster;
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
        this.admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                (int) ADMIN_TIMEOUT.toMillis()));
    }

    /** Starts a broker on any free port, with its data in a temporary directory. */
    public static EmbeddedKafka start() {
        return start(Options.defaults());
    }

    /**
     * Starts a broker whose client listener is on {@code port} exactly ({@code 0}: any free port).
     *
     * @throws IllegalStateException if the port is taken
     */
    public static EmbeddedKafka start(int port) {
        return start(Options.defaults().port(port));
    }

    /** Starts a broker as {@code options} say; returns once it accepts clients. */
    public static EmbeddedKafka start(Options options) {
        int port = resolvePort(options);
        Path baseDir = options.logDir;
        boolean deleteOnClose = baseDir == null;
        KafkaClusterTestKit cluster = null;
        try {
            if (baseDir == null) {
                baseDir = Files.createTempDirectory("rtprofile-kafka-");
            } else {
                requireEmptyOrAbsent(baseDir);
                Files.createDirectories(baseDir);
            }
            TestKitNodes nodes =
                    new TestKitNodes.Builder(productionBootstrapMetadata())
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .setBaseDirectory(baseDir)
                            .build();
            KafkaClusterTestKit.Builder builder =
                    new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(deleteOnClose);
            brokerProperties(options).forEach(builder::setConfigProp);
            // The test kit names its listeners itself; add ours next to them.
            String brokerListener = nodes.brokerListenerName().value();
            String controllerListener = nodes.controllerListenerName().value();
            builder.setConfigProp(
                    "listeners",
                    String.format(
                            "%s://localhost:0,%s://localhost:0,%s://localhost:%d",
                            brokerListener, controllerListener, CLIENT_LISTENER, port));
            builder.setConfigProp(
                    "listener.security.protocol.map",
                    String.format(
                            "%s:%s,%s:%s,%s:PLAINTEXT",
                            brokerListener,
                            nodes.brokerListenerProtocol().name,
                            controllerListener,
                            nodes.controllerListenerProtocol().name,
                            CLIENT_LISTENER));

            cluster = builder.build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();

            int boundPort =
                    cluster.brokers()
                            .values()
                            .iterator()
                            .next()
                            .boundPort(ListenerName.normalised(CLIENT_LISTENER));
            return new EmbeddedKafka(cluster, baseDir, "localhost:" + boundPort);
        } catch (Exception e) {
            closeQuietly(cluster, e);
            if (deleteOnClose && baseDir != null && cluster == null) {
                deleteRecursively(baseDir);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("Embedded Kafka did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Every broker setting this class sets, with the test kit's own for the rest (node id, roles,
     * quorum voters, log directories).
     */
    static Map<String, String> brokerProperties(Options options) {
        Map<String, String> props = new LinkedHashMap<>();
        // One node: internal topics can only have one replica, and the transaction log must accept
        // writes with one in-sync replica, or transactional producers (the exactly-once sink)
        // never initialise.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Internal topics are created on first use, one log per partition: the defaults (50
        // partitions each) cost seconds on a laptop for nothing.
        props.put("offsets.topic.num.partitions", Integer.toString(options.internalPartitions));
        props.put(
                "transaction.state.log.num.partitions",
                Integer.toString(options.internalPartitions));
        props.put(
                "share.coordinator.state.topic.num.partitions",
                Integer.toString(options.internalPartitions));
        // A lone consumer group member should not wait 3 s for others.
        props.put("group.initial.rebalance.delay.ms", "0");
        // The broker's ceiling on a producer's transaction.timeout.ms (15 min, Kafka's default,
        // stated so that it is visible): the job's Kafka sink sets a lower timeout, and a sink
        // asking for more fails at start, as it would against a default production broker.
        props.put("transaction.max.timeout.ms", Long.toString(options.maxTransactionTimeoutMs));
        // Topics exist because someone created them, with the partitions and configs they chose;
        // a typo in a topic name is an error, not a new topic.
        props.put("auto.create.topics.enable", "false");
        // Behave like a released broker: the test kit enables unreleased APIs and features.
        props.put("unstable.api.versions.enable", "false");
        props.put("unstable.feature.versions.enable", "false");
        props.putAll(options.extraProperties);
        return props;
    }

    /**
     * Bootstrap metadata at the latest metadata version of a release; the other features take that
     * release's defaults when the node is formatted. The test kit's default is the latest
     * <em>testing</em> version, which no released broker runs.
     */
    static BootstrapMetadata productionBootstrapMetadata() {
        return BootstrapMetadata.fromVersion(MetadataVersion.latestProduction(), "rtprofile");
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory holding the broker's metadata and logs. */
    public Path logDir() {
        return logDir;
    }

    /**
     * Creates a topic and returns once the broker serves all its partitions. If the topic already
     * exists with {@code partitions} partitions, does nothing (its configs are left as they are).
     *
     * @throws IllegalStateException if it exists with another number of partitions
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty());
        topic.configs(Map.copyOf(configs));
        try {
            try {
                admin.createTopics(List.of(topic)).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitPartitionLeaders(name, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Creates a topic with the broker's default configs; see {@link #createTopic(String, int,
     * Map)}.
     */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Topic configs of a compacted topic (latest value per key; tombstones delete). */
    public static Map<String, String> compacted() {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /** Stops the broker; deletes its directory unless {@link Options#logDir(Path)} chose it. */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("Embedded Kafka did not stop cleanly", e);
        }
    }

    private void awaitPartitionLeaders(String name, int partitions)
            throws InterruptedException, ExecutionException {
        // CreateTopics returns once the controller committed the topic; the broker serves it a
        // moment later, when it has replayed that metadata.
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            Optional<TopicDescription> description = describe(name);
            if (description.isPresent()) {
                List<TopicPartitionInfo> found = description.get().partitions();
                if (found.size() != partitions) {
                    throw new IllegalStateException(
                            String.format(
                                    "Topic %s exists with %d partitions, not %d",
                                    name, found.size(), partitions));
                }
                if (found.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Topic " + name + " has no leader after " + ADMIN_TIMEOUT);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private Optional<TopicDescription> describe(String name)
            throws InterruptedException, ExecutionException {
        try {
            return Optional.of(admin.describeTopics(Set.of(name)).allTopicNames().get().get(name));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Formats the node. Kafka's {@code Formatter} prints two lines to {@code System.out} (the
     * bootstrap metadata, the directory formatted) from the test kit's own threads; those lines,
     * and only those, are dropped: the demo's and the CLI's standard output belongs to them.
     */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        PrintStream original = System.out;
        System.setOut(
                new PrintStream(
                        new FilterOutputStream(original) {
                            @Override
                            public void write(int b) throws IOException {
                                if (!fromTestKit()) {
                                    out.write(b);
                                }
                            }

                            @Override
                            public void write(byte[] b, int off, int len) throws IOException {
                                if (!fromTestKit()) {
                                    out.write(b, off, len);
                                }
                            }
                        },
                        true));
        try {
            cluster.format();
        } finally {
            System.setOut(original);
        }
    }

    private static boolean fromTestKit() {
        return Thread.currentThread().getName().startsWith(TEST_KIT_THREAD_PREFIX);
    }

    private static int resolvePort(Options options) {
        if (options.port == 0) {
            return 0;
        }
        if (isFree(options.port)) {
            return options.port;
        }
        if (options.fallBackToAnyPort) {
            return 0;
        }
        throw new IllegalStateException(
                "Port " + options.port + " is in use: cannot start the embedded Kafka on it");
    }

    private static boolean isFree(int port) {
        // Racy by nature (someone may take it before the broker binds), but turns the common case,
        // another Kafka already running, into a clear message instead of a startup stack trace.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("localhost"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void requireEmptyOrAbsent(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Kafka log dir " + dir + " is not a directory");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException(
                        "Kafka log dir "
                                + dir
                                + " is not empty: each embedded broker formats a new cluster");
            }
        }
    }

    private static void closeQuietly(KafkaClusterTestKit cluster, Exception cause) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover temporary directory is not worth failing over.
        }
    }

    /** How to start the broker. Mutable builder; each setter returns {@code this}. */
    public static final class Options {
        private int port;
        private boolean fallBackToAnyPort;
        private Path logDir;
        private int internalPartitions = 4;
        private long maxTransactionTimeoutMs = TimeUnit.MINUTES.toMillis(15);
        private final Map<String, String> extraProperties = new LinkedHashMap<>();

        private Options() {}

        /** Any free port, temporary log dir, the settings of {@link #brokerProperties(Options)}. */
        public static Options defaults() {
            return new Options();
        }

        /** The client listener's port exactly; {@code 0} (the default) for any free port. */
        public Options port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Not a port: " + port);
            }
            this.port = port;
            this.fallBackToAnyPort = false;
            return this;
        }

        /** {@code port} if it is free, any free port otherwise (the demo: 9092 when it can). */
        public Options preferredPort(int port) {
            port(port);
            this.fallBackToAnyPort = true;
            return this;
        }

        /**
         * Keeps the broker's data in {@code dir} (created if absent, must be empty) and leaves it
         * there on close; by default a temporary directory is used and deleted on close.
         */
        public Options logDir(Path dir) {
            this.logDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Partitions of the consumer offsets and transaction state topics (default 4). */
        public Options internalTopicPartitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("Partitions must be >= 1: " + partitions);
            }
            this.internalPartitions = partitions;
            return this;
        }

        /** The broker's {@code transaction.max.timeout.ms} (default 15 min). */
        public Options maxTransactionTimeout(Duration timeout) {
            this.maxTransactionTimeoutMs = timeout.toMillis();
            return this;
        }

        /** Any other broker property; applied last, so it overrides the ones above. */
        public Options brokerProperty(String key, String value) {
            extraProperties.put(key, value);
            return this;
        }
    }
}
