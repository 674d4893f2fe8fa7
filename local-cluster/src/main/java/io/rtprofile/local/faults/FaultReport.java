package io.rtprofile.local.faults;

import io.rtprofile.local.verify.VerifyReport;

import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The suite's table (docs/reliability.md), one row per fault, and the failures in detail. */
public final class FaultReport {

    private final List<FaultOutcome> outcomes;

    public FaultReport(List<FaultOutcome> outcomes) {
        this.outcomes = List.copyOf(outcomes);
    }

    public List<FaultOutcome> outcomes() {
        return outcomes;
    }

    public boolean passed() {
        return !outcomes.isEmpty() && outcomes.stream().allMatch(FaultOutcome::passed);
    }

    /**
     * A Markdown table: fault, times injected, records in, out, rejected, lost, duplicated, the
     * final profiles against the fault-free run, and per injection how long until output was fresh
     * and until latency was back to normal, and how stale it got.
     */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(
                "| fault | times injected | records in | updates out | rejected | lost |"
                        + " duplicated | profiles as fault-free | first fresh output (s) | latency"
                        + " back to normal (s) | worst latency (s) | latency before, p50 / max (s)"
                        + " | failovers | result |\n");
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
        for (FaultOutcome o : outcomes) {
            VerifyReport v = o.verification();
            String matched =
                    v.snapshot() == null
                            ? "-"
                            : v.snapshot().matched() + " / " + v.snapshot().expectedProfiles();
            out.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %,d | %,d | %,d | %d | %d | %s | %s | %s | %s | %s / %s |"
                                    + " %d | %s |%n",
                            o.fault().label(),
                            o.injected(),
                            v.recordsIn(),
                            v.updatesOut(),
                            v.rejected(),
                            v.lost(),
                            v.duplicated(),
                            matched,
                            perInjection(o, i -> seconds(i.freshOutputMillis())),
                            perInjection(o, i -> seconds(OptionalLong.of(i.backToNormalMillis()))),
                            perInjection(o, i -> seconds(i.worstLatencyMillis())),
                            seconds(o.latencyBeforeMedian()),
                            seconds(o.latencyBeforeMax()),
                            o.failovers(),
                            o.passed() ? "passed" : "FAILED"));
        }
        return out.toString();
    }

    private static String perInjection(
            FaultOutcome outcome, Function<FaultOutcome.Injection, String> column) {
        return outcome.injections().stream().map(column).collect(Collectors.joining(", "));
    }

    /** The failed checks of each failed scenario, with examples. */
    public String failures() {
        StringBuilder out = new StringBuilder();
        for (FaultOutcome o : outcomes) {
            if (o.passed()) {
                continue;
            }
            out.append(o.fault().label()).append(":\n");
            if (o.injections().stream().anyMatch(i -> i.freshOutputMillis().isEmpty())) {
                out.append("  no fresh output after an injection\n");
            }
            if (o.sendFailures() > 0) {
                out.append("  the load producer could not deliver ")
                        .append(o.sendFailures())
                        .append(" events (not counted as lost)\n");
            }
            o.verification().table().lines().forEach(l -> out.append("  ").append(l).append('\n'));
        }
        return out.toString();
    }

    private static String seconds(OptionalLong millis) {
        return millis.isPresent()
                ? String.format(Locale.ROOT, "%.1f", millis.getAsLong() / 1000.0)
                : "never";
    }
}
