package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.schema.state.WindowState;

import java.util.List;

/**
 * Counts matching events exactly with the timestamps of only the {@code limit} most recent: a count
 * compared with threshold T is decided by whether it reaches floor(T) + 1, and since every window
 * ends at the evaluation instant, the events in any window are always the most recent ones.
 * Timestamps are kept newest first in {@link WindowState#getTimes()}.
 */
final class RecentTimes extends WindowAggregate {
    private int limit;

    RecentTimes(String key) {
        super(key);
    }

    void needAtLeast(int count) {
        limit = Math.max(limit, count);
    }

    int limit() {
        return limit;
    }

    void add(WindowState state, long ts) {
        List<Long> times = state.getTimes();
        int i = 0;
        while (i < times.size() && times.get(i) >= ts) {
            i++;
        }
        if (i < limit) {
            times.add(i, ts);
            while (times.size() > limit) {
                times.remove(times.size() - 1);
            }
        }
    }

    /**
     * The union, newest first, of both lists of timestamps, equal ones each kept (one per event),
     * cut to the limit: the most recent events of both profiles are among each one's most recent.
     */
    @Override
    void merge(WindowState into, WindowState from) {
        for (long ts : from.getTimes()) {
            add(into, ts);
        }
    }

    /** The count in window {@code w} at {@code t}, capped at the limit (enough to compare). */
    int count(WindowState state, long t, long w) {
        return countInWindow(state.getTimes(), t, w);
    }

    @Override
    void prune(WindowState state, long t) {
        List<Long> times = state.getTimes();
        long r = retention();
        while (!times.isEmpty() && !EventTime.inWindow(times.get(times.size() - 1), t, r)) {
            times.remove(times.size() - 1);
        }
        while (times.size() > limit) {
            times.remove(times.size() - 1);
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
