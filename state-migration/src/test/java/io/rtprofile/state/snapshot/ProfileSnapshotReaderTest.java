package io.rtprofile.state.snapshot;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.profile.ProfileBuilder;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.state.AttributeState;
import io.rtprofile.schema.state.IdentityState;
import io.rtprofile.schema.state.PendingExample;
import io.rtprofile.schema.state.ProfileEngineState;
import io.rtprofile.schema.state.ProfileState;
import io.rtprofile.schema.state.WindowState;
import io.rtprofile.state.InvalidSavepointException;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ProfileSnapshotReader} on savepoints written with the State Processor API through the
 * job's own descriptors, by the heap and the RocksDB backend: every kind of key comes back with
 * everything under it. The committed fixture taken from the running job is read in local-cluster's
 * StateExportCommandTest.
 */
class ProfileSnapshotReaderTest {

    private static final long T0 = 1_795_000_000_000L;

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void readsEveryKeyWithEverythingUnderIt(String backend) throws Exception {
        Map<String, ProfileEngineState> written = new TreeMap<>();
        written.put("p-full", full());
        written.put("p-pending", pendingEventsOnly());
        written.put("p-examples", examplesOnly());
        written.put("p-merging", merging());
        writeSavepoint(
                "heap".equals(backend)
                        ? new HashMapStateBackend()
                        : new EmbeddedRocksDBStateBackend(),
                written);

        Map<String, ProfileSnapshot> read = new TreeMap<>();
        for (ProfileSnapshot s : read(dir, 4)) {
            assertThat(read.put(s.getProfileId(), s)).as("key read twice").isNull();
        }

        assertThat(read.keySet()).isEqualTo(written.keySet());
        read.forEach((id, s) -> assertThat(s.getEngine()).as(id).isEqualTo(written.get(id)));
        // Events come back in (timestamp, arrival) order, timers ascending.
        assertThat(read.get("p-pending").getEngine().getPendingEvents())
                .extracting(ExperienceEvent::getEventId)
                .containsExactly("e-early", "e-late-first", "e-late-second");

        ProfileUpdate profile = read.get("p-full").getProfile();
        assertThat(profile.getVersion()).isEqualTo(5);
        // Identities by namespace priority (crm first), not in the state's order.
        assertThat(profile.getIdentities())
                .containsExactly(new Identity("crm", "C1"), new Identity("email", "a@x"));
        assertThat(profile.getAttributes()).containsOnlyKeys("country");
        assertThat(profile.getSegments()).containsOnlyKeys("engaged");
        assertThat(profile.getSegments().get("engaged").getStatus())
                .isEqualTo(SegmentStatus.existing);
        assertThat(profile.getSegmentChanges()).isEmpty();
        assertThat(profile.getScores()).containsOnlyKeys("purchase-propensity");
        assertThat(read.get("p-merging").getProfile()).isNotNull();
        assertThat(read.get("p-pending").getProfile()).isNull();
        assertThat(read.get("p-examples").getProfile()).isNull();
    }

    @Test
    void refusesASavepointWithoutTheProfileOperator() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        SavepointWriter.newSavepoint(env, new HashMapStateBackend(), 128)
                .withOperator(
                        OperatorIdentifier.forUid(Uids.IDENTITY_RESOLVER),
                        OperatorTransformation.bootstrapWith(env.fromData("x"))
                                .keyBy(x -> x, Types.STRING)
                                .transform(new NothingWritten()))
                .write(dir.toUri().toString());
        env.execute("write a savepoint without the profile operator");

        assertThatThrownBy(() -> read(dir, 1))
                .isInstanceOf(InvalidSavepointException.class)
                .hasMessageContaining("uid 'profile-builder'")
                .hasMessageContaining("not a savepoint of the profile job");
    }

    @Test
    void refusesAPathThatIsNotASavepoint() {
        assertThatThrownBy(() -> read(dir, 1))
                .isInstanceOf(InvalidSavepointException.class)
                .hasMessageContaining("no _metadata");
    }

    private static List<ProfileSnapshot> read(Path savepoint, int parallelism) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism);
        List<ProfileSnapshot> all = new ArrayList<>();
        try (CloseableIterator<ProfileSnapshot> it =
                ProfileSnapshotReader.read(env, savepoint, ProfileJobSettings.defaults())
                        .executeAndCollect("read")) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    private void writeSavepoint(StateBackend backend, Map<String, ProfileEngineState> engines)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<ProfileSnapshot> keys = new ArrayList<>();
        engines.forEach((id, engine) -> keys.add(new ProfileSnapshot(id, null, engine)));
        SavepointWriter.newSavepoint(env, backend, 128)
                .withOperator(
                        OperatorIdentifier.forUid(Uids.PROFILE_BUILDER),
                        OperatorTransformation.bootstrapWith(
                                        env.fromData(
                                                keys, new AvroTypeInfo<>(ProfileSnapshot.class)))
                                .keyBy(ProfileSnapshot::getProfileId, Types.STRING)
                                .transform(new EngineWriter()))
                .write(dir.toUri().toString());
        env.execute("write a profile-builder savepoint");
    }

    /** Writes a snapshot's engine state under its key, as the job keeps it. */
    static final class EngineWriter extends KeyedStateBootstrapFunction<String, ProfileSnapshot> {
        private transient ValueState<ProfileState> profile;
        private transient MapState<String, PendingExample> examples;
        private transient ValueState<List<String>> awaited;
        private transient MapState<Long, List<ExperienceEvent>> pending;

        @Override
        public void open(OpenContext openContext) {
            profile = getRuntimeContext().getState(ProfileBuilder.profileStateDescriptor());
            examples = getRuntimeContext().getMapState(ProfileBuilder.pendingExamplesDescriptor());
            awaited = getRuntimeContext().getState(ProfileBuilder.awaitedTransfersDescriptor());
            pending = getRuntimeContext().getMapState(ProfileBuilder.pendingEventsDescriptor());
        }

        @Override
        public void processElement(ProfileSnapshot snapshot, Context ctx) throws Exception {
            ProfileEngineState engine = snapshot.getEngine();
            if (engine.getState() != null) {
                profile.update(engine.getState());
            }
            examples.putAll(engine.getPendingExamples());
            if (engine.getAwaitedTransfers() != null) {
                awaited.update(engine.getAwaitedTransfers());
            }
            for (ExperienceEvent event : engine.getPendingEvents()) {
                List<ExperienceEvent> atTime = pending.get(event.getTimestamp());
                atTime = atTime == null ? new ArrayList<>() : new ArrayList<>(atTime);
                atTime.add(event);
                pending.put(event.getTimestamp(), atTime);
            }
            for (long timer : engine.getEventTimers()) {
                ctx.timerService().registerEventTimeTimer(timer);
            }
        }
    }

    static final class NothingWritten extends KeyedStateBootstrapFunction<String, String> {
        @Override
        public void processElement(String value, Context ctx) {}
    }

    private static ProfileEngineState full() {
        ProfileState state = ProfileMerger.newProfile("p-full");
        state.setVersion(5);
        state.setUpdatedAt(T0);
        state.getIdentities().add(new IdentityState("email", "a@x", T0 - 10, T0));
        state.getIdentities().add(new IdentityState("crm", "C1", T0 - 5, T0));
        state.getAttributes().put("country", new AttributeState("FR", T0, "crm", "e-1"));
        state.getAttributes().put("erased", new AttributeState(null, T0, "crm", "e-2"));
        state.getSegments().put("engaged", T0 - 1);
        Map<String, WindowState> windows = new HashMap<>();
        windows.put("count:page.view:30d", WindowState.newBuilder().setTimes(List.of(T0)).build());
        state.setWindows(windows);
        state.getScores().put("purchase-propensity", new Score(0.7, 80, 2L, List.of(), null));
        state.setBoundaryTimer(T0 + 30);
        return ProfileEngineState.newBuilder()
                .setState(state)
                .setPendingExamples(
                        Map.of(
                                "purchase-propensity",
                                new PendingExample(T0, T0 + 20, 2L, Map.of("views", 1.0), null)))
                .setAwaitedTransfers(null)
                .setPendingEvents(List.of(event("e-held", T0 + 10)))
                .setEventTimers(List.of(T0 + 10, T0 + 20, T0 + 30))
                .build();
    }

    private static ProfileEngineState pendingEventsOnly() {
        return ProfileEngineState.newBuilder()
                .setState(null)
                .setPendingExamples(Map.of())
                .setAwaitedTransfers(null)
                .setPendingEvents(
                        List.of(
                                event("e-early", T0 - 50),
                                event("e-late-first", T0),
                                event("e-late-second", T0)))
                .setEventTimers(List.of(T0 - 50, T0))
                .build();
    }

    private static ProfileEngineState examplesOnly() {
        return ProfileEngineState.newBuilder()
                .setState(null)
                .setPendingExamples(
                        Map.of("churn", new PendingExample(T0, T0 + 99, 0L, Map.of(), T0 + 1)))
                .setAwaitedTransfers(null)
                .setPendingEvents(List.of())
                .setEventTimers(List.of(T0 + 99))
                .build();
    }

    private static ProfileEngineState merging() {
        ProfileState state = ProfileMerger.newProfile("p-merging");
        state.setVersion(1);
        state.setUpdatedAt(T0);
        state.getIdentities().add(new IdentityState("ecid", "c1", T0, T0));
        return ProfileEngineState.newBuilder()
                .setState(state)
                .setPendingExamples(Map.of())
                .setAwaitedTransfers(List.of("p-absorbed-1", "p-absorbed-2"))
                .setPendingEvents(List.of(event("e-waits-for-merge", T0 + 1)))
                .setEventTimers(List.of(T0 + 1))
                .build();
    }

    private static ExperienceEvent event(String id, long time) {
        return new ExperienceEvent(
                id, time, "page.view", List.of(new Identity("ecid", "c1")), "web", Map.of(), null);
    }
}
