package io.rtprofile.cli;

import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.local.cluster.ClusterLibraries;
import io.rtprofile.local.cluster.LocalCluster;
import io.rtprofile.local.faults.Fault;
import io.rtprofile.local.faults.FaultReport;
import io.rtprofile.local.faults.FaultSuite;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code rtprofile cluster faults}: the fault suite on the running local cluster (docs/
 * reliability.md). It kills and restarts the cluster's own processes, so it runs only against a
 * cluster of {@code rtprofile cluster start}.
 */
@Command(
        name = "faults",
        mixinStandardHelpOptions = true,
        description = {
            "Breaks the running local cluster on purpose, one fault at a time, each on its own"
                    + " topics and job under a steady load: kill -9 of a TaskManager, a broker"
                    + " restart, cancel and resume from the retained checkpoint, stop-with-savepoint"
                    + " and restore, a burst of malformed and oversized records.",
            "After each, once the job has caught up, the checks of `rtprofile verify` run"
                    + " against the fault-free run over the same events: every profile's versions"
                    + " contiguous with no repeat, every bad record rejected once, the final"
                    + " profiles equal. Prints a Markdown table; exit 0 when every scenario passed,"
                    + " 1 otherwise."
        })
final class ClusterFaultsCommand extends ClusterCommand.ClusterAction {

    @Option(
            names = "--fault",
            paramLabel = "NAME",
            split = ",",
            description =
                    "Faults to inject, in order (default: all): taskmanager-kill, broker-restart,"
                            + " cancel-resume, savepoint-restore, bad-records.")
    List<String> faults;

    @Option(
            names = "--times",
            defaultValue = "2",
            paramLabel = "N",
            description = "Injections per fault (default: ${DEFAULT-VALUE}).")
    int times;

    @Option(
            names = "--rate",
            defaultValue = "200",
            paramLabel = "EVENTS/S",
            description = "The steady load (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--duration",
            defaultValue = "2m",
            paramLabel = "D",
            description =
                    "How long each scenario's load runs; injections fall at even intervals in it,"
                            + " each once the job has output again after the one before"
                            + " (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(
            names = "--profiles",
            defaultValue = "2000",
            description = "Customers (default: ${DEFAULT-VALUE}).")
    int profiles;

    @Option(names = "--seed", defaultValue = "7")
    long seed;

    @Option(
            names = "--bad-records",
            defaultValue = "70",
            paramLabel = "N",
            description = "Records per burst of bad-records (default: ${DEFAULT-VALUE}).")
    int badRecords;

    @Option(
            names = "--jar",
            paramLabel = "F",
            description = "The job jar (default: jobs/target/rtprofile-jobs-*-job.jar).")
    Path jar;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Also write the table (and any failure) to FILE as Markdown.")
    Path report;

    @Override
    int run(LocalCluster cluster, PrintWriter out) {
        FaultSuite.Settings settings;
        List<Fault> chosen = new ArrayList<>();
        try {
            for (String name : faults == null ? List.<String>of() : faults) {
                chosen.add(Fault.parse(name.trim()));
            }
            if (chosen.isEmpty()) {
                chosen.addAll(Arrays.asList(Fault.values()));
            }
            settings =
                    new FaultSuite.Settings(
                            rate,
                            GeneratorConfig.parseDuration(duration),
                            times,
                            profiles,
                            seed,
                            badRecords,
                            2);
        } catch (IllegalArgumentException e) {
            throw new RtProfileCli.UsageException(e.getMessage());
        }
        // The cluster must run: the suite kills and restarts its processes.
        cluster.rest().overview();
        Path jobJar = jar != null ? jar : ClusterLibraries.buildJobJar();
        FaultReport result =
                onTheCluster(
                        "the fault suite",
                        () ->
                                FaultSuite.run(
                                        cluster,
                                        jobJar,
                                        chosen,
                                        settings,
                                        cluster.home().root().resolve("faults"),
                                        line -> {
                                            out.println(line);
                                            out.flush();
                                        }));
        String text = result.markdown() + (result.passed() ? "" : "\n" + result.failures());
        out.println();
        out.print(text);
        out.flush();
        if (report != null) {
            try {
                Files.writeString(report, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return result.passed() ? 0 : 1;
    }
}
