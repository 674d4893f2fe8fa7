package io.rtprofile.local.load;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a downstream consumer of {@code profile-updates} saw over time ({@link OutputMonitor}): for
 * each update, when it became readable and the event time it shows. Live events carry the wall
 * clock as event time, so the difference is end-to-end latency. The fault suite and the cluster
 * benchmark read outages and overloads from it:
 *
 * <ul>
 *   <li>{@link #freshOutputAfter}: the first update of an event sent after an instant. Its absence
 *       means the job never produced output again.
 *   <li>{@link #backToNormal}: until the last update later than a limit (the worst latency before a
 *       fault), which covers failure detection, restart, state restore, replay of the input since
 *       the last checkpoint, the catch-up of the backlog and the commit at the next checkpoint.
 *   <li>{@link #worstLatency}: how stale the output got.
 * </ul>
 */
public final class OutputLog {

    /** Reads in the order they happened: {readMillis, updatedAtMillis}. */
    private final List<long[]> reads = new ArrayList<>();

    public synchronized void updateRead(long readMillis, long updatedAtMillis) {
        reads.add(new long[] {readMillis, updatedAtMillis});
    }

    /** Milliseconds from {@code injectedAt} to the first fresh update read; empty if none was. */
    public synchronized OptionalLong freshOutputAfter(long injectedAt) {
        for (long[] read : reads) {
            if (read[1] >= injectedAt && read[0] >= injectedAt) {
                return OptionalLong.of(read[0] - injectedAt);
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Latencies (readable minus event time) of the updates read in {@code [from, to)}, sorted: the
     * job's ordinary latency before the first fault, to read recovery against.
     */
    public synchronized long[] latencies(long from, long to) {
        return reads.stream()
                .filter(r -> r[0] >= from && r[0] < to)
                .mapToLong(r -> r[0] - r[1])
                .sorted()
                .toArray();
    }

    /**
     * Milliseconds from {@code injectedAt} until latency was back within {@code limit} (the worst
     * latency before the fault): the read time of the last update in {@code [injectedAt, until)}
     * above it. Zero when none was above it: the fault never made output late.
     */
    public synchronized long backToNormal(long injectedAt, long until, long limit) {
        long last = injectedAt;
        for (long[] read : reads) {
            if (read[0] >= injectedAt && read[0] < until && read[0] - read[1] > limit) {
                last = read[0];
            }
        }
        return last - injectedAt;
    }

    /** The worst latency of the updates read in {@code [from, to)}; empty if none was read. */
    public synchronized OptionalLong worstLatency(long from, long to) {
        long[] all = latencies(from, to);
        return all.length == 0 ? OptionalLong.empty() : OptionalLong.of(all[all.length - 1]);
    }

    /** Updates read so far. */
    public synchronized int size() {
        return reads.size();
    }

    /**
     * The output over time, one line per {@code windowMillis} from {@code start}: updates read, and
     * their median and largest latency (where an outage shows).
     */
    public synchronized List<String> timeline(long start, long windowMillis) {
        List<String> lines = new ArrayList<>();
        if (reads.isEmpty()) {
            return lines;
        }
        long last = reads.get(reads.size() - 1)[0];
        for (long window = start; window <= last; window += windowMillis) {
            long[] latencies = latencies(window, window + windowMillis);
            lines.add(
                    latencies.length == 0
                            ? String.format("%6.0f s %7d updates", (window - start) / 1000.0, 0)
                            : String.format(
                                    "%6.0f s %7d updates, latency p50 %6.1f s, max %6.1f s",
                                    (window - start) / 1000.0,
                                    latencies.length,
                                    latencies[(latencies.length - 1) / 2] / 1000.0,
                                    latencies[latencies.length - 1] / 1000.0));
        }
        return lines;
    }
}
