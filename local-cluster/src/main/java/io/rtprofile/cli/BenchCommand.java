package io.rtprofile.cli;

import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.local.bench.ProfileJobBenchmark;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code rtprofile bench}: the measurements of docs/benchmarks.md, reproducible. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {
            BenchSegmentsCommand.class,
            BenchIdentityCommand.class,
            BenchModelsCommand.class,
            BenchViewerCommand.class
        },
        description = {
            "Measures the profile job through an in-process Kafka, exactly-once: throughput beside"
                    + " a pass-through job with the same source and sink (alternating rounds, medians"
                    + " and their ratio), then end-to-end latency at a steady rate."
        })
public final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--events",
            defaultValue = "1000000",
            description = "Events (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--profiles",
            defaultValue = "100000",
            description = "Customers (default: ${DEFAULT-VALUE}).")
    int profiles;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Rounds of both jobs (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--warmup-rounds",
            defaultValue = "2",
            description = "Uncounted rounds of both jobs first (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--latency-rate",
            defaultValue = "5000",
            description = "Events/s during the latency run (default: ${DEFAULT-VALUE}).")
    double latencyRate;

    @Option(
            names = "--latency-duration",
            defaultValue = "30s",
            description = "Measured length of the latency run (default: ${DEFAULT-VALUE}).")
    String latencyDuration;

    @Override
    public Integer call() throws Exception {
        if (events < 1
                || profiles < 1
                || rounds < 1
                || warmupRounds < 0
                || parallelism < 1
                || latencyRate <= 0) {
            throw new RtProfileCli.UsageException("all counts and rates must be positive");
        }
        Duration duration;
        try {
            duration = GeneratorConfig.parseDuration(latencyDuration);
        } catch (IllegalArgumentException e) {
            throw new RtProfileCli.UsageException("--latency-duration: " + e.getMessage());
        }
        new ProfileJobBenchmark(
                        new ProfileJobBenchmark.Settings(
                                events,
                                profiles,
                                warmupRounds,
                                rounds,
                                parallelism,
                                latencyRate,
                                duration),
                        System.out)
                .run();
        return 0;
    }
}
