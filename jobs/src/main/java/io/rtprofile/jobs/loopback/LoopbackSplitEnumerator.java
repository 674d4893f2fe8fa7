package io.rtprofile.jobs.loopback;

import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import javax.annotation.Nullable;

import java.util.List;

/**
 * Gives the one split to the first reader that registers, and tells every reader that no more
 * splits will come; readers without the split end at once. The checkpoint is the split not yet
 * assigned (none or one).
 */
final class LoopbackSplitEnumerator implements SplitEnumerator<LoopbackSplit, List<LoopbackSplit>> {
    private final SplitEnumeratorContext<LoopbackSplit> context;
    @Nullable private LoopbackSplit unassigned;

    LoopbackSplitEnumerator(
            SplitEnumeratorContext<LoopbackSplit> context, @Nullable LoopbackSplit unassigned) {
        this.context = context;
        this.unassigned = unassigned;
    }

    @Override
    public void start() {}

    @Override
    public void addReader(int subtaskId) {
        if (unassigned != null) {
            context.assignSplit(unassigned, subtaskId);
            unassigned = null;
        }
        context.signalNoMoreSplits(subtaskId);
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // Splits are pushed in addReader; readers never ask.
    }

    @Override
    public void addSplitsBack(List<LoopbackSplit> splits, int subtaskId) {
        // Only on a failover, which bounded runs do not have: the next reader to register gets it
        // (and finds no channel, as nothing here survives a failure).
        if (!splits.isEmpty()) {
            unassigned = splits.get(0);
        }
    }

    @Override
    public List<LoopbackSplit> snapshotState(long checkpointId) {
        return unassigned == null ? List.of() : List.of(unassigned);
    }

    @Override
    public void close() {}

    /** The unassigned split as its channel id, or an empty array when there is none. */
    static final class CheckpointSerializer
            implements SimpleVersionedSerializer<List<LoopbackSplit>> {
        private final LoopbackSplit.Serializer splits = new LoopbackSplit.Serializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<LoopbackSplit> unassigned) {
            // A channel id is never empty, so the empty array is free to mean "none".
            return unassigned.isEmpty() ? new byte[0] : splits.serialize(unassigned.get(0));
        }

        @Override
        public List<LoopbackSplit> deserialize(int version, byte[] serialized) {
            return serialized.length == 0
                    ? List.of()
                    : List.of(splits.deserialize(version, serialized));
        }
    }
}
