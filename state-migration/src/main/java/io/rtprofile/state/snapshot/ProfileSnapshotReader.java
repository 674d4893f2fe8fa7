package io.rtprofile.state.snapshot;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.profile.ProfileBuilder;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.state.PendingExample;
import io.rtprofile.schema.state.ProfileEngineState;
import io.rtprofile.schema.state.ProfileState;
import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.Savepoints;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads every key of the profile operator ({@link Uids#PROFILE_BUILDER}) of a savepoint or retained
 * checkpoint into {@link ProfileSnapshot}s: the contract view of the profile and, in {@code
 * engine}, everything the operator keeps under the key, so that {@code state export}, {@code state
 * bootstrap} and {@code state migrate} all start from the same complete picture.
 *
 * <p>The states are read through the job's own descriptor factories on {@link ProfileBuilder}; a
 * key is visited when any of them holds a value under it, so a key that only holds events waiting
 * for the watermark, or only training examples, is read too. Timers live with the state they serve
 * (held events, a window boundary, an example's deadline), so no key holds timers alone.
 */
public final class ProfileSnapshotReader {
    private ProfileSnapshotReader() {}

    /**
     * The snapshot of every profile-builder key, one element per key, in no particular order.
     *
     * <p>The reader runs at {@code env}'s parallelism, capped at the operator's max parallelism (a
     * reader subtask needs at least one key group). Canonical savepoints of either backend are read
     * with the heap backend, retained incremental RocksDB checkpoints with RocksDB ({@link
     * Savepoints#backendFor}).
     *
     * @param settings the job's settings: the namespace priority orders each profile's identities
     *     as the job shows them (use the settings the job ran with; {@link
     *     ProfileJobSettings#defaults()} for the default configuration)
     * @throws InvalidSavepointException the path is not a savepoint or retained checkpoint, or it
     *     has no state for the profile operator (not a savepoint of the profile job)
     */
    public static DataStream<ProfileSnapshot> read(
            StreamExecutionEnvironment env, Path savepoint, ProfileJobSettings settings)
            throws InvalidSavepointException {
        Objects.requireNonNull(settings, "settings");
        OperatorState builder = profileBuilder(savepoint);
        SavepointReader reader;
        DataStream<ProfileSnapshot> snapshots;
        try {
            reader =
                    SavepointReader.read(
                            env,
                            savepoint.toAbsolutePath().toString(),
                            Savepoints.backendFor(savepoint));
            snapshots =
                    reader.readKeyedState(
                            OperatorIdentifier.forUid(Uids.PROFILE_BUILDER),
                            new KeyReader(new ProfileMerger(settings)),
                            Types.STRING,
                            new AvroTypeInfo<>(ProfileSnapshot.class));
        } catch (IOException e) {
            throw new InvalidSavepointException(
                    "cannot read the savepoint " + savepoint + ": " + e.getMessage(), e);
        }
        if (snapshots instanceof SingleOutputStreamOperator<?> source) {
            source.setParallelism(Math.min(env.getParallelism(), builder.getMaxParallelism()));
        }
        return snapshots;
    }

    /** The profile operator's state in the savepoint, or why there is none. */
    static OperatorState profileBuilder(Path savepoint) throws InvalidSavepointException {
        Optional<OperatorState> builder =
                Savepoints.operator(Savepoints.load(savepoint), Uids.PROFILE_BUILDER);
        if (builder.isPresent()) {
            return builder.get();
        }
        OperatorID id = Savepoints.operatorId(Uids.PROFILE_BUILDER);
        throw new InvalidSavepointException(
                "no state of the profile operator (uid '"
                        + Uids.PROFILE_BUILDER
                        + "', operator id "
                        + id.toHexString()
                        + ") in "
                        + savepoint
                        + ": not a savepoint of the profile job");
    }

    /**
     * Reads one key's states into a snapshot. The profile view is built from the state as the job
     * would show it next: {@link ProfileMerger#standing} of {@link ProfileMerger#snapshot}, exactly
     * what {@code rtprofile run --snapshot} writes.
     */
    static final class KeyReader extends KeyedStateReaderFunction<String, ProfileSnapshot> {
        private static final long serialVersionUID = 1L;

        private final ProfileMerger merger;
        private transient ProfileKeyStates states;

        KeyReader(ProfileMerger merger) {
            this.merger = merger;
        }

        @Override
        public void open(OpenContext openContext) {
            states = ProfileKeyStates.of(getRuntimeContext());
        }

        @Override
        public void readKey(String key, Context ctx, Collector<ProfileSnapshot> out)
                throws Exception {
            if (!ctx.registeredProcessingTimeTimers().isEmpty()) {
                // The profile operator uses event time only; a snapshot cannot carry these.
                throw new IllegalStateException(
                        "profile "
                                + key
                                + " has processing-time timers, which the profile operator never"
                                + " registers: not a savepoint of this job's profile operator");
            }
            ProfileState state = states.profile().value();
            Map<String, PendingExample> pendingExamples = new HashMap<>();
            for (Map.Entry<String, PendingExample> e : states.examples().entries()) {
                pendingExamples.put(e.getKey(), e.getValue());
            }
            List<String> transfers = states.awaited().value();
            // Map order is the backend's (hash or bytes): events go out in timestamp order, and
            // within one timestamp in the order they arrived (the list's).
            TreeMap<Long, List<ExperienceEvent>> byTime = new TreeMap<>();
            for (Map.Entry<Long, List<ExperienceEvent>> e : states.pending().entries()) {
                byTime.put(e.getKey(), e.getValue());
            }
            List<ExperienceEvent> events = new ArrayList<>();
            byTime.values().forEach(events::addAll);
            Set<Long> registered = ctx.registeredEventTimeTimers();
            List<Long> timers = new ArrayList<>(registered);
            timers.sort(null);

            ProfileEngineState engine =
                    ProfileEngineState.newBuilder()
                            .setState(state)
                            .setPendingExamples(pendingExamples)
                            .setAwaitedTransfers(
                                    transfers == null ? null : new ArrayList<>(transfers))
                            .setPendingEvents(events)
                            .setEventTimers(timers)
                            .build();
            out.collect(
                    ProfileSnapshot.newBuilder()
                            .setProfileId(key)
                            .setProfile(
                                    state == null
                                            ? null
                                            : ProfileMerger.standing(merger.snapshot(state)))
                            .setEngine(engine)
                            .build());
        }
    }
}
