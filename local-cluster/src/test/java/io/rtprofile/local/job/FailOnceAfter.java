package io.rtprofile.local.job;

import io.rtprofile.schema.internal.IngestedRecord;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Injects one task failure mid-stream: the first subtask to pass {@code records} records after at
 * least {@code checkpoints} completed checkpoints throws. It also slows the stream until then, so
 * that checkpoints complete while data flows. After the restart it only passes records on.
 *
 * <p>The "failed already" flag must outlive the restart, which deserializes a fresh copy of this
 * function, so it lives in a static registry of the (single, in-process) mini-cluster's JVM.
 */
final class FailOnceAfter extends RichMapFunction<IngestedRecord, IngestedRecord>
        implements CheckpointListener {
    private static final long serialVersionUID = 1L;

    private static final Map<String, AtomicBoolean> FAILED = new ConcurrentHashMap<>();

    private final String name;
    private final long records;
    private final int checkpoints;
    private transient long seen;
    private transient int completed;

    FailOnceAfter(String name, long records, int checkpoints) {
        this.name = name;
        FAILED.put(name, new AtomicBoolean());
        this.records = records;
        this.checkpoints = checkpoints;
    }

    @Override
    public IngestedRecord map(IngestedRecord record) throws Exception {
        seen++;
        // Slow until the failure is in: hard while no checkpoint has completed yet (a loaded
        // machine may take seconds for the first), lightly after; at full speed once recovered.
        if (!FAILED.get(name).get() && (completed < checkpoints || seen % 5 == 0)) {
            Thread.sleep(1);
        }
        if (seen >= records
                && completed >= checkpoints
                && FAILED.get(name).compareAndSet(false, true)) {
            throw new IllegalStateException("Injected failure after " + seen + " records");
        }
        return record;
    }

    /** Whether the failure was injected. */
    boolean hasFailed() {
        return FAILED.get(name).get();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        completed++;
    }
}
