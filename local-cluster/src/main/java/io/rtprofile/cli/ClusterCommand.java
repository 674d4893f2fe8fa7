package io.rtprofile.cli;

import io.rtprofile.local.cluster.ClusterException;
import io.rtprofile.local.cluster.ClusterHome;
import io.rtprofile.local.cluster.ClusterLibraries;
import io.rtprofile.local.cluster.ClusterSettings;
import io.rtprofile.local.cluster.FlinkRestClient;
import io.rtprofile.local.cluster.LocalCluster;
import io.rtprofile.local.demo.Demo;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rtprofile cluster}: a standalone Flink session cluster (a JobManager and TaskManagers) and
 * a KRaft Kafka broker as separate processes on this machine, and the job submitted to it through
 * Flink's REST API, as on any deployed cluster.
 *
 * <p>Exit codes: 0 done; 1 the cluster refused or failed (its message says why); 2 unusable
 * arguments.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = {
            "A local deployed-style cluster: Flink JobManager, TaskManagers and a Kafka broker as"
                    + " their own processes, from the jars the build resolved."
        },
        subcommands = {
            ClusterCommand.Start.class,
            ClusterCommand.Status.class,
            ClusterCommand.Submit.class,
            ClusterCommand.Savepoint.class,
            ClusterCommand.Cancel.class,
            ClusterCommand.Stop.class,
            ClusterFaultsCommand.class,
            ClusterBenchCommand.class
        })
public final class ClusterCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code --home}, shared by every subcommand. */
    static class HomeOption {
        @Option(
                names = "--home",
                paramLabel = "DIR",
                description =
                        "The cluster's directory: configuration, logs, pid files, checkpoints,"
                                + " savepoints, the broker's data (default: ~/.rtprofile/cluster).")
        Path home;

        LocalCluster cluster() {
            return new LocalCluster(
                    home == null ? ClusterHome.defaultHome() : new ClusterHome(home),
                    ClusterLibraries.ofBuild());
        }
    }

    /** Runs {@code action}; a {@link ClusterException} is one line on stderr and exit code 1. */
    abstract static class ClusterAction implements Callable<Integer> {
        @Spec CommandSpec spec;

        @picocli.CommandLine.Mixin HomeOption homeOption = new HomeOption();

        @Override
        public final Integer call() {
            try {
                return run(homeOption.cluster(), spec.commandLine().getOut());
            } catch (ClusterException e) {
                spec.commandLine().getErr().println("rtprofile cluster: " + e.getMessage());
                return 1;
            }
        }

        abstract int run(LocalCluster cluster, PrintWriter out);

        /**
         * Runs a long operation on the cluster (the fault suite, the benchmark): whatever it throws
         * becomes a {@link ClusterException}, one line on stderr.
         */
        static <T> T onTheCluster(String what, java.util.concurrent.Callable<T> operation) {
            try {
                return operation.call();
            } catch (ClusterException | RtProfileCli.UsageException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException("interrupted", e);
            } catch (Exception e) {
                throw new ClusterException(what + " failed: " + e, e);
            }
        }
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = {
                "Starts the Kafka broker, the JobManager (REST API and Web UI) and the"
                        + " TaskManagers, creates the job's topics if absent, and returns once"
                        + " every TaskManager has registered."
            })
    static final class Start extends ClusterAction {
        @Option(
                names = "--web-port",
                paramLabel = "P",
                defaultValue = "8081",
                description = "REST API and Web UI (default: ${DEFAULT-VALUE}).")
        int webPort;

        @Option(
                names = "--kafka-port",
                paramLabel = "P",
                defaultValue = "9092",
                description = "The broker's client listener (default: ${DEFAULT-VALUE}).")
        int kafkaPort;

        @Option(
                names = "--controller-port",
                paramLabel = "P",
                defaultValue = "9093",
                description = "The broker's KRaft controller listener (default: ${DEFAULT-VALUE}).")
        int controllerPort;

        @Option(
                names = "--rpc-port",
                paramLabel = "P",
                defaultValue = "6123",
                description = "The JobManager's RPC port (default: ${DEFAULT-VALUE}).")
        int rpcPort;

        @Option(
                names = "--task-managers",
                paramLabel = "N",
                defaultValue = "2",
                description = "TaskManager processes (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(
                names = "--slots",
                paramLabel = "N",
                defaultValue = "2",
                description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
        int slots;

        @Override
        int run(LocalCluster cluster, PrintWriter out) {
            ClusterSettings settings =
                    ClusterSettings.defaults()
                            .withPorts(webPort, rpcPort, kafkaPort, controllerPort)
                            .withTaskManagers(taskManagers, slots);
            long began = System.nanoTime();
            cluster.start(
                    settings,
                    line -> {
                        out.println(line);
                        out.flush();
                    });
            JsonNode overview = cluster.rest().overview();
            out.printf(
                    "rtprofile cluster: up in %.1f s: %d TaskManagers, %d slots%n",
                    (System.nanoTime() - began) / 1e9,
                    overview.path("taskmanagers").asInt(),
                    overview.path("slots-total").asInt());
            out.println("  Web UI:            " + settings.webUrl());
            out.println("  bootstrap servers: " + settings.bootstrapServers());
            out.println("  topics:            " + String.join(", ", Demo.TOPICS.keySet()));
            out.println("  logs:              " + cluster.home().logs());
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Each process (pid, alive), and TaskManagers, slots and jobs from the REST API."
                        + " Exit code 0 when every process is alive, 1 otherwise."
            })
    static final class Status extends ClusterAction {
        @Override
        int run(LocalCluster cluster, PrintWriter out) {
            ClusterSettings settings = cluster.settings();
            boolean allAlive = true;
            out.println("rtprofile cluster in " + cluster.home());
            for (LocalCluster.ProcessState p : cluster.processes()) {
                allAlive &= p.alive();
                out.printf(
                        "  %-14s %s%n",
                        p.name(),
                        p.alive()
                                ? "pid " + p.pid() + " alive"
                                : p.pid() < 0 ? "not running" : "pid " + p.pid() + " dead");
            }
            FlinkRestClient rest = new FlinkRestClient(settings.webUrl());
            if (rest.reachable()) {
                JsonNode o = rest.overview();
                out.printf(
                        "  Web UI %s: %d TaskManagers, %d/%d slots free, %d jobs running%n",
                        settings.webUrl(),
                        o.path("taskmanagers").asInt(),
                        o.path("slots-available").asInt(),
                        o.path("slots-total").asInt(),
                        o.path("jobs-running").asInt());
                for (JsonNode job : rest.jobs()) {
                    out.printf(
                            "  job %s %-9s %s%n",
                            job.path("jid").asText(),
                            job.path("state").asText(),
                            job.path("name").asText());
                }
            } else {
                out.println("  Web UI " + settings.webUrl() + ": not answering");
            }
            out.println("  bootstrap servers: " + settings.bootstrapServers());
            return allAlive ? 0 : 1;
        }
    }

    @Command(
            name = "submit",
            mixinStandardHelpOptions = true,
            description = {
                "Uploads the shaded job jar through Flink's REST API and runs the profile job on"
                        + " the cluster, with the cluster's broker and checkpoint directory unless"
                        + " --config sets them. Prints the job id once the job runs."
            })
    static final class Submit extends ClusterAction {
        @Option(
                names = "--config",
                paramLabel = "F",
                description = "The job's configuration file (docs/configuration.md).")
        Path config;

        @Option(
                names = "--from-savepoint",
                paramLabel = "PATH",
                description =
                        "Restore from this savepoint or retained checkpoint; a job's checkpoint"
                                + " directory (HOME/checkpoints/JOB) means its latest complete"
                                + " checkpoint.")
        String fromSavepoint;

        @Option(
                names = "--parallelism",
                paramLabel = "N",
                defaultValue = "2",
                description =
                        "Parallelism of the job's keyed operators (default: ${DEFAULT-VALUE}).")
        int parallelism;

        @Option(
                names = "--jar",
                paramLabel = "F",
                description = "The job jar (default: jobs/target/rtprofile-jobs-*-job.jar).")
        Path jar;

        @Override
        int run(LocalCluster cluster, PrintWriter out) {
            Path jobJar = jar != null ? jar : ClusterLibraries.buildJobJar();
            String jobId = cluster.submit(jobJar, config, fromSavepoint, parallelism);
            out.println(jobId);
            return 0;
        }
    }

    @Command(
            name = "savepoint",
            mixinStandardHelpOptions = true,
            description = {
                "Takes a savepoint of a job in canonical format and prints its path; with --stop,"
                        + " stops the job with it (stop-with-savepoint)."
            })
    static final class Savepoint extends ClusterAction {
        @Parameters(paramLabel = "JOB", description = "The job id.")
        String jobId;

        @Option(names = "--stop", description = "Stop the job once the savepoint is taken.")
        boolean stop;

        @Option(
                names = "--target",
                paramLabel = "DIR",
                description = "Where to write it (default: HOME/savepoints).")
        String target;

        @Override
        int run(LocalCluster cluster, PrintWriter out) {
            out.println(cluster.savepoint(jobId, target, stop));
            return 0;
        }
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = {
                "Cancels a job without a savepoint; its retained checkpoints stay in"
                        + " HOME/checkpoints."
            })
    static final class Cancel extends ClusterAction {
        @Parameters(paramLabel = "JOB", description = "The job id.")
        String jobId;

        @Override
        int run(LocalCluster cluster, PrintWriter out) {
            cluster.cancel(jobId);
            out.println(
                    "job "
                            + jobId
                            + " cancelled; its retained checkpoints: "
                            + cluster.home().checkpoints().resolve(jobId));
            return 0;
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = {
                "Stops the TaskManagers, the JobManager and the broker (SIGTERM, then SIGKILL"
                        + " after --timeout). Running jobs end with the cluster; take a savepoint"
                        + " first to resume them, or resume from a retained checkpoint."
            })
    static final class Stop extends ClusterAction {
        @Option(
                names = "--timeout",
                paramLabel = "SECONDS",
                defaultValue = "30",
                description = "Grace period of each process (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        @Override
        int run(LocalCluster cluster, PrintWriter out) {
            List<String> runningJobs = List.of();
            try {
                if (cluster.running()) {
                    runningJobs =
                            cluster.rest().jobs().stream()
                                    .filter(j -> j.path("state").asText().equals("RUNNING"))
                                    .map(j -> j.path("jid").asText())
                                    .toList();
                }
            } catch (ClusterException e) {
                // The REST API is down already: stop the processes all the same.
            }
            for (String job : runningJobs) {
                out.println(
                        "job "
                                + job
                                + " ends with the cluster; resume it from its latest retained"
                                + " checkpoint: rtprofile cluster submit --from-savepoint "
                                + cluster.home().checkpoints().resolve(job));
            }
            List<String> stopped = cluster.stop(Duration.ofSeconds(timeoutSeconds));
            out.println(
                    stopped.isEmpty()
                            ? "rtprofile cluster: nothing was running in " + cluster.home()
                            : "rtprofile cluster: stopped " + String.join(", ", stopped));
            return 0;
        }
    }
}
