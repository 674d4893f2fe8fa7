package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.schema.state.WindowState;

import java.util.List;

/**
 * Counts distinct values exactly with the {@code limit} most recently seen values and the last time
 * each was seen: a value is in a window when its last occurrence is, and the values in any window
 * are the most recently seen ones. Kept newest first ({@link WindowState#getTimes()}, with the
 * values' canonical keys at the same index in {@link WindowState#getKeys()}); ties by key, so the
 * result does not depend on arrival order.
 */
final class DistinctValues extends WindowAggregate {
    private int limit;

    DistinctValues(String key) {
        super(key);
    }

    void needAtLeast(int count) {
        limit = Math.max(limit, count);
    }

    void add(WindowState state, String value, long ts) {
        List<Long> times = state.getTimes();
        List<String> keys = state.getKeys();
        int existing = keys.indexOf(value);
        if (existing >= 0) {
            if (times.get(existing) >= ts) {
                return;
            }
            times.remove(existing);
            keys.remove(existing);
        }
        int i = 0;
        while (i < times.size()
                && (times.get(i) > ts
                        || (times.get(i) == ts && keys.get(i).compareTo(value) < 0))) {
            i++;
        }
        if (i < limit) {
            times.add(i, ts);
            keys.add(i, value);
            trim(state, limit);
        }
    }

    /**
     * The union by value, with the later of the two last times, cut to the limit: a value among the
     * most recently seen of both profiles is among the most recently seen of the profile where it
     * was seen last, with that time.
     */
    @Override
    void merge(WindowState into, WindowState from) {
        List<Long> times = from.getTimes();
        List<String> keys = from.getKeys();
        for (int i = 0; i < times.size(); i++) {
            add(into, keys.get(i), times.get(i));
        }
    }

    int count(WindowState state, long t, long w) {
        return countInWindow(state.getTimes(), t, w);
    }

    @Override
    void prune(WindowState state, long t) {
        List<Long> times = state.getTimes();
        long r = retention();
        int keep = 0;
        while (keep < times.size() && EventTime.inWindow(times.get(keep), t, r)) {
            keep++;
        }
        trim(state, Math.min(keep, limit));
    }

    private static void trim(WindowState state, int size) {
        List<Long> times = state.getTimes();
        List<String> keys = state.getKeys();
        while (times.size() > size) {
            times.remove(times.size() - 1);
            keys.remove(keys.size() - 1);
        }
    }

    @Override
    boolean isEmpty(WindowState state) {
        return state.getTimes().isEmpty();
    }

    @Override
    long nextChange(WindowState state, long t) {
        return earliestExit(state.getTimes(), t);
    }
}
