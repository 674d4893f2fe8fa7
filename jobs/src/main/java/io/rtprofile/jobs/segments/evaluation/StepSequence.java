package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.schema.state.WindowState;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code sequence}: events matching each step in order (by timestamp, then {@code eventId}), all
 * within the window. For ordered input, one number per step is enough: the latest start of any
 * chain that has matched the steps up to it ({@link WindowState#getChain()}). The sequence holds at
 * t when the latest start of a complete chain is inside the window, and a chain whose start has
 * left the window can be forgotten.
 *
 * <p>That fold depends on order, so events newer than the watermark wait in a short pending list
 * (times, event ids and the bit set of steps each matched, in order), and are folded in once the
 * watermark passes them; evaluations fold a copy of the pending ones on the fly. Input out of order
 * within the allowed lateness therefore ends in the same state as ordered input. An event already
 * behind the watermark when it arrives is folded in at once, as if it had come in order.
 *
 * <p>Merging two profiles ({@link #merge}) is exact for the pending events, not for the chains: the
 * events a chain was folded from are gone, so a chain made of events of both profiles cannot be
 * found. The merged chain is, step by step, the later of the two starts. Every chain of either
 * profile is a chain of the union, so this under-approximates: the merged profile can miss a
 * sequence that only the two profiles' settled events together complete (until new events complete
 * it). Pending events of one profile that are older than events already folded into the other's
 * chain are folded after that chain, as a late event is.
 */
final class StepSequence extends WindowAggregate {
    private final int steps;
    private final long window;

    StepSequence(String key, int steps, long window) {
        super(key);
        this.steps = steps;
        this.window = window;
        useWith(window);
    }

    int steps() {
        return steps;
    }

    /** Adds an event that matched the steps in {@code mask} (bit i: step i). */
    void add(WindowState state, long ts, String eventId, int mask, long watermark) {
        List<Long> chain = chain(state);
        if (ts <= watermark) {
            fold(chain, mask, ts);
            return;
        }
        int i = pendingPosition(state, ts, eventId);
        state.getTimes().add(i, ts);
        state.getKeys().add(i, eventId);
        state.getSteps().add(i, mask);
    }

    /** Where a pending event goes in (timestamp, eventId) order: after every one not after it. */
    private static int pendingPosition(WindowState state, long ts, String eventId) {
        List<Long> times = state.getTimes();
        List<String> ids = state.getKeys();
        int i = times.size();
        while (i > 0
                && (times.get(i - 1) > ts
                        || (times.get(i - 1) == ts && ids.get(i - 1).compareTo(eventId) > 0))) {
            i--;
        }
        return i;
    }

    /**
     * The pending events of both, in (timestamp, eventId) order (an event in both once), and for
     * each step the later of the two chain starts. The pending lists merge exactly; the chains only
     * under-approximate (see the class comment).
     */
    @Override
    void merge(WindowState into, WindowState from) {
        List<Long> chain = chain(into);
        List<Long> other = from.getChain();
        for (int i = 0; i < Math.min(steps, other.size()); i++) {
            chain.set(i, Math.max(chain.get(i), other.get(i)));
        }
        List<Long> times = from.getTimes();
        for (int j = 0; j < times.size(); j++) {
            long ts = times.get(j);
            String eventId = from.getKeys().get(j);
            int i = pendingPosition(into, ts, eventId);
            if (i > 0
                    && into.getTimes().get(i - 1) == ts
                    && into.getKeys().get(i - 1).equals(eventId)) {
                continue; // the same event, seen by both profiles
            }
            into.getTimes().add(i, ts);
            into.getKeys().add(i, eventId);
            into.getSteps().add(i, from.getSteps().get(j));
        }
    }

    /** Folds the pending events the watermark has passed into the chain. */
    void settle(WindowState state, long watermark) {
        List<Long> times = state.getTimes();
        int settled = 0;
        List<Long> chain = chain(state);
        while (settled < times.size() && times.get(settled) <= watermark) {
            fold(chain, state.getSteps().get(settled), times.get(settled));
            settled++;
        }
        if (settled > 0) {
            times.subList(0, settled).clear();
            state.getKeys().subList(0, settled).clear();
            state.getSteps().subList(0, settled).clear();
        }
    }

    /** The latest start of a complete chain at {@code t}, or {@link EventTime#NONE}. */
    long latestCompleteStart(WindowState state, long t) {
        List<Long> chain = new ArrayList<>(chain(state));
        List<Long> times = state.getTimes();
        for (int i = 0; i < times.size() && times.get(i) <= t; i++) {
            fold(chain, state.getSteps().get(i), times.get(i));
        }
        return chain.get(steps - 1);
    }

    boolean holds(WindowState state, long t) {
        return EventTime.inWindow(latestCompleteStart(state, t), t, window);
    }

    private void fold(List<Long> chain, int mask, long ts) {
        // Last step first, so that one event never serves as two steps of one chain.
        for (int i = steps - 1; i >= 0; i--) {
            if ((mask & (1 << i)) == 0) {
                continue;
            }
            long start = i == 0 ? ts : chain.get(i - 1);
            if (start != EventTime.NONE && start > chain.get(i)) {
                chain.set(i, start);
            }
        }
    }

    private List<Long> chain(WindowState state) {
        List<Long> chain = state.getChain();
        while (chain.size() < steps) {
            chain.add(EventTime.NONE);
        }
        return chain;
    }

    @Override
    void prune(WindowState state, long t) {
        List<Long> chain = chain(state);
        for (int i = 0; i < steps; i++) {
            if (!EventTime.inWindow(chain.get(i), t, window)) {
                chain.set(i, EventTime.NONE);
            }
        }
        List<Long> times = state.getTimes();
        int drop = 0;
        while (drop < times.size() && !EventTime.inWindow(times.get(drop), t, window)) {
            drop++;
        }
        if (drop > 0) {
            times.subList(0, drop).clear();
            state.getKeys().subList(0, drop).clear();
            state.getSteps().subList(0, drop).clear();
        }
    }

    @Override
    boolean isEmpty(WindowState state) {
        if (!state.getTimes().isEmpty()) {
            return false;
        }
        for (long start : state.getChain()) {
            if (start != EventTime.NONE) {
                return false;
            }
        }
        return true;
    }

    @Override
    long nextChange(WindowState state, long t) {
        long next = EventTime.NEVER;
        long start = latestCompleteStart(state, t);
        if (EventTime.inWindow(start, t, window)) {
            next = EventTime.exit(start, window);
        }
        // Partial chains and pending events leave too; their exits free state.
        for (long partial : chain(state)) {
            if (EventTime.inWindow(partial, t, window)) {
                next = Math.min(next, EventTime.exit(partial, window));
            }
        }
        for (long ts : state.getTimes()) {
            if (EventTime.inWindow(ts, t, window)) {
                next = Math.min(next, EventTime.exit(ts, window));
                break;
            }
        }
        return next;
    }
}
