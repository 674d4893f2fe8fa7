package io.rtprofile.local.faults;

import io.rtprofile.local.verify.VerifyReport;

import java.util.List;
import java.util.OptionalLong;

/**
 * What one scenario showed.
 *
 * @param fault what was broken
 * @param injections each injection and how the output looked after it ({@link Recovery})
 * @param latencyBefore sorted latencies of the updates read in the steady part before the first
 *     injection (after the first half of the interval: the job's warm-up is left out)
 * @param failovers failures Flink recovered the job from by restarting tasks (a resubmission is not
 *     one)
 * @param sendFailures events the load producer could not deliver (not in the topic, so not lost by
 *     the job)
 * @param verification the checks of {@code rtprofile verify} against the fault-free run
 * @param elapsedMillis the whole scenario, from submission to verified
 */
public record FaultOutcome(
        Fault fault,
        List<Injection> injections,
        long[] latencyBefore,
        long failovers,
        long sendFailures,
        VerifyReport verification,
        long elapsedMillis) {

    /**
     * One injection.
     *
     * @param atMillis when, from the start of the load
     * @param freshOutputMillis until the first update of an event sent after it; empty if never
     * @param backToNormalMillis until latency was back within the worst before the first fault
     * @param worstLatencyMillis the worst latency read after it (until the next one)
     */
    public record Injection(
            long atMillis,
            OptionalLong freshOutputMillis,
            long backToNormalMillis,
            OptionalLong worstLatencyMillis) {}

    public int injected() {
        return injections.size();
    }

    /** Verified, and output was fresh again after every injection. */
    public boolean passed() {
        return verification.passed()
                && injections.stream().allMatch(i -> i.freshOutputMillis().isPresent());
    }

    /** The median latency before the first injection; empty if nothing was read then. */
    public OptionalLong latencyBeforeMedian() {
        return latencyBefore.length == 0
                ? OptionalLong.empty()
                : OptionalLong.of(latencyBefore[(latencyBefore.length - 1) / 2]);
    }

    /** The worst latency before the first injection: what "back to normal" means. */
    public OptionalLong latencyBeforeMax() {
        return latencyBefore.length == 0
                ? OptionalLong.empty()
                : OptionalLong.of(latencyBefore[latencyBefore.length - 1]);
    }
}
