package io.rtprofile.jobs.loopback;

import javax.annotation.Nullable;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A named in-JVM channel carrying records from a {@link LoopbackSink} back to a {@link
 * LoopbackSource} upstream of it: the feedback edge of a bounded run, where the Kafka job has a
 * topic.
 *
 * <p>Life of a channel: the job's builder {@link #open(String) opens} it under a fresh id (a UUID)
 * before submitting the job and gives the id to the sink and the source; sink writers send into it;
 * the one operator that knows no more records will be sent (typically the receiver, once its main
 * input has ended and everything it sent has come back) {@link #close(String) closes} it; the
 * source's reader drains it, then ends its input and removes the channel from the registry. A run
 * that fails before its reader got that far leaves the channel behind, so the builder also calls
 * {@link #release(String)} when the job is over, whatever its outcome (releasing twice is fine).
 *
 * <p>Limits:
 *
 * <ul>
 *   <li>Sender and receiver must run in <b>one JVM</b> and see this one class (a MiniCluster
 *       started from the application's class path, as {@code rtprofile run} and the ITCases do):
 *       the registry is a static map. On a real cluster the sink would find no channel and fail.
 *   <li>It is <b>not fault tolerant</b>: records in the queue are in no checkpoint and a restarted
 *       reader finds no channel. Bounded runs have checkpointing off and no restarts; a failed one
 *       is run again from its file.
 *   <li>The queue is unbounded, so the sink never blocks: that is what keeps a cycle of bounded
 *       network buffers from deadlocking. Memory is the limit.
 *   <li>The job must run in streaming mode (in batch mode the cycle's stages would wait for each
 *       other).
 * </ul>
 */
public final class LoopbackChannel {
    private static final ConcurrentMap<String, LoopbackChannel> CHANNELS =
            new ConcurrentHashMap<>();

    /** A record and its timestamp ({@link Long#MIN_VALUE} when it has none). */
    record Entry(Object record, long timestamp) {}

    private final String id;
    private final Queue<Entry> queue = new ArrayDeque<>();
    private boolean closed;

    /** Completed (and cleared) when a record arrives or the channel closes. */
    @Nullable private CompletableFuture<Void> waiting;

    private LoopbackChannel(String id) {
        this.id = id;
    }

    /**
     * Creates the channel named {@code id}.
     *
     * @throws IllegalArgumentException when {@code id} is empty
     * @throws IllegalStateException when a channel of that name exists
     */
    public static LoopbackChannel open(String id) {
        if (id.isEmpty()) {
            throw new IllegalArgumentException("A loopback channel needs a name");
        }
        LoopbackChannel channel = new LoopbackChannel(id);
        if (CHANNELS.putIfAbsent(id, channel) != null) {
            throw new IllegalStateException("Loopback channel " + id + " is already open");
        }
        return channel;
    }

    /**
     * The open channel named {@code id}.
     *
     * @throws IllegalStateException when there is none (never opened, already finished, or this is
     *     not the JVM that opened it)
     */
    public static LoopbackChannel get(String id) {
        LoopbackChannel channel = CHANNELS.get(id);
        if (channel == null) {
            throw new IllegalStateException(
                    "No loopback channel "
                            + id
                            + ": it was never opened, has already been drained, or the job"
                            + " does not run in the JVM that opened it (loopback edges need a"
                            + " local MiniCluster)");
        }
        return channel;
    }

    /**
     * Declares that no more records will be sent on channel {@code id}; its reader ends once it has
     * emitted what is queued.
     *
     * @throws IllegalStateException when there is no such channel
     */
    public static void close(String id) {
        get(id).close();
    }

    /** Removes channel {@code id} from the registry, if it is there. */
    public static void release(String id) {
        CHANNELS.remove(id);
    }

    /** Whether a channel named {@code id} is in the registry. */
    public static boolean isRegistered(String id) {
        return CHANNELS.containsKey(id);
    }

    public String id() {
        return id;
    }

    /** See {@link #close(String)}. Closing twice is fine. */
    public void close() {
        CompletableFuture<Void> wake;
        synchronized (this) {
            closed = true;
            wake = takeWaiting();
        }
        complete(wake);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Queues a record; the caller hands it over and must not touch it again.
     *
     * @throws IllegalStateException when the channel is closed: whoever closed it was wrong that no
     *     more records would come
     */
    void send(Object record, long timestamp) {
        CompletableFuture<Void> wake;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(
                        "A record was sent on loopback channel " + id + " after it was closed");
            }
            queue.add(new Entry(record, timestamp));
            wake = takeWaiting();
        }
        complete(wake);
    }

    /** The next record, or null when none is queued. */
    @Nullable
    synchronized Entry poll() {
        return queue.poll();
    }

    /** Closed and drained: no record will ever come again. */
    synchronized boolean isFinished() {
        return closed && queue.isEmpty();
    }

    /** Done when a record is queued or the channel is closed; never completed otherwise. */
    synchronized CompletableFuture<Void> available() {
        if (closed || !queue.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (waiting == null) {
            waiting = new CompletableFuture<>();
        }
        return waiting;
    }

    @Nullable
    private CompletableFuture<Void> takeWaiting() {
        CompletableFuture<Void> future = waiting;
        waiting = null;
        return future;
    }

    /** Outside the lock: completing runs the waiter's callbacks in this thread. */
    private static void complete(@Nullable CompletableFuture<Void> future) {
        if (future != null) {
            future.complete(null);
        }
    }

    /** Removes this channel from the registry (if it is still the one registered under its id). */
    void unregister() {
        CHANNELS.remove(id, this);
    }
}
