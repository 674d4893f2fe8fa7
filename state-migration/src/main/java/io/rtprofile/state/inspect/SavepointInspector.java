package io.rtprofile.state.inspect;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.jobs.models.training.ModelTrainer;
import io.rtprofile.jobs.profile.ProfileBuilder;
import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.Savepoints;
import io.rtprofile.state.inspect.SavepointInspection.Operator;
import io.rtprofile.state.inspect.SavepointInspection.State;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code rtprofile state inspect}: what a savepoint or retained checkpoint holds, operator by
 * operator. The sizes and state names come from the metadata and the state files' headers; the key
 * counts of the job's own keyed states are read with the State Processor API through the same
 * descriptors the job uses, on a small local Flink.
 */
public final class SavepointInspector {

    /** The job's keyed states whose keys are counted, by operator UID. */
    static final Map<String, List<StateDescriptor<?, ?>>> COUNTED =
            Map.of(
                    Uids.PROFILE_BUILDER,
                    List.of(
                            ProfileBuilder.profileStateDescriptor(),
                            ProfileBuilder.pendingExamplesDescriptor(),
                            ProfileBuilder.awaitedTransfersDescriptor(),
                            ProfileBuilder.pendingEventsDescriptor()),
                    Uids.IDENTITY_RESOLVER,
                    List.of(
                            IdentityResolver.assignmentsDescriptor(),
                            IdentityResolver.membersDescriptor()),
                    Uids.MODEL_TRAINER,
                    List.of(ModelTrainer.trainingStateDescriptor()));

    private static final String COMMITTER_PREFIX = "Sink Committer: ";

    private final int parallelism;

    /**
     * @param parallelism the local Flink's parallelism while keys are counted
     */
    public SavepointInspector(int parallelism) {
        this.parallelism = parallelism;
    }

    /** Reads the metadata only: operators, sizes and state names, no key counts. */
    public SavepointInspection inspectMetadata(Path path) throws InvalidSavepointException {
        CheckpointMetadata metadata = Savepoints.load(path);
        Map<OperatorID, String> uids = knownUids();
        List<Operator> operators = new ArrayList<>();
        for (OperatorState state : metadata.getOperatorStates()) {
            operators.add(describe(state, uids));
        }
        List<String> order = knownUidOrder();
        operators.sort(
                Comparator.comparing((Operator o) -> o.uid() == null ? 1 : 0)
                        .thenComparing(o -> o.uid() == null ? 0 : order.indexOf(o.uid()))
                        .thenComparing(Operator::operatorId));
        return new SavepointInspection(
                path.toString(), metadata.getCheckpointId(), List.copyOf(operators));
    }

    /** The metadata, and the key counts of the job's keyed states present in the savepoint. */
    public SavepointInspection inspect(Path path) throws InvalidSavepointException {
        SavepointInspection described = inspectMetadata(path);
        Map<String, Integer> counted = new LinkedHashMap<>();
        for (Operator o : described.operators()) {
            if (o.uid() != null && o.managedKeyedState() && COUNTED.containsKey(o.uid())) {
                counted.put(o.uid(), o.maxParallelism());
            }
        }
        if (counted.isEmpty()) {
            return described;
        }
        Map<String, long[]> counts =
                countKeys(described.path(), counted, Savepoints.backendFor(path));
        List<Operator> operators = new ArrayList<>();
        for (Operator o : described.operators()) {
            if (!counted.containsKey(o.uid())) {
                operators.add(o);
                continue;
            }
            Set<String> names = new LinkedHashSet<>();
            o.states().forEach(s -> names.add(s.name()));
            COUNTED.get(o.uid()).forEach(d -> names.add(d.getName()));
            List<State> states = new ArrayList<>();
            for (String name : names) {
                State known = o.state(name).orElse(new State(name, true, null, null));
                StateDescriptor<?, ?> descriptor = descriptor(o.uid(), name);
                if (descriptor == null) {
                    states.add(known);
                    continue;
                }
                long[] c = counts.getOrDefault(o.uid() + "\u0000" + name, new long[2]);
                boolean isMap = descriptor instanceof MapStateDescriptor;
                states.add(new State(name, true, c[0], isMap ? c[1] : null));
            }
            operators.add(
                    new Operator(
                            o.operatorId(),
                            o.uid(),
                            o.parallelism(),
                            o.maxParallelism(),
                            o.stateBytes(),
                            o.managedKeyedState(),
                            o.managedOperatorState(),
                            List.copyOf(states)));
        }
        return new SavepointInspection(
                described.path(), described.checkpointId(), List.copyOf(operators));
    }

    private static StateDescriptor<?, ?> descriptor(String uid, String name) {
        return COUNTED.get(uid).stream()
                .filter(d -> d.getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static Operator describe(OperatorState state, Map<OperatorID, String> uids) {
        String uid = uids.get(state.getOperatorID());
        boolean keyed = false;
        boolean operator = false;
        Map<String, State> states = new LinkedHashMap<>();
        Set<String> operatorStates = new TreeSet<>();
        for (OperatorSubtaskState subtask : state.getStates()) {
            for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                keyed = true;
                for (String name : keyedStateNames(handle)) {
                    states.putIfAbsent(name, new State(name, true, null, null));
                }
            }
            for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
                operator = true;
                operatorStates.addAll(handle.getStateNameToPartitionOffsets().keySet());
            }
        }
        List<State> all = new ArrayList<>(states.values());
        all.sort(Comparator.comparing(State::name));
        operatorStates.forEach(n -> all.add(new State(n, false, null, null)));
        return new Operator(
                state.getOperatorID().toHexString(),
                uid,
                state.getParallelism(),
                state.getMaxParallelism(),
                state.getStateSize(),
                keyed,
                operator,
                List.copyOf(all));
    }

    /**
     * The state names in a keyed state handle's header (the backend's serialization proxy), which
     * both a canonical savepoint's key-group file and an incremental checkpoint's meta file start
     * with. An unreadable header leaves the names out rather than failing the inspection.
     */
    private static List<String> keyedStateNames(KeyedStateHandle handle) {
        StreamStateHandle header = null;
        if (handle instanceof KeyGroupsStateHandle k) {
            header = k;
        } else if (handle instanceof IncrementalRemoteKeyedStateHandle i) {
            header = i.getMetaDataStateHandle();
        }
        if (header == null) {
            return List.of();
        }
        try (InputStream in = header.openInputStream()) {
            KeyedBackendSerializationProxy<?> proxy =
                    new KeyedBackendSerializationProxy<>(SavepointInspector.class.getClassLoader());
            proxy.read(new DataInputViewStreamWrapper(in));
            List<String> names = new ArrayList<>();
            for (StateMetaInfoSnapshot s : proxy.getStateMetaInfoSnapshots()) {
                names.add(s.getName());
            }
            return names;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** Keys and map entries by "uid\0state name", read in one local job. */
    private Map<String, long[]> countKeys(
            String path, Map<String, Integer> uids, StateBackend backend)
            throws InvalidSavepointException {
        TypeInformation<Tuple4<String, String, Long, Long>> type =
                Types.TUPLE(Types.STRING, Types.STRING, Types.LONG, Types.LONG);
        Map<String, long[]> counts = new HashMap<>();
        try {
            StreamExecutionEnvironment env = Savepoints.environment(parallelism);
            SavepointReader reader = SavepointReader.read(env, path, backend);
            DataStream<Tuple4<String, String, Long, Long>> all = null;
            for (Map.Entry<String, Integer> e : uids.entrySet()) {
                String uid = e.getKey();
                DataStream<Tuple4<String, String, Long, Long>> one =
                        reader.readKeyedState(
                                OperatorIdentifier.forUid(uid),
                                new KeyCounter(uid, COUNTED.get(uid)),
                                Types.STRING,
                                type);
                // A reader cannot run wider than the operator's key groups (1 for the resolver).
                if (one instanceof SingleOutputStreamOperator<?> source) {
                    source.setParallelism(Math.min(parallelism, e.getValue()));
                }
                all = all == null ? one : all.union(one);
            }
            try (CloseableIterator<Tuple4<String, String, Long, Long>> it =
                    all.executeAndCollect("rtprofile state inspect")) {
                while (it.hasNext()) {
                    Tuple4<String, String, Long, Long> t = it.next();
                    long[] c = counts.computeIfAbsent(t.f0 + "\u0000" + t.f1, k -> new long[2]);
                    c[0] += t.f2;
                    c[1] += t.f3;
                }
            }
        } catch (Exception e) {
            throw new InvalidSavepointException(
                    "cannot read the keyed state of " + path + ": " + rootMessage(e), e);
        }
        return counts;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Each UID constant of {@link Uids} by the operator id Flink derives from it. */
    static Map<OperatorID, String> knownUids() {
        Map<OperatorID, String> ids = new HashMap<>();
        for (String uid : knownUidOrder()) {
            ids.put(OperatorIdentifier.forUid(uid).getOperatorId(), uid);
        }
        return ids;
    }

    /**
     * The UID constants in declaration order, each sink's followed by its committer's, which Flink
     * derives from the sink's UID (Sink V2: {@code "Sink Committer: " + uid}).
     */
    private static List<String> knownUidOrder() {
        List<String> uids = new ArrayList<>();
        for (Field f : Uids.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String uid = (String) f.get(null);
                    uids.add(uid);
                    if (uid.endsWith("-sink")) {
                        uids.add(COMMITTER_PREFIX + uid);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return uids;
    }

    /**
     * Emits, per key, (uid, state, 1, entries) for each counted state that has a value under it.
     */
    static final class KeyCounter
            extends KeyedStateReaderFunction<String, Tuple4<String, String, Long, Long>> {
        private final String uid;
        private final List<StateDescriptor<?, ?>> descriptors;
        private transient List<ValueState<?>> values;
        private transient List<MapState<?, ?>> maps;

        KeyCounter(String uid, List<StateDescriptor<?, ?>> descriptors) {
            this.uid = uid;
            this.descriptors = descriptors;
        }

        @Override
        public void open(OpenContext openContext) {
            values = new ArrayList<>();
            maps = new ArrayList<>();
            for (StateDescriptor<?, ?> d : descriptors) {
                if (d instanceof ValueStateDescriptor<?> v) {
                    values.add(getRuntimeContext().getState(v));
                } else if (d instanceof MapStateDescriptor<?, ?> m) {
                    maps.add(getRuntimeContext().getMapState(m));
                }
            }
        }

        @Override
        public void readKey(
                String key, Context ctx, Collector<Tuple4<String, String, Long, Long>> out)
                throws Exception {
            int v = 0;
            int m = 0;
            for (StateDescriptor<?, ?> d : descriptors) {
                if (d instanceof ValueStateDescriptor) {
                    if (values.get(v++).value() != null) {
                        out.collect(Tuple4.of(uid, d.getName(), 1L, 0L));
                    }
                } else if (d instanceof MapStateDescriptor) {
                    long entries = 0;
                    for (Object ignored : maps.get(m++).keys()) {
                        entries++;
                    }
                    if (entries > 0) {
                        out.collect(Tuple4.of(uid, d.getName(), 1L, entries));
                    }
                }
            }
        }
    }
}
