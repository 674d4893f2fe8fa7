package io.rtprofile.local.faults;

import io.rtprofile.local.cluster.ClusterTestSupport;
import io.rtprofile.local.cluster.RunningLocalCluster;
import io.rtprofile.local.verify.VerifyReport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite on a local cluster of separate processes (a JobManager, two TaskManagers, a KRaft
 * broker): in CI a TaskManager killed with SIGKILL under load and a burst of garbage; with {@code
 * -Pcluster-full} every fault twice, through the CLI. Each scenario must lose nothing, repeat
 * nothing, reject every bad record once and end with the profiles of the fault-free run.
 */
class FaultSuiteITCase {

    @RegisterExtension static final RunningLocalCluster CLUSTER = new RunningLocalCluster();

    @Test
    void aKilledTaskManagerAndABurstOfGarbageLoseAndRepeatNothing() throws Exception {
        int burst = 2 * BadRecords.KINDS;
        FaultSuite.Settings settings =
                new FaultSuite.Settings(100, Duration.ofSeconds(30), 1, 500, 11, burst, 2);
        FaultReport report =
                FaultSuite.run(
                        CLUSTER.cluster(),
                        ClusterTestSupport.jobJar(),
                        List.of(Fault.TASKMANAGER_KILL, Fault.BAD_RECORDS),
                        settings,
                        CLUSTER.home().resolve("faults"),
                        System.out::println);
        System.out.println(report.markdown());

        assertThat(report.passed()).as(report.failures()).isTrue();
        FaultOutcome kill = report.outcomes().get(0);
        FaultOutcome garbage = report.outcomes().get(1);
        for (FaultOutcome outcome : report.outcomes()) {
            VerifyReport v = outcome.verification();
            assertThat(v.lost()).as(outcome.fault().label()).isZero();
            assertThat(v.duplicated()).as(outcome.fault().label()).isZero();
            assertThat(v.snapshot().matched())
                    .as(outcome.fault().label())
                    .isEqualTo(v.snapshot().expectedProfiles())
                    .isPositive();
            assertThat(outcome.injections())
                    .hasSize(1)
                    .allMatch(i -> i.freshOutputMillis().isPresent());
            assertThat(outcome.sendFailures()).isZero();
        }
        // The kill was a failure Flink recovered from by restarting tasks, not a quiet no-op.
        assertThat(kill.failovers()).isPositive();
        assertThat(kill.verification().rejected()).isZero();
        // The burst went around the job's state: rejected one by one, and the job never failed.
        assertThat(garbage.verification().rejected()).isEqualTo(burst);
        assertThat(garbage.failovers()).isZero();
        assertThat(garbage.verification().recordsIn())
                .isGreaterThan(burst + 2_000); // 100 events/s for 30 s, and the burst
    }

    @Test
    @EnabledIfSystemProperty(named = "rtprofile.tests.cluster-full", matches = "true")
    void everyFaultTwiceThroughTheCommandLine() throws Exception {
        Path table = CLUSTER.home().resolve("reliability.md");
        ClusterTestSupport.Cli run =
                ClusterTestSupport.cli(
                        "cluster",
                        "faults",
                        "--home",
                        CLUSTER.home().toString(),
                        "--jar",
                        ClusterTestSupport.jobJar().toString(),
                        "--times",
                        "2",
                        "--duration",
                        "120s",
                        "--report",
                        table.toString());
        System.out.println(run.out());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        String written = Files.readString(table);
        for (Fault fault : Fault.values()) {
            assertThat(written)
                    .containsPattern("\\| " + fault.label() + " \\| 2 \\|.*\\| passed \\|");
        }
    }
}
