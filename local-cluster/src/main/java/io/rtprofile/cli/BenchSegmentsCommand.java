package io.rtprofile.cli;

import io.rtprofile.local.bench.SegmentBenchmark;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code rtprofile bench segments}: the segment engine beside Flink SQL and CEP. */
@Command(
        name = "segments",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the segment engine (a file run with N synthetic segments) beside the same"
                    + " segments in Flink SQL OVER windows and Flink CEP: throughput in alternating"
                    + " rounds (medians and their ratio), then keyed state bytes per profile from a"
                    + " canonical savepoint of each."
        })
public final class BenchSegmentsCommand implements Callable<Integer> {

    @Option(
            names = "--profiles",
            split = ",",
            defaultValue = "100000",
            description = "Customers, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> profiles;

    @Option(
            names = "--segments",
            split = ",",
            defaultValue = "10,100,1000",
            description = "Numbers of segments, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> segments;

    @Option(
            names = "--events-per-profile",
            defaultValue = "5",
            description = "Generated events per customer (default: ${DEFAULT-VALUE}).")
    int eventsPerProfile;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Counted rounds of both sides (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--warmup-rounds",
            defaultValue = "1",
            description = "Uncounted rounds of both sides first (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--no-memory",
            description =
                    "Skip measuring state per profile (a savepoint of each side after the file).")
    boolean noMemory;

    @Override
    public Integer call() throws Exception {
        if (profiles.stream().anyMatch(p -> p < 1)
                || segments.stream().anyMatch(s -> s < 1)
                || eventsPerProfile < 1
                || rounds < 1
                || warmupRounds < 0
                || parallelism < 1) {
            throw new RtProfileCli.UsageException("all counts must be positive");
        }
        new SegmentBenchmark(
                        new SegmentBenchmark.Settings(
                                profiles,
                                segments,
                                eventsPerProfile,
                                warmupRounds,
                                rounds,
                                parallelism,
                                !noMemory),
                        System.out)
                .run();
        return 0;
    }
}
