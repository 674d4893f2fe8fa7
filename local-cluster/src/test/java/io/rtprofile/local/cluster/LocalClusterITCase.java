package io.rtprofile.local.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.rtprofile.local.cluster.ClusterTestSupport.CUSTOMERS;
import static io.rtprofile.local.cluster.ClusterTestSupport.cli;
import static io.rtprofile.local.cluster.ClusterTestSupport.freePort;
import static io.rtprofile.local.cluster.ClusterTestSupport.jobJar;
import static io.rtprofile.local.cluster.ClusterTestSupport.produce;
import static io.rtprofile.local.cluster.ClusterTestSupport.readUpdates;
import static io.rtprofile.local.cluster.ClusterTestSupport.versionsByProfile;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtprofile cluster} end to end, through the CLI as a user types it: a JobManager, two
 * TaskManagers and a KRaft broker as separate JVMs (from flink-lib/ and kafka-lib/ of the build),
 * the shaded job jar submitted through the REST API, a stop-with-savepoint and a resubmission from
 * it; profile versions read {@code read_committed} must continue across it with no gap and no
 * repeat, and no process may be left at the end.
 */
class LocalClusterITCase {

    @TempDir static Path home;

    private static LocalCluster cluster;
    private static final List<Long> pids = new ArrayList<>();

    @BeforeAll
    static void locateBuild() {
        cluster = ClusterTestSupport.cluster(home);
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
        ClusterTestSupport.Cli start =
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
        assertThat(start.exitCode()).as(start.err()).isZero();
        assertThat(start.out()).contains("2 TaskManagers, 4 slots", "http://localhost:" + web);
        cluster.processes().forEach(p -> pids.add(p.pid()));
        assertThat(cluster.processes())
                .hasSize(4)
                .allMatch(LocalCluster.ProcessState::alive)
                .extracting(LocalCluster.ProcessState::pid)
                .doesNotHaveDuplicates()
                .doesNotContain(ProcessHandle.current().pid());
        String bootstrap = "localhost:" + kafka;

        String jobJar = jobJar().toString();
        ClusterTestSupport.Cli submit =
                cli("cluster", "submit", homeArg[0], homeArg[1], "--jar", jobJar);
        assertThat(submit.exitCode()).as(submit.err()).isZero();
        String job = submit.out().trim();
        assertThat(job).matches("[0-9a-f]{32}");
        // Parallelism 2 with slot sharing: two slots, one on each TaskManager.
        assertThat(cluster.rest().overview().path("slots-available").asInt()).isEqualTo(2);
        assertThat(cluster.rest().taskManagerSlots())
                .hasSize(2)
                .allSatisfy(free -> assertThat(free).isEqualTo(1));

        produce(bootstrap, 0, 200);
        assertThat(readUpdates(bootstrap, 200)).hasSize(200);

        ClusterTestSupport.Cli savepoint =
                cli("cluster", "savepoint", homeArg[0], homeArg[1], "--stop", job);
        assertThat(savepoint.exitCode()).as(savepoint.err()).isZero();
        String path = savepoint.out().trim();
        assertThat(path).contains(home.resolve("savepoints").toString());
        assertThat(cluster.rest().jobState(job)).isEqualTo("FINISHED");

        ClusterTestSupport.Cli resume =
                cli(
                        "cluster",
                        "submit",
                        homeArg[0],
                        homeArg[1],
                        "--jar",
                        jobJar,
                        "--from-savepoint",
                        path);
        assertThat(resume.exitCode()).as(resume.err()).isZero();
        assertThat(resume.out().trim()).isNotEqualTo(job);

        produce(bootstrap, 200, 200);
        List<JsonNode> updates = readUpdates(bootstrap, 400);
        // Each event changes its customer's profile once: 20 updates per profile, versions
        // 1..20 exactly, across the savepoint (no gap: nothing lost; no repeat: nothing twice).
        Map<String, List<Integer>> versions = versionsByProfile(updates);
        assertThat(versions).hasSize(CUSTOMERS);
        List<Integer> expected = IntStream.rangeClosed(1, 400 / CUSTOMERS).boxed().toList();
        versions.forEach(
                (profile, seen) ->
                        assertThat(seen).as(profile).containsExactlyElementsOf(expected));

        ClusterTestSupport.Cli status = cli("cluster", "status", homeArg[0], homeArg[1]);
        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).contains("1 jobs running", "FINISHED");

        ClusterTestSupport.Cli stop = cli("cluster", "stop", homeArg[0], homeArg[1]);
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(stop.out())
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
        assertThat(cli("cluster", "status", homeArg[0], homeArg[1]).exitCode()).isEqualTo(1);
    }

    @Test
    void refusesToSubmitWhenNoClusterRuns(@TempDir Path empty) {
        ClusterTestSupport.Cli submit =
                cli("cluster", "submit", "--home", empty.toString(), "--jar", "x.jar");
        assertThat(submit.exitCode()).isEqualTo(1);
        assertThat(submit.err().strip())
                .startsWith("rtprofile cluster: no cluster in ")
                .doesNotContain("\n");
    }
}
