package io.rtprofile.local.job;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.local.load.LatencyWindows.Window;
import io.rtprofile.local.load.SteadyLoad;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SteadyLoad} against the Kafka job on a mini-cluster: the rate it promises is the rate it
 * produces, the windows account for every update read, and latencies are those of a job that
 * started with the load. (The measurements themselves are docs/benchmarks.md's, on the cluster.)
 */
class SteadyLoadITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @TempDir Path dir;

    @Test
    void producesAtTheRateAndMeasuresEveryWindow() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            KafkaTopics topics = new KafkaTopics(kafka, "load");
            Configuration config = topics.jobConfig();
            config.set(RtProfileOptions.STOP_AT_LATEST, false);
            // A partition the short run leaves empty must not hold the watermark for 30 s.
            config.set(RtProfileOptions.SOURCE_IDLENESS, Duration.ofSeconds(1));
            config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
            config.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    dir.resolve("checkpoints").toUri().toString());
            config = JobConfiguration.withJobDefaults(config);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(config);
            env.setParallelism(2);
            ProfileJob.defineKafkaJob(env, config);
            JobClient job = env.executeAsync("steady load");
            try {
                List<Window> seen = new ArrayList<>();
                SteadyLoad.Report report =
                        SteadyLoad.run(
                                new SteadyLoad.Settings(
                                        kafka.bootstrapServers(),
                                        topics.events,
                                        topics.updates,
                                        300,
                                        Duration.ofSeconds(8),
                                        500,
                                        3,
                                        Duration.ofSeconds(2),
                                        Duration.ofSeconds(2),
                                        Duration.ofSeconds(30),
                                        Duration.ofSeconds(5)),
                                seen::add);

                assertThat(report.produced()).isBetween(2_280L, 2_400L);
                assertThat(report.producedPerSecond()).isBetween(270.0, 330.0);
                assertThat(report.updates()).isGreaterThan(500);
                assertThat(seen).hasSizeGreaterThanOrEqualTo(4);
                // The job starts while the first events go out: updates follow within seconds.
                assertThat(report.windows())
                        .filteredOn(w -> w.updates() > 0)
                        .hasSizeGreaterThanOrEqualTo(2);
                // The windows count the updates that measure latency: those with a newer event
                // time than the profile's update before (EventDrivenUpdates). Late events' updates
                // are left out; most updates remain.
                assertThat(report.windows().stream().mapToLong(Window::updates).sum())
                        .isLessThanOrEqualTo(report.updates())
                        .isGreaterThan(report.updates() / 2);
                double[] overall = report.overallMillis();
                assertThat(overall[0]).isPositive().isLessThan(15_000);
                assertThat(overall[1]).isGreaterThanOrEqualTo(overall[0]);
                assertThat(overall[2]).isGreaterThanOrEqualTo(overall[1]);
                // Generous: CI's two cores also run the job, the broker and the reader.
                assertThat(report.maxProducerLagMillis()).isLessThan(3_000);
            } finally {
                RunningJobSavepoints.cancelAndAwait(job);
            }
        }
    }
}
