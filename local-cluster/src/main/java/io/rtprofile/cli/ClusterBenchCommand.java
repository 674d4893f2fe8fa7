package io.rtprofile.cli;

import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.local.cluster.ClusterLibraries;
import io.rtprofile.local.cluster.LocalCluster;
import io.rtprofile.local.load.ClusterBenchmark;
import io.rtprofile.local.load.ClusterBenchmarkReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code rtprofile cluster bench}: the load benchmark of docs/benchmarks.md on the running local
 * cluster (capacity, sustained load at a share of it, overload and recovery).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "The profile job's load benchmark on the running local cluster, each phase a fresh job"
                    + " on topics of its own: capacity (a backlog drained as fast as the job can),"
                    + " a sustained load at --sustain-share of it with end-to-end latency and the"
                    + " cluster's cost per window, and an overload at --overload-share followed by"
                    + " --recover-share, which must lose nothing and catch up.",
            "Writes cluster-bench.md, sustained.csv/.svg and overload.csv/.svg to --out."
        })
final class ClusterBenchCommand extends ClusterCommand.ClusterAction {

    @Option(names = "--capacity-events", defaultValue = "300000", paramLabel = "N")
    long capacityEvents;

    @Option(
            names = "--max-rate",
            paramLabel = "EVENTS/S",
            description = "Skip the capacity phase and take this as the maximum.")
    Double maxRate;

    @Option(names = "--sustain", defaultValue = "10m", paramLabel = "D")
    String sustain;

    @Option(names = "--sustain-share", defaultValue = "0.8")
    double sustainShare;

    @Option(
            names = "--overload",
            defaultValue = "2m",
            paramLabel = "D",
            description = "0s skips the overload phase (default: ${DEFAULT-VALUE}).")
    String overload;

    @Option(names = "--overload-share", defaultValue = "1.5")
    double overloadShare;

    @Option(names = "--recover", defaultValue = "3m", paramLabel = "D")
    String recover;

    @Option(names = "--recover-share", defaultValue = "0.5")
    double recoverShare;

    @Option(names = "--profiles", defaultValue = "100000")
    int profiles;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(
            names = "--segments",
            paramLabel = "PATH",
            description = "Segment definitions the job evaluates (default: examples/segments).")
    Path segments;

    @Option(
            names = "--models",
            paramLabel = "PATH",
            description = "Model definitions the job learns (default: examples/models).")
    Path models;

    @Option(names = "--no-definitions", description = "Profiles only: no segments and no models.")
    boolean noDefinitions;

    @Option(names = "--jar", paramLabel = "F")
    Path jar;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where the report goes (default: HOME/bench).")
    Path out;

    @Override
    int run(LocalCluster cluster, PrintWriter printer) {
        Map<String, String> jobSettings = new LinkedHashMap<>();
        if (!noDefinitions) {
            definitions(jobSettings, RtProfileOptions.SEGMENTS_PATH.key(), segments, "segments");
            definitions(jobSettings, RtProfileOptions.MODELS_PATH.key(), models, "models");
        }
        ClusterBenchmark.Settings settings;
        Duration overloadFor;
        try {
            overloadFor = GeneratorConfig.parseDuration(overload);
            settings =
                    new ClusterBenchmark.Settings(
                            capacityEvents,
                            GeneratorConfig.parseDuration(sustain),
                            sustainShare,
                            overloadFor,
                            overloadShare,
                            GeneratorConfig.parseDuration(recover),
                            recoverShare,
                            profiles,
                            seed,
                            Duration.ofSeconds(10),
                            Duration.ofSeconds(60),
                            jobSettings);
        } catch (IllegalArgumentException e) {
            throw new RtProfileCli.UsageException(e.getMessage());
        }
        cluster.rest().overview();
        Path dir = out != null ? out : cluster.home().root().resolve("bench");
        ClusterBenchmark bench =
                new ClusterBenchmark(
                        cluster,
                        jar != null ? jar : ClusterLibraries.buildJobJar(),
                        settings,
                        dir,
                        line -> {
                            printer.println(line);
                            printer.flush();
                        });
        String report =
                onTheCluster(
                        "the benchmark",
                        () -> {
                            ClusterBenchmark.Capacity capacity =
                                    maxRate != null
                                            ? new ClusterBenchmark.Capacity(0, maxRate, 0)
                                            : bench.capacity();
                            ClusterBenchmark.Sustained sustained =
                                    settings.sustain().isZero()
                                            ? null
                                            : bench.sustained(capacity.eventsPerSecond());
                            ClusterBenchmark.Overload overloaded =
                                    overloadFor.isZero()
                                            ? null
                                            : bench.overload(capacity.eventsPerSecond());
                            return ClusterBenchmarkReport.write(
                                    dir, capacity, sustained, overloaded);
                        });
        printer.println();
        printer.print(report);
        printer.println("report in " + dir);
        printer.flush();
        return 0;
    }

    /** {@code path}, or the repository's example, as an absolute path the cluster can read. */
    private static void definitions(
            Map<String, String> settings, String key, Path path, String example) {
        Path chosen = path != null ? path : Path.of("examples", example);
        if (!Files.exists(chosen)) {
            if (path != null) {
                throw new RtProfileCli.UsageException("no " + example + " definitions at " + path);
            }
            return;
        }
        settings.put(key, chosen.toAbsolutePath().normalize().toString());
    }
}
