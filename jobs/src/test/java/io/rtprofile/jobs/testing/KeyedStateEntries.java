package io.rtprofile.jobs.testing;

import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/**
 * Counts keyed state entries of any harness's operator, as {@code
 * KeyedOneInputStreamOperatorTestHarness#numKeyedStateEntries} does for one-input operators (the
 * broadcast harness has no such method). Test harnesses use the heap backend.
 */
public final class KeyedStateEntries {
    private KeyedStateEntries() {}

    public static int count(AbstractStreamOperatorTestHarness<?> harness) {
        if (harness.getOperator().getKeyedStateBackend() instanceof HeapKeyedStateBackend<?> heap) {
            return heap.numKeyValueStateEntries();
        }
        throw new IllegalStateException("test harnesses are expected to use the heap backend");
    }
}
