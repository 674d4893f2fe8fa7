package io.rtprofile.local.cluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * The whole cluster stopped under a running job and started again in the same home: the broker
 * keeps its data, and the job resumes from its latest retained checkpoint with no profile version
 * lost or repeated. About two minutes, so only with {@code -Pcluster-full} (not in CI).
 */
@EnabledIfSystemProperty(named = "rtprofile.tests.cluster-full", matches = "true")
class LocalClusterRestartITCase {

    @TempDir static Path home;

    private static LocalCluster cluster;

    @BeforeAll
    static void locateBuild() {
        cluster = ClusterTestSupport.cluster(home);
    }

    @AfterAll
    static void stopWhateverRuns() {
        if (cluster != null) {
            cluster.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void resumesFromTheRetainedCheckpointAfterTheClusterRestarts() throws Exception {
        int kafka = freePort();
        String[] start = {
            "cluster",
            "start",
            "--home",
            home.toString(),
            "--web-port",
            "" + freePort(),
            "--kafka-port",
            "" + kafka,
            "--controller-port",
            "" + freePort(),
            "--rpc-port",
            "" + freePort()
        };
        String[] homeArg = {"--home", home.toString()};
        String bootstrap = "localhost:" + kafka;
        assertThat(cli(start).exitCode()).isZero();
        ClusterTestSupport.Cli submit =
                cli("cluster", "submit", homeArg[0], homeArg[1], "--jar", jobJar().toString());
        assertThat(submit.exitCode()).as(submit.err()).isZero();
        String job = submit.out().trim();
        produce(bootstrap, 0, 200);
        assertThat(readUpdates(bootstrap, 200)).hasSize(200);

        // No savepoint: the job ends with the cluster, its last checkpoints stay.
        ClusterTestSupport.Cli stop = cli("cluster", "stop", homeArg[0], homeArg[1]);
        assertThat(stop.exitCode()).isZero();
        assertThat(cluster.running()).isFalse();

        assertThat(cli(start).exitCode()).isZero();
        ClusterTestSupport.Cli resume =
                cli(
                        "cluster",
                        "submit",
                        homeArg[0],
                        homeArg[1],
                        "--jar",
                        jobJar().toString(),
                        "--from-savepoint",
                        home.resolve("checkpoints").resolve(job).toString());
        assertThat(resume.exitCode()).as(resume.err()).isZero();

        produce(bootstrap, 200, 200);
        var versions = versionsByProfile(readUpdates(bootstrap, 400));
        assertThat(versions).hasSize(CUSTOMERS);
        List<Integer> expected = IntStream.rangeClosed(1, 400 / CUSTOMERS).boxed().toList();
        versions.forEach(
                (profile, seen) ->
                        assertThat(seen).as(profile).containsExactlyElementsOf(expected));
        assertThat(cli("cluster", "stop", homeArg[0], homeArg[1]).exitCode()).isZero();
    }
}
