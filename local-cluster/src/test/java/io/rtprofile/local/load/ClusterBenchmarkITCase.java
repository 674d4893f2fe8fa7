package io.rtprofile.local.load;

import io.rtprofile.local.cluster.ClusterTestSupport;
import io.rtprofile.local.cluster.RunningLocalCluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster benchmark's three phases, small, on a local cluster of separate processes: what
 * docs/benchmarks.md publishes comes from this code, so it must measure what it says (a drained
 * backlog, a steady rate with its latency and cost, an overload that is caught up without loss).
 */
class ClusterBenchmarkITCase {

    @RegisterExtension static final RunningLocalCluster CLUSTER = new RunningLocalCluster();

    @Test
    void measuresCapacityASteadyLoadAndAnOverloadThatLosesNothing() throws Exception {
        ClusterBenchmark.Settings settings =
                new ClusterBenchmark.Settings(
                        5_000,
                        Duration.ofSeconds(20),
                        0.8,
                        Duration.ofSeconds(15),
                        1.5,
                        Duration.ofSeconds(15),
                        0.5,
                        1_000,
                        3,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5),
                        Map.of());
        Path out = CLUSTER.home().resolve("bench");
        ClusterBenchmark bench =
                new ClusterBenchmark(
                        CLUSTER.cluster(),
                        ClusterTestSupport.jobJar(),
                        settings,
                        out,
                        System.out::println);

        ClusterBenchmark.Capacity capacity = bench.capacity();
        assertThat(capacity.events()).isEqualTo(5_000);
        assertThat(capacity.eventsPerSecond()).isPositive();
        assertThat(capacity.drainSeconds()).isPositive();

        // Fixed rates below: the small backlog's rate says little, and the test must not depend
        // on how fast this machine is.
        ClusterBenchmark.Sustained sustained = bench.sustained(250);
        assertThat(sustained.eventsPerSecond()).isEqualTo(200);
        assertThat(sustained.load().produced()).isBetween(3_600L, 4_400L);
        assertThat(sustained.load().updates()).isPositive();
        assertThat(sustained.windows()).isNotEmpty();
        assertThat(sustained.windows().get(sustained.windows().size() - 1).metrics())
                .satisfies(
                        m -> {
                            assertThat(m.checkpointMillis()).isNotNegative();
                            assertThat(m.stateBytes()).isPositive();
                            assertThat(m.heapUsedBytes()).isPositive();
                            assertThat(m.residentBytes()).isPositive();
                            // The job was asked to report RocksDB's memory, and it did.
                            assertThat(m.rocksDbMemTableBytes()).isPositive();
                            assertThat(m.rocksDbBlockCacheBytes()).isNotNegative();
                        });
        assertThat(sustained.verification().lost()).isZero();
        assertThat(sustained.verification().duplicated()).isZero();

        ClusterBenchmark.Overload overload = bench.overload(250);
        assertThat(overload.overRate()).isEqualTo(375);
        assertThat(overload.recoverRate()).isEqualTo(125);
        assertThat(overload.samples()).isNotEmpty();
        // Everything sent was committed in the end, and nothing twice.
        ClusterBenchmark.LagSample last = overload.samples().get(overload.samples().size() - 1);
        assertThat(overload.verification().recordsIn()).isGreaterThanOrEqualTo(last.produced());
        assertThat(overload.lagGoneSecond()).isGreaterThan(overload.dropSecond());
        assertThat(overload.verification().lost()).isZero();
        assertThat(overload.verification().duplicated()).isZero();

        String summary = ClusterBenchmarkReport.write(out, capacity, sustained, overload);
        assertThat(summary).contains("| capacity: backlog", "| sustained |", "| overload |");
        assertThat(out.resolve("sustained.svg")).content().startsWith("<svg");
        assertThat(out.resolve("overload.svg")).content().startsWith("<svg");
        assertThat(Files.readAllLines(out.resolve("sustained.csv")))
                .hasSize(sustained.windows().size() + 1);
    }
}
