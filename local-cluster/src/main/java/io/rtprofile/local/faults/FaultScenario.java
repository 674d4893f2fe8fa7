package io.rtprofile.local.faults;

import io.rtprofile.local.cluster.ClusterJob;
import io.rtprofile.local.cluster.JobTopics;
import io.rtprofile.local.cluster.LocalCluster;
import io.rtprofile.local.load.OutputLog;
import io.rtprofile.local.load.OutputMonitor;
import io.rtprofile.local.load.SteadyLoad;
import io.rtprofile.local.verify.VerifyReport;
import io.rtprofile.schema.ProfileUpdate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One fault, on its own topics and its own job: a steady load of live events (the {@code load}
 * generator), the fault injected {@code times} times at even intervals while it runs, then, once
 * the job has caught up with its input, the checks of {@code rtprofile verify} against the
 * fault-free run over exactly the events that reached the topic.
 */
final class FaultScenario {

    /** How long a job may take to catch up after the load ends (a restart may be under way). */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);

    /** How long a new job may take to produce its first output. */
    private static final Duration FIRST_OUTPUT_TIMEOUT = Duration.ofMinutes(3);

    private static final Duration BROKER_DOWN = Duration.ofSeconds(5);

    /** The resolution of {@code timeline.txt}: updates read and their latency over time. */
    private static final long TIMELINE_WINDOW = 2_000;

    private final LocalCluster cluster;
    private final Path jobJar;
    private final FaultSuite.Settings settings;
    private final Fault fault;
    private final Path workDir;
    private final Consumer<String> progress;
    private ClusterJob job;
    private int badRecordsSent;

    FaultScenario(
            LocalCluster cluster,
            Path jobJar,
            FaultSuite.Settings settings,
            Fault fault,
            Path workDir,
            Consumer<String> progress) {
        this.cluster = cluster;
        this.jobJar = jobJar;
        this.settings = settings;
        this.fault = fault;
        this.workDir = workDir;
        this.progress = progress;
    }

    FaultOutcome run() throws Exception {
        long began = System.currentTimeMillis();
        job =
                ClusterJob.submit(
                        cluster, jobJar, fault.label(), Map.of(), workDir, settings.parallelism());
        JobTopics topics = job.topics();
        progress.accept(
                String.format(
                        "%s: job %s on %s; %.0f events/s for %d s, the fault %d time(s)",
                        fault.label(),
                        job.id(),
                        topics.events(),
                        settings.eventsPerSecond(),
                        settings.duration().toSeconds(),
                        settings.times()));

        OutputLog output = new OutputLog();
        List<Long> injections = new ArrayList<>();
        long interval = settings.duration().toMillis() / (settings.times() + 1);
        long start;
        SteadyLoad.Report load;
        try (OutputMonitor monitor =
                new OutputMonitor(job.bootstrapServers(), topics.updates(), output)) {
            job.awaitFirstOutput(() -> output.size() > 0, FIRST_OUTPUT_TIMEOUT);
            AtomicReference<SteadyLoad.Report> loadReport = new AtomicReference<>();
            AtomicReference<Throwable> loadFailure = new AtomicReference<>();
            start = System.currentTimeMillis();
            Thread loadThread =
                    new Thread(
                            () -> {
                                try {
                                    loadReport.set(SteadyLoad.run(loadSettings(), w -> {}));
                                } catch (Throwable t) {
                                    loadFailure.set(t);
                                }
                            },
                            "fault-load");
            loadThread.start();
            for (int k = 1; k <= settings.times(); k++) {
                if (k > 1) {
                    // Each fault hits a job that has recovered from the one before: a TaskManager
                    // killed while the job still restarts from the last kill says nothing new.
                    awaitFreshOutput(output, injections.get(k - 2));
                }
                sleepUntil(start + k * interval);
                long injectedAt = System.currentTimeMillis();
                injections.add(injectedAt);
                progress.accept(
                        String.format("  %5.1f s: %s", (injectedAt - start) / 1000.0, inject(k)));
            }
            loadThread.join();
            if (loadFailure.get() != null) {
                throw new IllegalStateException("the load failed", loadFailure.get());
            }
            load = loadReport.get();
            job.awaitCaughtUp(CATCH_UP_TIMEOUT);
        }
        Files.write(workDir.resolve("timeline.txt"), output.timeline(start, TIMELINE_WINDOW));
        // Latency before the fault, once the job has settled: the second half of the interval.
        long[] before = output.latencies(start + interval / 2, injections.get(0));
        long normal = before.length == 0 ? 0 : before[before.length - 1];
        List<FaultOutcome.Injection> outcomes = new ArrayList<>();
        for (int i = 0; i < injections.size(); i++) {
            long at = injections.get(i);
            long until = i + 1 < injections.size() ? injections.get(i + 1) : Long.MAX_VALUE;
            outcomes.add(
                    new FaultOutcome.Injection(
                            at - start,
                            output.freshOutputAfter(at),
                            output.backToNormal(at, until, normal),
                            output.worstLatency(at, until)));
        }
        long failovers = job.failovers();

        progress.accept("  caught up; the fault-free run over the same events, then verify");
        List<ProfileUpdate> expected =
                ReferenceRun.snapshot(
                        job.bootstrapServers(),
                        topics.events(),
                        job.configuration(),
                        job.settings(),
                        workDir);
        VerifyReport report = job.verify(expected, badRecordsSent);
        job.cancel();
        return new FaultOutcome(
                fault,
                outcomes,
                before,
                failovers,
                load.sendFailures(),
                report,
                System.currentTimeMillis() - began);
    }

    /** Breaks what the scenario is about, once; returns what it did. */
    private String inject(int k) throws Exception {
        switch (fault) {
            case TASKMANAGER_KILL -> {
                int index = (k - 1) % cluster.settings().taskManagers() + 1;
                long killed = cluster.kill("taskmanager-" + index);
                long started = cluster.restartTaskManager(index);
                return "kill -9 taskmanager-"
                        + index
                        + " (pid "
                        + killed
                        + "); started again (pid "
                        + started
                        + ")";
            }
            case BROKER_RESTART -> {
                long pid = cluster.restartBroker(BROKER_DOWN);
                return "broker stopped, "
                        + BROKER_DOWN.toSeconds()
                        + " s down, serving again (pid "
                        + pid
                        + ")";
            }
            case CANCEL_RESUME -> {
                String cancelled = job.id();
                Path checkpoints = job.cancelAndResume();
                return "cancelled "
                        + cancelled
                        + "; resumed as "
                        + job.id()
                        + " from "
                        + checkpoints;
            }
            case SAVEPOINT_RESTORE -> {
                String stopped = job.id();
                String savepoint = job.stopWithSavepointAndRestore();
                return "stopped "
                        + stopped
                        + " with savepoint "
                        + savepoint
                        + "; restored as "
                        + job.id();
            }
            case BAD_RECORDS -> {
                int count = settings.badRecordsPerBurst();
                long maxBytes = job.settings().maxEventBytes();
                job.send(
                        BadRecords.burst(
                                badRecordsSent, count, maxBytes, System.currentTimeMillis()));
                badRecordsSent += count;
                return count + " malformed and oversized records sent";
            }
            default -> throw new IllegalStateException("no injection for " + fault);
        }
    }

    private SteadyLoad.Settings loadSettings() {
        return new SteadyLoad.Settings(
                job.bootstrapServers(),
                job.topics().events(),
                job.topics().updates(),
                settings.eventsPerSecond(),
                settings.duration(),
                settings.profiles(),
                settings.seed(),
                Duration.ofSeconds(5),
                Duration.ZERO,
                // The scenario waits for the job to catch up itself (committed offsets).
                Duration.ofSeconds(1),
                Duration.ofSeconds(1));
    }

    private static void awaitFreshOutput(OutputLog output, long since) throws InterruptedException {
        long deadline = System.nanoTime() + FIRST_OUTPUT_TIMEOUT.toNanos();
        while (output.freshOutputAfter(since).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private static void sleepUntil(long wallClockMillis) throws InterruptedException {
        long wait = wallClockMillis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }
}
