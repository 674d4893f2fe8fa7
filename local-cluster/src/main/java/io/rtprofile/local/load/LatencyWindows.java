package io.rtprofile.local.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * End-to-end latencies (an update readable {@code read_committed} minus the event time it shows)
 * and counts, in fixed windows of wall-clock time since the start of a load run, and over the whole
 * run after the warm-up. Not thread-safe: one reader records, and reads the result after.
 */
public final class LatencyWindows {

    /** One window of the run: what was produced and read in it, and the latency percentiles. */
    public record Window(
            long startSecond,
            long produced,
            long updates,
            double p50Millis,
            double p99Millis,
            double p999Millis,
            long maxMillis) {}

    private final long startMillis;
    private final long windowMillis;
    private final long warmupMillis;
    private final List<LongList> latencies = new ArrayList<>();
    private final List<long[]> produced = new ArrayList<>();
    private final LongList afterWarmup = new LongList();

    public LatencyWindows(long startMillis, long windowMillis, long warmupMillis) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.startMillis = startMillis;
        this.windowMillis = windowMillis;
        this.warmupMillis = warmupMillis;
    }

    /** An update read at {@code readMillis} that shows a change of event time {@code atMillis}. */
    public void update(long readMillis, long atMillis) {
        long latency = Math.max(0, readMillis - atMillis);
        window(readMillis).add(latency);
        if (readMillis - startMillis >= warmupMillis) {
            afterWarmup.add(latency);
        }
    }

    /** {@code count} events produced by {@code atMillis}, counted in that instant's window. */
    public synchronized void produced(long atMillis, long count) {
        int index = index(atMillis);
        while (produced.size() <= index) {
            produced.add(new long[1]);
        }
        produced.get(index)[0] += count;
    }

    private LongList window(long readMillis) {
        int index = index(readMillis);
        while (latencies.size() <= index) {
            latencies.add(new LongList());
        }
        return latencies.get(index);
    }

    private int index(long atMillis) {
        return (int) Math.max(0, (atMillis - startMillis) / windowMillis);
    }

    public synchronized List<Window> windows() {
        List<Window> windows = new ArrayList<>();
        int n = Math.max(latencies.size(), produced.size());
        for (int i = 0; i < n; i++) {
            LongList l = i < latencies.size() ? latencies.get(i) : new LongList();
            long p = i < produced.size() ? produced.get(i)[0] : 0;
            long[] sorted = l.sorted();
            windows.add(
                    new Window(
                            i * windowMillis / 1000,
                            p,
                            sorted.length,
                            percentile(sorted, 0.50),
                            percentile(sorted, 0.99),
                            percentile(sorted, 0.999),
                            sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
        }
        return windows;
    }

    /** Latency percentiles (ms) over the run after the warm-up: p50, p99, p99.9, max. */
    public double[] overall() {
        long[] sorted = afterWarmup.sorted();
        return new double[] {
            percentile(sorted, 0.50),
            percentile(sorted, 0.99),
            percentile(sorted, 0.999),
            sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]
        };
    }

    public long updatesAfterWarmup() {
        return afterWarmup.size;
    }

    /** The nearest-rank percentile of sorted values; NaN when there are none. */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    /** A growable array of longs: millions of latencies without boxing. */
    private static final class LongList {
        private long[] values = new long[1024];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
