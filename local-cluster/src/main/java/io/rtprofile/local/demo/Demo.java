package io.rtprofile.local.demo;

import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratedEvent;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.kafka.ModelDefinitionsTopic;
import io.rtprofile.jobs.kafka.ModelsTopic;
import io.rtprofile.jobs.kafka.ProfileTransfersTopic;
import io.rtprofile.jobs.kafka.TrainingExamplesTopic;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.local.models.ModelPublisher;
import io.rtprofile.local.segments.SegmentPublisher;
import io.rtprofile.schema.Model;
import io.rtprofile.viewer.Viewer;
import io.rtprofile.viewer.ViewerSettings;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The demo: an in-process Kafka with the job's topics, a Flink mini-cluster with its Web UI running
 * the profile job, a generator feeding live events, and a printer of the profile changes read back
 * {@code read_committed}. Closing it stops everything and deletes its temporary data.
 */
public final class Demo implements AutoCloseable {

    /**
     * What the user chose on the command line. {@code segments} (validated, from {@code
     * segmentsSource}) and {@code models} (from {@code modelsSource}) are published before the job
     * starts, so they are in force from its first event. {@code viewerPort} is where the viewer
     * listens (the next free of ten ports); a negative one runs no viewer.
     */
    public record Settings(
            double rate,
            Duration duration,
            int profiles,
            long seed,
            int printRate,
            int kafkaPort,
            int webPort,
            int viewerPort,
            List<SegmentDefinition> segments,
            String segmentsSource,
            List<ModelDefinition> models,
            String modelsSource) {}

    /** Topics as the contract names them, with the settings that matter. */
    public static final Map<String, Map<String, String>> TOPICS =
            Map.of(
                    "events", Map.of(),
                    "events-rejected", Map.of(),
                    "profile-updates", Map.of("cleanup.policy", "compact"),
                    "segment-definitions", Map.of("cleanup.policy", "compact"),
                    // Internal, the merge feedback edge: delete policy, retention of 30 days that
                    // outlasts any outage (a transfer is read once, when the job resumes),
                    // room for large states (ProfileTransfersTopic.topicConfig()).
                    "profile-transfers", ProfileTransfersTopic.topicConfig(),
                    "identity-conflicts", Map.of(),
                    // The models edge: compacted, the latest version per model, room for large
                    // models (ModelsTopic.topicConfig()); definitions compacted as for segments;
                    // examples with delete policy and 7 days' retention.
                    "models", ModelsTopic.topicConfig(),
                    "model-definitions", ModelDefinitionsTopic.topicConfig(),
                    "training-examples", TrainingExamplesTopic.topicConfig());

    private final Settings settings;
    private final PrintStream out;
    private final EmbeddedKafka kafka;
    private final Path checkpoints;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private JobClient job;
    private Thread generator;
    private Thread printer;
    private Viewer viewer;
    private Path viewerData;

    private Demo(Settings settings, PrintStream out, EmbeddedKafka kafka, Path checkpoints) {
        this.settings = settings;
        this.out = out;
        this.kafka = kafka;
        this.checkpoints = checkpoints;
    }

    public static Demo start(Settings settings, PrintStream out) throws Exception {
        out.println("rtprofile demo: starting Kafka (KRaft, in-process)...");
        EmbeddedKafka kafka = startKafka(settings.kafkaPort());
        Demo demo = new Demo(settings, out, kafka, Files.createTempDirectory("rtprofile-demo-"));
        try {
            demo.startAll();
        } catch (Exception e) {
            demo.close();
            throw e;
        }
        return demo;
    }

    private static EmbeddedKafka startKafka(int port) {
        return EmbeddedKafka.start(EmbeddedKafka.Options.defaults().preferredPort(port));
    }

    private void startAll() throws Exception {
        for (Map.Entry<String, Map<String, String>> topic : TOPICS.entrySet()) {
            kafka.createTopic(topic.getKey(), 2, topic.getValue());
        }
        out.println("  Kafka:     " + kafka.bootstrapServers());
        publishSegments();
        publishModels();

        Configuration config = new Configuration();
        config.set(RtProfileOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        config.set(RtProfileOptions.STARTING_OFFSETS, RtProfileOptions.StartingOffsets.EARLIEST);
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        config.set(RestOptions.BIND_PORT, settings.webPort() + "-" + (settings.webPort() + 9));
        config = JobConfiguration.withJobDefaults(config);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(config);
        env.setParallelism(2);
        job = ProfileJob.start(env, config);
        out.println(
                "  Flink:     http://localhost:"
                        + settings.webPort()
                        + " (job "
                        + job.getJobID()
                        + ")");
        out.printf(
                "  Generator: %.0f events/s over %d customers (seed %d)%n",
                settings.rate(), settings.profiles(), settings.seed());
        out.println(
                "  Watch:     rtprofile consume --bootstrap-servers "
                        + kafka.bootstrapServers()
                        + " --topic profile-updates");

        if (settings.viewerPort() >= 0) {
            startViewer();
        }
        out.println();

        generator = new Thread(this::generate, "demo-generator");
        printer = new Thread(this::printChanges, "demo-printer");
        generator.setDaemon(true);
        printer.setDaemon(true);
        generator.start();
        printer.start();
        // Ctrl-C: end the demo, and hold the JVM until close() has stopped the job and Kafka.
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    stop();
                                    try {
                                        closed.await(30, TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                },
                                "demo-shutdown"));
    }

    /** The viewer over the demo's topics, its store in a temporary directory. */
    private void startViewer() throws Exception {
        viewerData = Files.createTempDirectory("rtprofile-demo-viewer-");
        ViewerSettings viewerSettings =
                ViewerSettings.defaults(kafka.bootstrapServers(), viewerData)
                        // A demo lasts minutes: its charts need finer buckets than a day's.
                        .withHistoryBucket(Duration.ofSeconds(10));
        // The viewer is an extra: the demo goes on without it rather than fail.
        int first = settings.viewerPort();
        int last = first == 0 ? 0 : first + 9;
        for (int port = first; port <= last; port++) {
            try {
                viewer = Viewer.start(viewerSettings.withPort(port));
                out.println("  Viewer:    " + viewer.url() + " (profiles, audiences, models)");
                return;
            } catch (BindException e) {
                // taken: the next one
            } catch (IOException | RuntimeException e) {
                out.println("  Viewer:    not started: " + e.getMessage());
                return;
            }
        }
        out.printf(
                "  Viewer:    not started: ports %d to %d are taken (--viewer-port P)%n",
                first, last);
    }

    /** The demo's viewer; empty when it runs none. */
    public Optional<Viewer> viewer() {
        return Optional.ofNullable(viewer);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    private void publishSegments() throws Exception {
        if (settings.segments().isEmpty()) {
            out.println("  Segments:  none (rtprofile demo --segments PATH publishes some)");
            return;
        }
        SegmentPublisher.Outcome outcome =
                new SegmentPublisher(kafka.bootstrapServers(), "segment-definitions")
                        .publish(settings.segments());
        if (outcome.refused()) {
            throw new IllegalStateException(
                    "segment definitions not in force: " + outcome.refusals());
        }
        List<String> ids = new ArrayList<>();
        settings.segments().forEach(d -> ids.add(d.id()));
        out.printf(
                "  Segments:  %d published from %s: %s%n",
                ids.size(), settings.segmentsSource(), String.join(", ", ids));
    }

    private void publishModels() throws Exception {
        if (settings.models().isEmpty()) {
            out.println("  Models:    none (rtprofile demo --models PATH publishes some)");
            return;
        }
        new ModelPublisher(kafka.bootstrapServers(), "model-definitions")
                .publish(settings.models());
        List<String> ids = new ArrayList<>();
        settings.models().forEach(d -> ids.add(d.id()));
        out.printf(
                "  Models:    %d published from %s: %s (a line per version they publish)%n",
                ids.size(), settings.modelsSource(), String.join(", ", ids));
    }

    /** Blocks until the duration has passed, the user pressed Ctrl-C, or the job failed. */
    public void awaitEnd() throws InterruptedException, java.util.concurrent.ExecutionException {
        Duration limit = settings.duration();
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        while (running.get() && System.nanoTime() < deadline) {
            if (ended.await(1, TimeUnit.SECONDS)) {
                break;
            }
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                out.println("rtprofile demo: the job stopped: " + job.getJobStatus().get());
                break;
            }
        }
        out.printf(
                "%nrtprofile demo: %d events produced, %d profile updates committed.%n",
                produced.get(), updates.get());
    }

    private void generate() {
        Duration span = settings.duration() == null ? Duration.ofDays(7) : settings.duration();
        GeneratorConfig config =
                GeneratorConfig.live(
                        settings.profiles(), settings.seed(), Instant.now(), settings.rate(), span);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            EventGenerator events = new EventGenerator(config);
            while (running.get() && events.hasNext()) {
                GeneratedEvent event = events.nextEvent();
                // Send when the wall clock reaches the event's time: event time stays real time.
                long wait = event.timestampMillis() - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                producer.send(
                        new ProducerRecord<>(
                                "events", event.json().getBytes(StandardCharsets.UTF_8)));
                produced.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running.get()) {
                out.println("rtprofile demo: the generator stopped: " + e);
            }
        }
    }

    private void printChanges() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "rtprofile-demo-printer");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        ProfileChangePrinter printer = new ProfileChangePrinter(out, settings.printRate());
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("profile-updates", "models"));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(250))) {
                    if (record.topic().equals("models")) {
                        printModel(record.value());
                        continue;
                    }
                    if (record.value() != null) {
                        updates.incrementAndGet();
                    }
                    printer.print(record.key(), record.value(), record.headers());
                }
            }
        } catch (RuntimeException e) {
            if (running.get()) {
                out.println("rtprofile demo: the printer stopped: " + e);
            }
        }
    }

    /** One short line per published version (a record on the models topic is one version). */
    private void printModel(byte[] value) {
        if (value == null) {
            return;
        }
        Model model;
        try {
            model = Model.fromByteBuffer(ByteBuffer.wrap(value));
        } catch (IOException e) {
            return;
        }
        if (!ModelsTopic.isEndMarker(model)) {
            out.println(modelLine(model));
        }
    }

    static String modelLine(Model model) {
        if (model.getDefinition() == null) {
            return String.format(
                    "model %s: removed (version %d)", model.getModelId(), model.getVersion());
        }
        if (model.getExamples() == 0) {
            return String.format(
                    "model %s: version %d, defined, learning from the first examples",
                    model.getModelId(), model.getVersion());
        }
        return String.format(
                "model %s: version %d after %,d examples, recent log loss %.3f, positive rate"
                        + " %.1f%%",
                model.getModelId(),
                model.getVersion(),
                model.getExamples(),
                model.getRecentLogLoss() == null ? Double.NaN : model.getRecentLogLoss(),
                model.getRecentPositiveRate() == null
                        ? Double.NaN
                        : 100 * model.getRecentPositiveRate());
    }

    private void stop() {
        if (running.compareAndSet(true, false)) {
            ended.countDown();
        }
    }

    @Override
    public void close() {
        stop();
        joinQuietly(generator);
        joinQuietly(printer);
        if (viewer != null) {
            try {
                viewer.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (job != null) {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Already finished or failed: nothing left to stop.
            }
        }
        try {
            kafka.close();
        } catch (Exception e) {
            out.println("rtprofile demo: stopping Kafka: " + e);
        }
        deleteQuietly(checkpoints);
        if (viewerData != null) {
            deleteQuietly(viewerData);
        }
        closed.countDown();
    }

    private static void joinQuietly(Thread thread) {
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory: the OS cleans it eventually.
        }
    }
}
