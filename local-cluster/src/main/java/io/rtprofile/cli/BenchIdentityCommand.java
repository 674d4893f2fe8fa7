package io.rtprofile.cli;

import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.local.bench.IdentityBenchmark;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code rtprofile bench identity}: the identity graph's cost, merges beside no merges. */
@Command(
        name = "identity",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the profile job through an in-process Kafka, exactly-once, from a savepoint"
                    + " holding every customer's email profile and device profiles: throughput"
                    + " with 10% of the events linking a device to its email (a merge each)"
                    + " beside the same events without links (alternating rounds, medians and"
                    + " their ratio), then merge latency at steady rates beside the latency of"
                    + " single-identity events."
        })
public final class BenchIdentityCommand implements Callable<Integer> {

    @Option(
            names = "--customers",
            defaultValue = "20000",
            description = "Customers (default: ${DEFAULT-VALUE}).")
    int customers;

    @Option(
            names = "--devices",
            defaultValue = "2",
            description =
                    "Anonymous devices per customer in the preload (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--events",
            defaultValue = "200000",
            description = "Measured events per round (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description = "Counted rounds of both inputs (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--warmup-rounds",
            defaultValue = "2",
            description = "Uncounted rounds of both inputs first (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--latency-rate",
            split = ",",
            defaultValue = "50%",
            description =
                    "Events/s of the latency runs, comma-separated, one run each; N% is that share"
                            + " of the measured median without links (default: ${DEFAULT-VALUE}).")
    List<String> latencyRates;

    @Option(
            names = "--latency-duration",
            defaultValue = "60s",
            description = "Measured length of the latency run (default: ${DEFAULT-VALUE}).")
    String latencyDuration;

    @Override
    public Integer call() throws Exception {
        if (customers < 1
                || devices < 1
                || events < 1
                || rounds < 1
                || warmupRounds < 0
                || parallelism < 1) {
            throw new RtProfileCli.UsageException("all counts and rates must be positive");
        }
        if (events / 10 > (long) customers * devices) {
            throw new RtProfileCli.UsageException(
                    "--events: 10% of them link a device not linked before, which needs at least"
                            + " events / 10 devices (--customers x --devices)");
        }
        List<IdentityBenchmark.Rate> rates = new ArrayList<>();
        for (String rate : latencyRates) {
            try {
                rates.add(IdentityBenchmark.Rate.parse(rate));
            } catch (IllegalArgumentException e) {
                throw new RtProfileCli.UsageException("--latency-rate: " + e.getMessage());
            }
        }
        Duration duration;
        try {
            duration = GeneratorConfig.parseDuration(latencyDuration);
        } catch (IllegalArgumentException e) {
            throw new RtProfileCli.UsageException("--latency-duration: " + e.getMessage());
        }
        new IdentityBenchmark(
                        new IdentityBenchmark.Settings(
                                customers,
                                devices,
                                events,
                                warmupRounds,
                                rounds,
                                parallelism,
                                rates,
                                duration),
                        System.out)
                .run();
        return 0;
    }
}
