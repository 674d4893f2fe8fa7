package io.rtprofile.local.cluster;

import io.rtprofile.cli.RtProfileCli;
import io.rtprofile.local.kafka.JsonLinesConsumer;
import io.rtprofile.local.kafka.JsonLinesProducer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** The CLI as a user runs it, events in and profile updates out, for the cluster ITCases. */
public final class ClusterTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int CUSTOMERS = 20;

    private ClusterTestSupport() {}

    /** A cluster over {@code home} with the lib directories of this build. */
    public static LocalCluster cluster(Path home) {
        // The module's working directory is local-cluster/ (surefire); the lib modules and the
        // job jar are built before this module by the reactor.
        System.setProperty("rtprofile.cluster.flink-lib", "flink-lib/target/flink-lib");
        System.setProperty("rtprofile.cluster.kafka-lib", "kafka-lib/target/kafka-lib");
        return new LocalCluster(new ClusterHome(home), ClusterLibraries.ofBuild());
    }

    /** Versions of each profile in the order read (one partition per key: the order written). */
    static Map<String, List<Integer>> versionsByProfile(List<JsonNode> updates) {
        Map<String, List<Integer>> versions = new HashMap<>();
        for (JsonNode update : updates) {
            versions.computeIfAbsent(update.path("profileId").asText(), k -> new ArrayList<>())
                    .add(update.path("version").asInt());
        }
        return versions;
    }

    /** {@code count} events from {@code first} on, round-robin over the customers. */
    static void produce(String bootstrap, int first, int count) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = first; i < first + count; i++) {
            Map<String, Object> event = new HashMap<>();
            event.put("eventId", "cluster-it-" + i);
            event.put("timestamp", 1_790_000_000_000L + i * 1000L);
            event.put("type", "web.pageView");
            event.put(
                    "identities",
                    List.of(Map.of("namespace", "ecid", "id", "visitor-" + (i % CUSTOMERS))));
            // A new attribute each time: every event changes its profile, in whatever order the
            // two partitions of `events` are read (a newer value of one attribute would make an
            // older one that arrives after it no change, by the timestamp merge policy).
            event.put("attributes", Map.of("visit" + i, i));
            lines.append(JSON.writeValueAsString(event)).append('\n');
        }
        try (JsonLinesProducer producer = new JsonLinesProducer(bootstrap, "events")) {
            producer.send(
                    new ByteArrayInputStream(lines.toString().getBytes(StandardCharsets.UTF_8)),
                    "test events");
        }
    }

    /** Profile updates from the beginning, read_committed, until {@code expected} or 90 s. */
    static List<JsonNode> readUpdates(String bootstrap, int expected) throws IOException {
        List<String> lines = new ArrayList<>();
        AtomicBoolean enough = new AtomicBoolean();
        try (JsonLinesConsumer consumer =
                new JsonLinesConsumer(
                        bootstrap,
                        "profile-updates",
                        JsonLinesConsumer.Settings.defaults()
                                .fromBeginning(true)
                                .maxRecords(expected + 1)
                                .timeout(Duration.ofSeconds(90))
                                // Past the expected count, a short wait shows any duplicate.
                                .idleTimeout(Duration.ofSeconds(60)))) {
            consumer.run(
                    line -> {
                        lines.add(line);
                        if (lines.size() >= expected && enough.compareAndSet(false, true)) {
                            // Enough: one more checkpoint interval for anything extra.
                            new Thread(
                                            () -> {
                                                sleep(3000);
                                                consumer.stop();
                                            })
                                    .start();
                        }
                    });
        }
        List<JsonNode> updates = new ArrayList<>();
        for (String line : lines) {
            updates.add(JSON.readTree(line));
        }
        return updates;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static Path jobJar() {
        String version = System.getProperty("rtprofile.version");
        return Path.of("..", "jobs", "target", "rtprofile-jobs-" + version + "-job.jar")
                .toAbsolutePath()
                .normalize();
    }

    /** The default layout on free ports (tests run beside whatever else uses the defaults). */
    public static ClusterSettings onFreePorts() throws IOException {
        return ClusterSettings.defaults().withPorts(freePort(), freePort(), freePort(), freePort());
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = RtProfileCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    public record Cli(int exitCode, String out, String err) {}
}
