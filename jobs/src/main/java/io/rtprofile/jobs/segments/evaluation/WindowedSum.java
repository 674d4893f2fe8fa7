package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.schema.state.WindowState;

import java.util.ArrayList;
import java.util.List;

/**
 * Sums (and counts, for averages and large counts) the values of matching events. Over {@code
 * lifetime} a running total is exact in constant space. Over a finite window a sum has to forget
 * each value as it leaves, so entries (time, sum, count) are kept in time order, one per distinct
 * timestamp; past {@link #MAX_ENTRIES} entries, the oldest are merged by aligned time buckets of
 * retention / {@code MAX_ENTRIES}, and a merged entry leaves the window with its newest event. The
 * result is exact up to that many distinct timestamps per window and per profile; the trade-off is
 * in docs/segments.md.
 */
final class WindowedSum extends WindowAggregate {
    static final int MAX_ENTRIES = 512;

    WindowedSum(String key) {
        super(key);
    }

    /** Whether a use is over {@code lifetime}: those read the running total. */
    private boolean hasLifetime() {
        return windows.last() == Long.MAX_VALUE;
    }

    /** The longest finite window, or 0 when there is none (no entries kept). */
    private long finiteRetention() {
        Long longest = windows.lower(Long.MAX_VALUE);
        return longest == null ? 0 : longest;
    }

    void add(WindowState state, double value, long ts) {
        if (hasLifetime()) {
            state.setTotal(state.getTotal() + value);
            state.setCount(state.getCount() + 1);
        }
        if (finiteRetention() == 0) {
            return;
        }
        List<Long> times = state.getTimes();
        int lo = 0;
        int hi = times.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times.get(mid) < ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < times.size() && times.get(lo) == ts) {
            state.getSums().set(lo, state.getSums().get(lo) + value);
            state.getCounts().set(lo, state.getCounts().get(lo) + 1);
        } else {
            times.add(lo, ts);
            state.getSums().add(lo, value);
            state.getCounts().add(lo, 1L);
            if (times.size() > MAX_ENTRIES) {
                coalesce(state);
            }
        }
    }

    /**
     * Adds the running totals, and takes the union of the entries in time order, one per distinct
     * timestamp (the sums and counts of equal ones added), merged by aligned buckets past the cap
     * as {@link #add} does. Exact as long as the union fits in the cap, as for one profile; beyond
     * it, an entry that either profile had already merged stays merged, and leaves the window with
     * its newest event.
     */
    @Override
    void merge(WindowState into, WindowState from) {
        into.setTotal(into.getTotal() + from.getTotal());
        into.setCount(into.getCount() + from.getCount());
        List<Long> aTimes = into.getTimes();
        List<Double> aSums = into.getSums();
        List<Long> aCounts = into.getCounts();
        List<Long> bTimes = from.getTimes();
        List<Double> bSums = from.getSums();
        List<Long> bCounts = from.getCounts();
        if (bTimes.isEmpty()) {
            return;
        }
        int size = aTimes.size() + bTimes.size();
        List<Long> times = new ArrayList<>(size);
        List<Double> sums = new ArrayList<>(size);
        List<Long> counts = new ArrayList<>(size);
        int a = 0;
        int b = 0;
        while (a < aTimes.size() || b < bTimes.size()) {
            int order =
                    a == aTimes.size()
                            ? 1
                            : b == bTimes.size() ? -1 : Long.compare(aTimes.get(a), bTimes.get(b));
            if (order < 0) {
                times.add(aTimes.get(a));
                sums.add(aSums.get(a));
                counts.add(aCounts.get(a++));
            } else if (order > 0) {
                times.add(bTimes.get(b));
                sums.add(bSums.get(b));
                counts.add(bCounts.get(b++));
            } else {
                times.add(aTimes.get(a));
                sums.add(aSums.get(a) + bSums.get(b));
                counts.add(aCounts.get(a++) + bCounts.get(b++));
            }
        }
        into.setTimes(times);
        into.setSums(sums);
        into.setCounts(counts);
        if (times.size() > MAX_ENTRIES) {
            coalesce(into);
        }
    }

    /** Merges the oldest entries by aligned bucket until the list fits. */
    private void coalesce(WindowState state) {
        long bucket = Math.max(1, finiteRetention() / MAX_ENTRIES);
        List<Long> times = state.getTimes();
        List<Double> sums = state.getSums();
        List<Long> counts = state.getCounts();
        int i = 0;
        while (times.size() > MAX_ENTRIES && i + 1 < times.size()) {
            if (Math.floorDiv(times.get(i), bucket) == Math.floorDiv(times.get(i + 1), bucket)) {
                // Into the newer entry of the two: it keeps the later time.
                times.remove(i);
                double sum = sums.remove(i);
                long count = counts.remove(i);
                sums.set(i, sums.get(i) + sum);
                counts.set(i, counts.get(i) + count);
            } else {
                i++;
            }
        }
    }

    /** The sum and the count of values in window {@code w} at {@code t}. */
    double[] sumAndCount(WindowState state, long t, long w) {
        if (w == Long.MAX_VALUE) {
            return new double[] {state.getTotal(), state.getCount()};
        }
        double sum = 0;
        long n = 0;
        List<Long> times = state.getTimes();
        for (int i = times.size() - 1; i >= 0; i--) {
            long ts = times.get(i);
            if (!EventTime.inWindow(ts, t, w)) {
                break;
            }
            sum += state.getSums().get(i);
            n += state.getCounts().get(i);
        }
        return new double[] {sum, n};
    }

    @Override
    void prune(WindowState state, long t) {
        List<Long> times = state.getTimes();
        long r = finiteRetention();
        int drop = 0;
        while (drop < times.size() && !EventTime.inWindow(times.get(drop), t, r)) {
            drop++;
        }
        if (drop > 0) {
            times.subList(0, drop).clear();
            state.getSums().subList(0, drop).clear();
            state.getCounts().subList(0, drop).clear();
        }
    }

    @Override
    boolean isEmpty(WindowState state) {
        return state.getTimes().isEmpty() && state.getCount() == 0;
    }

    @Override
    long nextChange(WindowState state, long t) {
        return earliestExit(state.getTimes(), t);
    }
}
