package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.schema.state.WindowState;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * One aggregate a profile keeps over its events, shared by every condition that uses the same
 * predicate and value (docs/segments.md). The kinds keep only what their comparisons can ever need,
 * so a profile's state is bounded by the definitions, not by how many events it has had.
 *
 * <p>Every method works on the profile's {@link WindowState} for this aggregate, given the instant
 * {@code t} of the evaluation; no event stored is ever after {@code t}.
 */
abstract sealed class WindowAggregate
        permits RecentTimes, DistinctValues, Extremes, WindowedSum, StepSequence {

    /** The key of this aggregate's state in the profile. */
    final String key;

    /** The window lengths the definitions use this aggregate with, in ms. */
    final NavigableSet<Long> windows = new TreeSet<>();

    WindowAggregate(String key) {
        this.key = key;
    }

    void useWith(long window) {
        windows.add(window);
    }

    /** The longest window any use needs; older entries are of no use. */
    long retention() {
        return windows.last();
    }

    /** Drops what no window at {@code t} or later can hold. */
    abstract void prune(WindowState state, long t);

    /**
     * Merges another profile's state for this aggregate into {@code into} (identity merges): at any
     * instant t at or after both profiles' clocks, {@code into} then answers every use of this
     * aggregate as a state built from the events of both profiles would, except where a kind says
     * otherwise ({@link StepSequence}'s settled chains, {@link WindowedSum}'s cap). {@code from} is
     * left as it is, and nothing of it is shared with {@code into}.
     */
    abstract void merge(WindowState into, WindowState from);

    /** Whether nothing is left (the state can be removed). */
    abstract boolean isEmpty(WindowState state);

    /**
     * The first instant after {@code t} at which a use's value can change without a new event (an
     * entry leaving one of the windows), or {@link EventTime#NEVER}.
     */
    abstract long nextChange(WindowState state, long t);

    /**
     * The earliest exit after {@code t} of entries at {@code times}, over all windows. An exit is
     * the entry's time plus the window, so for each window only its oldest entry inside counts.
     */
    final long earliestExit(List<Long> times, long t) {
        long next = EventTime.NEVER;
        for (long w : windows) {
            long oldest = EventTime.NONE;
            for (long ts : times) {
                if (EventTime.inWindow(ts, t, w) && (oldest == EventTime.NONE || ts < oldest)) {
                    oldest = ts;
                }
            }
            if (oldest != EventTime.NONE) {
                long exit = EventTime.exit(oldest, w);
                if (exit > t) {
                    next = Math.min(next, exit);
                }
            }
        }
        return next;
    }

    /** How many of {@code newestFirst} are inside window {@code w} at {@code t}. */
    static int countInWindow(List<Long> newestFirst, long t, long w) {
        int n = 0;
        for (long ts : newestFirst) {
            if (!EventTime.inWindow(ts, t, w)) {
                break; // the rest are older still
            }
            n++;
        }
        return n;
    }

    static WindowState emptyState() {
        return WindowState.newBuilder()
                .setTimes(new ArrayList<>())
                .setKeys(new ArrayList<>())
                .setSums(new ArrayList<>())
                .setCounts(new ArrayList<>())
                .setSteps(new ArrayList<>())
                .setChain(new ArrayList<>())
                .build();
    }
}
