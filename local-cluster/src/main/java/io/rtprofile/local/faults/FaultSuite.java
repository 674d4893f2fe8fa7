package io.rtprofile.local.faults;

import io.rtprofile.local.cluster.LocalCluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The fault suite (issue 7): each fault, one after the other, on a running local cluster whose
 * processes it kills and restarts ({@code rtprofile cluster start}). Each scenario has its own
 * topics and job ({@link FaultScenario}); the report is a table of what each showed.
 */
public final class FaultSuite {

    /**
     * How each scenario runs.
     *
     * @param eventsPerSecond the steady load of live events
     * @param duration how long the load runs; the faults fall at even intervals within it
     * @param times injections per scenario
     * @param profiles customers the generator draws from
     * @param seed the generator's seed
     * @param badRecordsPerBurst records per injection of {@link Fault#BAD_RECORDS}
     * @param parallelism of the job
     */
    public record Settings(
            double eventsPerSecond,
            Duration duration,
            int times,
            int profiles,
            long seed,
            int badRecordsPerBurst,
            int parallelism) {

        public Settings {
            if (eventsPerSecond <= 0) {
                throw new IllegalArgumentException("the rate must be positive");
            }
            if (times < 1) {
                throw new IllegalArgumentException("a fault must be injected at least once");
            }
            if (duration.toMillis() / (times + 1) < 5_000) {
                throw new IllegalArgumentException(
                        "injections would be less than 5 s apart: a longer duration or fewer times");
            }
            if (badRecordsPerBurst < 1) {
                throw new IllegalArgumentException("a burst has at least one record");
            }
        }
    }

    private FaultSuite() {}

    /**
     * Runs {@code faults} in order on {@code cluster}; each scenario keeps its files under {@code
     * workDir/<fault>}.
     */
    public static FaultReport run(
            LocalCluster cluster,
            Path jobJar,
            List<Fault> faults,
            Settings settings,
            Path workDir,
            Consumer<String> progress)
            throws Exception {
        List<FaultOutcome> outcomes = new ArrayList<>();
        for (Fault fault : faults) {
            FaultOutcome outcome =
                    new FaultScenario(
                                    cluster,
                                    jobJar,
                                    settings,
                                    fault,
                                    workDir.resolve(fault.label()),
                                    progress)
                            .run();
            progress.accept(
                    String.format(
                            "  %s in %d s (output over time: %s)",
                            outcome.passed() ? "passed" : "FAILED",
                            outcome.elapsedMillis() / 1000,
                            workDir.resolve(fault.label()).resolve("timeline.txt")));
            outcomes.add(outcome);
        }
        return new FaultReport(outcomes);
    }
}
