package org.apache.flink.state.api;

import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.api.output.TaggedOperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The one door rtprofile opens into the State Processor API's package: the per-subtask half of
 * {@link StateBootstrapTransformation#writeOperatorState}, which is package-private.
 *
 * <p>Why: {@link SavepointWriter} reduces an operator's subtask states with Flink's {@code
 * OperatorSubtaskStateReducer}, whose constructor checks {@code maxParallelism > 1}, so it cannot
 * write state for an operator with max parallelism 1. The profile job has two (the identity
 * resolver and the model trainer: one task each, with all their state under one key), and their max
 * parallelism is in every savepoint already taken, so it cannot change. {@code
 * io.rtprofile.state.write.SavepointComposer} does the reduction itself. Nothing else of Flink's
 * internals is touched here: the subtask states are written by Flink's own bootstrap task, exactly
 * as {@code SavepointWriter} would write them.
 */
public final class SubtaskStateWriting {
    private SubtaskStateWriting() {}

    /**
     * Defines the operator that bootstraps {@code transformation}'s state, one subtask state per
     * parallel instance, tagged with its subtask index.
     */
    public static <T> SingleOutputStreamOperator<TaggedOperatorSubtaskState> subtaskStates(
            StateBootstrapTransformation<T> transformation,
            OperatorIdentifier operator,
            StateBackend backend,
            Path savepoint,
            int maxParallelism) {
        return transformation.writeOperatorSubtaskStates(
                operator, backend, savepoint, maxParallelism);
    }
}
