package io.rtprofile.jobs.loopback;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;

import javax.annotation.Nullable;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Emits a channel's records as they arrive. A reader is told either "here is the split, and no
 * more" or just "no more": without the split it ends at once; with it, it ends once the channel is
 * closed and drained, and removes the channel from the registry.
 */
final class LoopbackSourceReader<T> implements SourceReader<T, LoopbackSplit> {
    @Nullable private LoopbackSplit split;
    @Nullable private LoopbackChannel channel;
    private boolean noMoreSplits;

    /** Completed when the split or the news that there is none arrives. */
    private final CompletableFuture<Void> assignment = new CompletableFuture<>();

    @Override
    public void start() {}

    @Override
    @SuppressWarnings("unchecked")
    public InputStatus pollNext(ReaderOutput<T> output) {
        if (channel == null) {
            return noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
        }
        LoopbackChannel.Entry entry = channel.poll();
        if (entry != null) {
            output.collect((T) entry.record(), entry.timestamp());
            return InputStatus.MORE_AVAILABLE;
        }
        if (channel.isFinished()) {
            channel.unregister();
            return InputStatus.END_OF_INPUT;
        }
        return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return channel != null ? channel.available() : assignment;
    }

    @Override
    public void addSplits(List<LoopbackSplit> splits) {
        if (splits.size() != 1 || split != null) {
            throw new IllegalStateException("A loopback reader takes one split, got " + splits);
        }
        split = splits.get(0);
        channel = LoopbackChannel.get(split.channelId());
        assignment.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        assignment.complete(null);
    }

    @Override
    public List<LoopbackSplit> snapshotState(long checkpointId) {
        // Not fault tolerant: the split names the channel, the queued records are in no checkpoint.
        return split == null ? List.of() : List.of(split);
    }

    @Override
    public void close() {
        // Normally the channel is gone already; after a failure this keeps it from leaking.
        if (channel != null) {
            channel.unregister();
        }
    }
}
