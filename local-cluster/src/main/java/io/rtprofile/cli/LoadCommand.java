package io.rtprofile.cli;

import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.local.load.LatencyWindows.Window;
import io.rtprofile.local.load.SteadyLoad;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rtprofile load}: a steady load on a running job, with its end-to-end latency. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = {
            "Produces generated live events (event time = wall clock) at a steady rate into a"
                    + " running job's events topic and reads its profile updates read_committed:"
                    + " throughput, and end-to-end latency (update readable minus the event time"
                    + " it shows) p50 / p99 / p99.9 per window and over the run after the warm-up.",
            "The producer never slows for the job: latency that keeps growing means the job"
                    + " does not keep up; the producer's own lag is printed too."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:measured", "2:unusable arguments or broker"})
final class LoadCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "B")
    String bootstrapServers;

    @Option(
            names = "--rate",
            required = true,
            paramLabel = "EVENTS/S",
            description = "Events per second.")
    double rate;

    @Option(
            names = "--duration",
            defaultValue = "10m",
            paramLabel = "D",
            description = "How long to produce: 90s, 10m, 1h (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(
            names = "--warmup",
            defaultValue = "60s",
            paramLabel = "D",
            description = "Left out of the overall percentiles (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(
            names = "--window",
            defaultValue = "10s",
            paramLabel = "D",
            description = "Reporting window (default: ${DEFAULT-VALUE}).")
    String window;

    @Option(
            names = "--drain",
            defaultValue = "2m",
            paramLabel = "D",
            description =
                    "After the last event, how long to wait at most for the job to catch up"
                            + " (default: ${DEFAULT-VALUE}).")
    String drain;

    @Option(
            names = "--quiet",
            defaultValue = "30s",
            paramLabel = "D",
            description =
                    "After the last event, the run ends once no update has come for this long:"
                            + " longer than the job's slowest checkpoint, since updates are"
                            + " committed at checkpoints (default: ${DEFAULT-VALUE}).")
    String quiet;

    @Option(
            names = "--profiles",
            defaultValue = "100000",
            description = "Customers (default: ${DEFAULT-VALUE}).")
    int profiles;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--events-topic", defaultValue = "events")
    String eventsTopic;

    @Option(names = "--updates-topic", defaultValue = "profile-updates")
    String updatesTopic;

    @Option(names = "--csv", paramLabel = "FILE", description = "Every window as a CSV line.")
    Path csv;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SteadyLoad.Settings settings;
        try {
            if (!(rate > 0)) {
                throw new IllegalArgumentException("--rate must be positive");
            }
            settings =
                    new SteadyLoad.Settings(
                            bootstrapServers,
                            eventsTopic,
                            updatesTopic,
                            rate,
                            parse("--duration", duration),
                            profiles,
                            seed,
                            parse("--window", window),
                            parse("--warmup", warmup),
                            parse("--drain", drain),
                            parse("--quiet", quiet));
        } catch (IllegalArgumentException e) {
            err.println("rtprofile: " + e.getMessage());
            return 2;
        }
        out.printf(
                "%8s %10s %10s %10s %10s %10s %10s%n",
                "second", "produced", "updates", "p50 ms", "p99 ms", "p99.9 ms", "max ms");
        out.flush();
        SteadyLoad.Report report =
                SteadyLoad.run(
                        settings,
                        w -> {
                            out.println(row(w));
                            out.flush();
                        });
        if (csv != null) {
            writeCsv(report);
        }
        double[] overall = report.overallMillis();
        out.printf(
                Locale.ROOT,
                "%nproduced %,d events in %.0f s (%.0f/s; after the warm-up the producer was at most %d ms"
                        + " behind schedule); %,d updates read%n"
                        + "latency after the %s warm-up, over %,d updates: p50 %.0f ms, p99 %.0f ms,"
                        + " p99.9 %.0f ms, max %.0f ms%n",
                report.produced(),
                report.measuredSeconds(),
                report.producedPerSecond(),
                report.maxProducerLagMillis(),
                report.updates(),
                warmup,
                report.updatesAfterWarmup(),
                overall[0],
                overall[1],
                overall[2],
                overall[3]);
        if (report.sendFailures() > 0) {
            out.printf(
                    "%,d events could not be delivered to the broker (not in the topic)%n",
                    report.sendFailures());
        }
        out.flush();
        return 0;
    }

    private static String row(Window w) {
        return String.format(
                Locale.ROOT,
                "%8d %10d %10d %10.0f %10.0f %10.0f %10d",
                w.startSecond(),
                w.produced(),
                w.updates(),
                w.p50Millis(),
                w.p99Millis(),
                w.p999Millis(),
                w.maxMillis());
    }

    private void writeCsv(SteadyLoad.Report report) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("second,produced,updates,p50_ms,p99_ms,p999_ms,max_ms\n");
            for (Window window : report.windows()) {
                w.write(
                        String.format(
                                Locale.ROOT,
                                "%d,%d,%d,%.0f,%.0f,%.0f,%d%n",
                                window.startSecond(),
                                window.produced(),
                                window.updates(),
                                window.p50Millis(),
                                window.p99Millis(),
                                window.p999Millis(),
                                window.maxMillis()));
            }
        }
    }

    private static Duration parse(String option, String text) {
        try {
            return GeneratorConfig.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }
}
