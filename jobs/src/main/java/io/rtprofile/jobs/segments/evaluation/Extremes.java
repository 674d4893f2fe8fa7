package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.jobs.segments.definition.Comparison;
import io.rtprofile.schema.state.WindowState;

import java.util.List;

/**
 * Decides {@code min} and {@code max} comparisons with one threshold X exactly, from three
 * timestamps: the last event whose value was above X, equal to X, and below X. Whether the maximum
 * in a window is, say, below X only depends on which of the three kinds of value the window holds,
 * so three timestamps answer every comparison with X at any window length, and both functions.
 */
final class Extremes extends WindowAggregate {
    private static final int ABOVE = 0;
    private static final int EQUAL = 1;
    private static final int BELOW = 2;

    private final double threshold;

    Extremes(String key, double threshold) {
        super(key);
        this.threshold = threshold;
    }

    void add(WindowState state, double value, long ts) {
        List<Long> times = slots(state);
        int slot = value > threshold ? ABOVE : value < threshold ? BELOW : EQUAL;
        times.set(slot, Math.max(times.get(slot), ts));
    }

    /** The later of the two times of each kind of value (above, equal to, below X). */
    @Override
    void merge(WindowState into, WindowState from) {
        List<Long> to = slots(into);
        List<Long> other = from.getTimes();
        for (int i = 0; i < Math.min(3, other.size()); i++) {
            to.set(i, Math.max(to.get(i), other.get(i)));
        }
    }

    /** Whether the window's maximum (or minimum) passes {@code operator} against the threshold. */
    boolean test(WindowState state, long t, long w, boolean max, Comparison.Operator operator) {
        List<Long> times = slots(state);
        boolean above = EventTime.inWindow(times.get(ABOVE), t, w);
        boolean equal = EventTime.inWindow(times.get(EQUAL), t, w);
        boolean below = EventTime.inWindow(times.get(BELOW), t, w);
        boolean any = above || equal || below;
        // For the minimum, "beyond" the threshold is below it; for the maximum, above it.
        boolean beyond = max ? above : below;
        boolean extremeEquals = equal && !beyond;
        boolean extremeBeyond = beyond;
        boolean extremeShort = any && !beyond && !equal;
        boolean gt = max ? extremeBeyond : extremeShort;
        boolean lt = max ? extremeShort : extremeBeyond;
        return switch (operator) {
            case GT -> gt;
            case GE -> gt || extremeEquals;
            case EQ -> extremeEquals;
            case NE -> any && !extremeEquals;
            case LT -> lt;
            case LE -> lt || extremeEquals;
        };
    }

    private static List<Long> slots(WindowState state) {
        List<Long> times = state.getTimes();
        while (times.size() < 3) {
            times.add(EventTime.NONE);
        }
        return times;
    }

    @Override
    void prune(WindowState state, long t) {
        List<Long> times = slots(state);
        for (int i = 0; i < 3; i++) {
            if (!EventTime.inWindow(times.get(i), t, retention())) {
                times.set(i, EventTime.NONE);
            }
        }
    }

    @Override
    boolean isEmpty(WindowState state) {
        for (long ts : state.getTimes()) {
            if (ts != EventTime.NONE) {
                return false;
            }
        }
        return true;
    }

    @Override
    long nextChange(WindowState state, long t) {
        return earliestExit(state.getTimes(), t);
    }
}
