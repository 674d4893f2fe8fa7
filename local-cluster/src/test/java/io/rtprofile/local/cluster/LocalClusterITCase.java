package io.rtprofile.local.cluster;

import io.rtprofile.cli.RtProfileCli;
import io.rtprofile.local.kafka.JsonLinesConsumer;
import io.rtprofile.local.kafka.JsonLinesProducer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtprofile cluster} end to end, through the CLI as a user types it: a JobManager, two
 * TaskManagers and a KRaft broker as separate JVMs (from flink-lib/ and kafka-lib/ of the build),
 * the shaded job jar submitted through the REST API, a stop-with-savepoint and a resubmission from
 * it; profile versions read {@code read_committed} must continue across it with no gap and no
 * repeat, and no process may be left at the end.
 */
class LocalClusterITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CUSTOMERS = 20;

    @TempDir static Path home;

    private static LocalCluster cluster;
    private static final List<Long> pids = new ArrayList<>();

    @BeforeAll
    static void locateBuild() {
        // The module's working directory is local-cluster/ (surefire); the lib modules and the
        // job jar are built before this module by the reactor.
        System.setProperty("rtprofile.cluster.flink-lib", "flink-lib/target/flink-lib");
        System.setProperty("rtprofile.cluster.kafka-lib", "kafka-lib/target/kafka-lib");
        cluster = new LocalCluster(new ClusterHome(home), ClusterLibraries.ofBuild());
    }

    @AfterAll
    static void stopWhateverRuns() {
        // Also when an assertion failed half-way: no JVM outlives the test.
        if (cluster != null) {
            cluster.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void runsStopsWithSavepointAndResumesTheJobOnSeparateProcesses() throws Exception {
        String[] homeArg = {"--home", home.toString()};
        int web = freePort();
        int kafka = freePort();
        Cli start =
                cli(
                        "cluster",
                        "start",
                        homeArg[0],
                        homeArg[1],
                        "--web-port",
                        "" + web,
                        "--kafka-port",
                        "" + kafka,
                        "--controller-port",
                        "" + freePort(),
                        "--rpc-port",
                        "" + freePort());
        assertThat(start.exitCode).as(start.err).isZero();
        assertThat(start.out).contains("2 TaskManagers, 4 slots", "http://localhost:" + web);
        cluster.processes().forEach(p -> pids.add(p.pid()));
        assertThat(cluster.processes())
                .hasSize(4)
                .allMatch(LocalCluster.ProcessState::alive)
                .extracting(LocalCluster.ProcessState::pid)
                .doesNotHaveDuplicates()
                .doesNotContain(ProcessHandle.current().pid());
        String bootstrap = "localhost:" + kafka;

        String jobJar = jobJar().toString();
        Cli submit = cli("cluster", "submit", homeArg[0], homeArg[1], "--jar", jobJar);
        assertThat(submit.exitCode).as(submit.err).isZero();
        String job = submit.out.trim();
        assertThat(job).matches("[0-9a-f]{32}");
        // Parallelism 2 with slot sharing: two slots, one on each TaskManager.
        assertThat(cluster.rest().overview().path("slots-available").asInt()).isEqualTo(2);
        assertThat(cluster.rest().taskManagerSlots())
                .hasSize(2)
                .allSatisfy(free -> assertThat(free).isEqualTo(1));

        produce(bootstrap, 0, 200);
        assertThat(readUpdates(bootstrap, 200)).hasSize(200);

        Cli savepoint = cli("cluster", "savepoint", homeArg[0], homeArg[1], "--stop", job);
        assertThat(savepoint.exitCode).as(savepoint.err).isZero();
        String path = savepoint.out.trim();
        assertThat(path).contains(home.resolve("savepoints").toString());
        assertThat(cluster.rest().jobState(job)).isEqualTo("FINISHED");

        Cli resume =
                cli(
                        "cluster",
                        "submit",
                        homeArg[0],
                        homeArg[1],
                        "--jar",
                        jobJar,
                        "--from-savepoint",
                        path);
        assertThat(resume.exitCode).as(resume.err).isZero();
        assertThat(resume.out.trim()).isNotEqualTo(job);

        produce(bootstrap, 200, 200);
        List<JsonNode> updates = readUpdates(bootstrap, 400);
        // Each event changes its customer's profile once: 20 updates per profile, versions
        // 1..20 exactly, across the savepoint (no gap: nothing lost; no repeat: nothing twice).
        Map<String, List<Integer>> versions = new HashMap<>();
        for (JsonNode update : updates) {
            versions.computeIfAbsent(update.path("profileId").asText(), k -> new ArrayList<>())
                    .add(update.path("version").asInt());
        }
        assertThat(versions).hasSize(CUSTOMERS);
        List<Integer> expected = IntStream.rangeClosed(1, 400 / CUSTOMERS).boxed().toList();
        versions.forEach(
                (profile, seen) ->
                        assertThat(seen).as(profile).containsExactlyElementsOf(expected));

        Cli status = cli("cluster", "status", homeArg[0], homeArg[1]);
        assertThat(status.exitCode).isZero();
        assertThat(status.out).contains("1 jobs running", "FINISHED");

        Cli stop = cli("cluster", "stop", homeArg[0], homeArg[1]);
        assertThat(stop.exitCode).as(stop.err).isZero();
        assertThat(stop.out)
                .contains("stopped taskmanager-", "jobmanager", "kafka")
                .contains(
                        "ends with the cluster; resume it from its latest retained checkpoint:"
                                + " rtprofile cluster submit --from-savepoint "
                                + home.resolve("checkpoints"));
        assertThat(pids)
                .allSatisfy(
                        pid ->
                                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                                        .as("pid " + pid)
                                        .isNotEqualTo(java.util.Optional.of(true)));
        assertThat(cli("cluster", "status", homeArg[0], homeArg[1]).exitCode).isEqualTo(1);
    }

    @Test
    void refusesToSubmitWhenNoClusterRuns(@TempDir Path empty) {
        Cli submit = cli("cluster", "submit", "--home", empty.toString(), "--jar", "x.jar");
        assertThat(submit.exitCode).isEqualTo(1);
        assertThat(submit.err.strip())
                .startsWith("rtprofile cluster: no cluster in ")
                .doesNotContain("\n");
    }

    /** {@code count} events from {@code first} on, round-robin over the customers. */
    private static void produce(String bootstrap, int first, int count) throws IOException {
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
    private static List<JsonNode> readUpdates(String bootstrap, int expected) throws IOException {
        List<String> lines = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean enough =
                new java.util.concurrent.atomic.AtomicBoolean();
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path jobJar() {
        String version = System.getProperty("rtprofile.version");
        return Path.of("..", "jobs", "target", "rtprofile-jobs-" + version + "-job.jar")
                .toAbsolutePath()
                .normalize();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = RtProfileCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    private record Cli(int exitCode, String out, String err) {}
}
