package io.rtprofile.state.write;

import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.Savepoints;

import org.apache.flink.api.common.functions.GroupReduceFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink.lib.OutputFormatSink;
import org.apache.flink.runtime.checkpoint.MasterState;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.SubtaskStateWriting;
import org.apache.flink.state.api.output.FileCopyFunction;
import org.apache.flink.state.api.output.MergeOperatorStates;
import org.apache.flink.state.api.output.SavepointOutputFormat;
import org.apache.flink.state.api.output.StatePathExtractor;
import org.apache.flink.state.api.output.TaggedOperatorSubtaskState;
import org.apache.flink.state.api.output.operators.GroupReduceOperator;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a new savepoint: a base savepoint's operators (or none), some of them dropped, some with
 * their keyed state replaced, and optionally a new max parallelism. This is what {@code state
 * bootstrap} and {@code state migrate} write with.
 *
 * <p>It differs from Flink's {@code SavepointWriter} in three ways the profile job needs:
 *
 * <ul>
 *   <li><b>Max parallelism 1.</b> The identity resolver and the model trainer have max parallelism
 *       1, which {@code SavepointWriter} refuses (see {@link SubtaskStateWriting}).
 *   <li><b>Keyed state replaced, operator state kept.</b> The profile operator holds keyed state
 *       (profiles) and broadcast state (the published segment definitions and models) under one
 *       UID. A bootstrap transformation writes one or the other, so {@code SavepointWriter} could
 *       only replace both and lose the definitions. Here a replaced operator takes its new keyed
 *       state and keeps the base savepoint's operator state, subtask by subtask; it is written at
 *       the base's parallelism for that reason.
 *   <li><b>Max parallelism of kept operators.</b> A new max parallelism is recorded on operators
 *       that only hold operator state (sources' offsets, sinks' transactions), which do not depend
 *       on key groups; keyed operators must be replaced, since their key groups change.
 * </ul>
 *
 * <p>Define what to write, call {@link #write(Path)}, then execute the environment.
 */
public final class SavepointComposer {

    private final StreamExecutionEnvironment env;
    private final StateBackend backend;
    private final int baseMaxParallelism;
    private final long checkpointId;
    private final Collection<MasterState> masterStates;
    private final Map<OperatorID, OperatorState> base;
    private final Map<OperatorID, Replacement<?>> replacements = new LinkedHashMap<>();
    private Integer maxParallelism;

    private record Replacement<T>(
            String uid,
            StateBootstrapTransformation<T> transformation,
            int maxParallelism,
            StateBootstrapTransformation<?> broadcast) {}

    /** The index a replaced operator's new broadcast state is tagged with among its subtasks. */
    private static final int BROADCAST = -1;

    private SavepointComposer(
            StreamExecutionEnvironment env,
            StateBackend backend,
            int baseMaxParallelism,
            CheckpointMetadata base) {
        this.env = env;
        this.backend = backend;
        this.baseMaxParallelism = baseMaxParallelism;
        this.base = new LinkedHashMap<>();
        if (base != null) {
            base.getOperatorStates().forEach(s -> this.base.put(s.getOperatorID(), s));
            this.checkpointId = base.getCheckpointId();
            this.masterStates = base.getMasterStates();
        } else {
            this.checkpointId = 0L;
            this.masterStates = List.of();
        }
    }

    /**
     * A savepoint that starts as a copy of {@code base}.
     *
     * @param backend the backend that writes replaced keyed state (either backend restores a
     *     canonical savepoint)
     */
    public static SavepointComposer onto(
            StreamExecutionEnvironment env, Path base, StateBackend backend)
            throws InvalidSavepointException {
        CheckpointMetadata metadata = Savepoints.load(base);
        int maxParallelism =
                metadata.getOperatorStates().stream()
                        .mapToInt(OperatorState::getMaxParallelism)
                        .max()
                        .orElseThrow(
                                () ->
                                        new InvalidSavepointException(
                                                "the savepoint " + base + " holds no operator"));
        return new SavepointComposer(env, backend, maxParallelism, metadata);
    }

    /**
     * An empty savepoint whose keyed operators get {@code maxParallelism} unless told otherwise.
     */
    public static SavepointComposer empty(
            StreamExecutionEnvironment env, StateBackend backend, int maxParallelism) {
        return new SavepointComposer(env, backend, maxParallelism, null);
    }

    /** The operator's state in the base savepoint, if it has any. */
    public java.util.Optional<OperatorState> baseState(String uid) {
        return java.util.Optional.ofNullable(base.get(Savepoints.operatorId(uid)));
    }

    /** The max parallelism keyed operators are written with unless told otherwise. */
    public int maxParallelism() {
        return maxParallelism != null ? maxParallelism : baseMaxParallelism;
    }

    /** Drops an operator's state. */
    public SavepointComposer remove(String uid) {
        base.remove(Savepoints.operatorId(uid));
        replacements.remove(Savepoints.operatorId(uid));
        return this;
    }

    /**
     * Replaces the keyed state of {@code uid} with what {@code transformation} bootstraps, keeping
     * the base's operator state of {@code uid}, if any.
     *
     * @param maxParallelism the operator's max parallelism in the job (1 for the single-task
     *     operators); 0 for the savepoint's
     */
    public <T> SavepointComposer replaceKeyedState(
            String uid, StateBootstrapTransformation<T> transformation, int maxParallelism) {
        return replaceState(uid, transformation, maxParallelism, null);
    }

    /**
     * Replaces the keyed state of {@code uid}, and its broadcast state with what {@code broadcast}
     * bootstraps (every subtask gets the same copy, as the job's broadcast state has); without one,
     * the base's operator state of {@code uid} is kept.
     */
    public <T> SavepointComposer replaceState(
            String uid,
            StateBootstrapTransformation<T> keyed,
            int maxParallelism,
            StateBootstrapTransformation<?> broadcast) {
        replacements.put(
                Savepoints.operatorId(uid),
                new Replacement<>(uid, keyed, maxParallelism, broadcast));
        return this;
    }

    /**
     * Changes the savepoint's max parallelism: operators without keyed state take it, and replaced
     * operators written with the savepoint's max parallelism too. Operators whose max parallelism
     * was set apart (1 for the single-task ones) keep theirs.
     */
    public SavepointComposer changeMaxParallelism(int newMaxParallelism) {
        if (newMaxParallelism < 1 || newMaxParallelism > 32768) {
            throw new IllegalArgumentException(
                    "max parallelism must be between 1 and 32768, not " + newMaxParallelism);
        }
        this.maxParallelism = newMaxParallelism;
        return this;
    }

    /**
     * Defines the job that writes the savepoint to {@code target} (a directory that must not exist
     * yet, or be empty); execute the environment to write it.
     */
    public void write(Path target) {
        Savepoints.requireNewTarget(target);
        String targetUri = target.toAbsolutePath().toUri().toString();
        org.apache.flink.core.fs.Path flinkTarget = new org.apache.flink.core.fs.Path(targetUri);

        List<OperatorState> kept = new ArrayList<>();
        List<OperatorState> filesToCopy = new ArrayList<>();
        for (OperatorState state : base.values()) {
            if (replacements.containsKey(state.getOperatorID())) {
                filesToCopy.add(operatorStateOnly(state));
                continue;
            }
            OperatorState rescaled = withMaxParallelism(state);
            kept.add(rescaled);
            filesToCopy.add(rescaled);
        }

        DataStream<OperatorState> all = null;
        for (Map.Entry<OperatorID, Replacement<?>> e : replacements.entrySet()) {
            DataStream<OperatorState> one = replaced(e.getKey(), e.getValue(), flinkTarget);
            all = all == null ? one : all.union(one);
        }
        if (!kept.isEmpty()) {
            DataStream<OperatorState> existing =
                    env.fromData(kept, TypeInformation.of(OperatorState.class))
                            .name("operators kept");
            all = all == null ? existing : all.union(existing);
        }
        if (all == null) {
            throw new IllegalStateException("the savepoint would hold no operator");
        }
        if (!filesToCopy.isEmpty()) {
            env.fromData(filesToCopy, TypeInformation.of(OperatorState.class))
                    .name("state files kept")
                    .flatMap(new StatePathExtractor())
                    .setParallelism(1)
                    .sinkTo(new OutputFormatSink<>(new FileCopyFunction(targetUri)))
                    .setParallelism(1)
                    .name("copy kept state files");
        }
        all.transform(
                        "savepoint metadata",
                        TypeInformation.of(CheckpointMetadata.class),
                        new GroupReduceOperator<>(
                                new MergeOperatorStates(checkpointId, masterStates)))
                .forceNonParallel()
                .sinkTo(new OutputFormatSink<>(new SavepointOutputFormat(flinkTarget)))
                .setParallelism(1)
                .name(targetUri);
    }

    private <T> DataStream<OperatorState> replaced(
            OperatorID id, Replacement<T> replacement, org.apache.flink.core.fs.Path target) {
        int operatorMaxParallelism =
                replacement.maxParallelism() > 0 ? replacement.maxParallelism() : maxParallelism();
        OperatorState previous = base.get(id);
        Map<Integer, OperatorSubtaskState> operatorState = new HashMap<>();
        if (previous != null && replacement.broadcast() == null) {
            previous.getSubtaskStates()
                    .forEach((i, s) -> operatorState.put(i, operatorStateOnly(s)));
        }
        OperatorIdentifier operator = OperatorIdentifier.forUid(replacement.uid());
        SingleOutputStreamOperator<TaggedOperatorSubtaskState> subtasks =
                SubtaskStateWriting.subtaskStates(
                        replacement.transformation(),
                        operator,
                        backend,
                        target,
                        operatorMaxParallelism);
        if (!operatorState.isEmpty() && previous != null && hasOperatorState(previous)) {
            // Operator state (broadcast definitions, sketches) stays with its subtask index.
            subtasks.setParallelism(Math.min(previous.getParallelism(), operatorMaxParallelism));
        }
        DataStream<TaggedOperatorSubtaskState> all = subtasks;
        if (replacement.broadcast() != null) {
            all =
                    all.union(
                            SubtaskStateWriting.subtaskStates(
                                            replacement.broadcast(),
                                            operator,
                                            backend,
                                            target,
                                            operatorMaxParallelism)
                                    .map(t -> new TaggedOperatorSubtaskState(BROADCAST, t.state))
                                    .returns(TaggedOperatorSubtaskState.class)
                                    .setParallelism(1));
        }
        return all.transform(
                        "operator state of " + replacement.uid(),
                        TypeInformation.of(OperatorState.class),
                        new GroupReduceOperator<>(
                                new SubtaskStatesReducer(
                                        id, operatorMaxParallelism, operatorState)))
                .forceNonParallel();
    }

    /** Gathers an operator's subtask states, adding back the operator state it kept. */
    private static final class SubtaskStatesReducer
            implements GroupReduceFunction<TaggedOperatorSubtaskState, OperatorState> {
        private static final long serialVersionUID = 1L;
        private final OperatorID id;
        private final int maxParallelism;
        private final Map<Integer, OperatorSubtaskState> operatorState;

        SubtaskStatesReducer(
                OperatorID id,
                int maxParallelism,
                Map<Integer, OperatorSubtaskState> operatorState) {
            this.id = id;
            this.maxParallelism = maxParallelism;
            this.operatorState = operatorState;
        }

        @Override
        public void reduce(
                Iterable<TaggedOperatorSubtaskState> values, Collector<OperatorState> out) {
            List<TaggedOperatorSubtaskState> subtasks = new ArrayList<>();
            OperatorSubtaskState broadcast = null;
            for (TaggedOperatorSubtaskState value : values) {
                if (value.index == BROADCAST) {
                    broadcast = value.state;
                } else {
                    subtasks.add(value);
                }
            }
            OperatorState state =
                    new OperatorState(null, null, id, subtasks.size(), maxParallelism);
            for (TaggedOperatorSubtaskState subtask : subtasks) {
                OperatorSubtaskState kept =
                        broadcast != null ? broadcast : operatorState.get(subtask.index);
                OperatorSubtaskState written = subtask.state;
                state.putState(
                        subtask.index,
                        kept == null
                                ? written
                                : OperatorSubtaskState.builder()
                                        .setManagedKeyedState(written.getManagedKeyedState())
                                        .setRawKeyedState(written.getRawKeyedState())
                                        .setManagedOperatorState(kept.getManagedOperatorState())
                                        .setRawOperatorState(kept.getRawOperatorState())
                                        .build());
            }
            out.collect(state);
        }
    }

    private OperatorState withMaxParallelism(OperatorState state) {
        if (maxParallelism == null
                || state.getMaxParallelism() != baseMaxParallelism
                || state.getMaxParallelism() == maxParallelism) {
            return state;
        }
        if (hasKeyedState(state)) {
            throw new IllegalStateException(
                    "operator "
                            + state.getOperatorID()
                            + " holds keyed state: its key groups change with the max"
                            + " parallelism, so it must be rewritten, not copied");
        }
        OperatorState copy =
                new OperatorState(
                        null, null, state.getOperatorID(), state.getParallelism(), maxParallelism);
        state.getSubtaskStates().forEach(copy::putState);
        return copy;
    }

    private static OperatorState operatorStateOnly(OperatorState state) {
        OperatorState copy =
                new OperatorState(
                        null,
                        null,
                        state.getOperatorID(),
                        state.getParallelism(),
                        state.getMaxParallelism());
        state.getSubtaskStates().forEach((i, s) -> copy.putState(i, operatorStateOnly(s)));
        return copy;
    }

    private static OperatorSubtaskState operatorStateOnly(OperatorSubtaskState state) {
        return OperatorSubtaskState.builder()
                .setManagedOperatorState(state.getManagedOperatorState())
                .setRawOperatorState(state.getRawOperatorState())
                .build();
    }

    private static boolean hasOperatorState(OperatorState state) {
        return state.getStates().stream()
                .anyMatch(
                        s ->
                                s.getManagedOperatorState().hasState()
                                        || s.getRawOperatorState().hasState());
    }

    /** Whether an operator of the base savepoint holds keyed state. */
    public static boolean hasKeyedState(OperatorState state) {
        return state.getStates().stream()
                .anyMatch(
                        s ->
                                s.getManagedKeyedState().hasState()
                                        || s.getRawKeyedState().hasState());
    }

    /** The base savepoint's operators with keyed state that are not replaced. */
    public List<OperatorID> keyedOperatorsKept() {
        List<OperatorID> ids = new ArrayList<>();
        base.values().stream()
                .filter(s -> !replacements.containsKey(s.getOperatorID()) && hasKeyedState(s))
                .forEach(s -> ids.add(s.getOperatorID()));
        return ids;
    }
}
