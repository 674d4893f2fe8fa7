package io.rtprofile.jobs.segments.evaluation;

/**
 * Window arithmetic in epoch milliseconds, saturating instead of overflowing: {@code lifetime} is a
 * window of {@link Long#MAX_VALUE}, and "no instant" is {@link #NEVER}.
 */
final class EventTime {
    private EventTime() {}

    /** No future instant: nothing left to happen. */
    static final long NEVER = Long.MAX_VALUE;

    /** Marks "no event" in timestamp slots. */
    static final long NONE = Long.MIN_VALUE;

    /** The exclusive start of window {@code w} at {@code t}: an event is inside when ts > start. */
    static long windowStart(long t, long w) {
        return t < Long.MIN_VALUE + w ? Long.MIN_VALUE : t - w;
    }

    /** Whether an event at {@code ts} (never after {@code t}) is inside window {@code w} at t. */
    static boolean inWindow(long ts, long t, long w) {
        return ts != NONE && ts <= t && (w == Long.MAX_VALUE || ts > windowStart(t, w));
    }

    /** The instant an event at {@code ts} leaves window {@code w}, or {@link #NEVER}. */
    static long exit(long ts, long w) {
        return w == Long.MAX_VALUE || ts > Long.MAX_VALUE - w ? NEVER : ts + w;
    }
}
