package io.rtprofile.state.bootstrap;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.jobs.profile.ProfileBuilder;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.state.AttributeState;
import io.rtprofile.schema.state.IdentityAssignment;
import io.rtprofile.schema.state.IdentityState;
import io.rtprofile.schema.state.PendingExample;
import io.rtprofile.schema.state.ProfileEngineState;
import io.rtprofile.schema.state.ProfileState;
import io.rtprofile.schema.state.WindowState;
import io.rtprofile.state.Savepoints;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.BroadcastStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ProfileBootstrap} through {@code SavepointComposer}: the written savepoint read back with
 * the job's descriptors. (The job restoring bootstrapped savepoints is tested in local-cluster's
 * SavepointCompatibilityITCase.)
 */
class ProfileBootstrapTest {

    private static final long T = 1_700_000_000_000L;

    /** One local Flink for every job of the class (each would otherwise start its own). */
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    @Test
    void writesEveryKeyExactlyAndKeepsTheBasesOperatorState() throws Exception {
        Path base = dir.resolve("base");
        writeBaseWithPublishedSegment(base);

        Path target = dir.resolve("bootstrapped");
        StreamExecutionEnvironment env = Savepoints.environment(2);
        ProfileEngineState full = fullEngine();
        ProfileSnapshot exported =
                ProfileSnapshot.newBuilder().setProfileId("p-1").setEngine(full).build();
        ProfileSnapshot warehouse =
                ProfileSnapshot.newBuilder()
                        .setProfileId("p-2")
                        .setProfile(warehouseProfile())
                        .build();
        ProfileBootstrap.define(
                env,
                env.fromData(
                        List.of(exported, warehouse), new AvroTypeInfo<>(ProfileSnapshot.class)),
                base,
                target,
                new HashMapStateBackend(),
                128);
        env.execute("bootstrap");

        // The metadata: the resolver keeps max parallelism 1, which SavepointWriter refuses.
        Map<String, OperatorState> operators = new HashMap<>();
        for (OperatorState s : Savepoints.load(target).getOperatorStates()) {
            for (String uid : List.of(Uids.PROFILE_BUILDER, Uids.IDENTITY_RESOLVER)) {
                if (s.getOperatorID().equals(OperatorIdentifier.forUid(uid).getOperatorId())) {
                    operators.put(uid, s);
                }
            }
        }
        assertThat(operators.get(Uids.IDENTITY_RESOLVER).getMaxParallelism()).isEqualTo(1);
        assertThat(operators.get(Uids.PROFILE_BUILDER).getMaxParallelism()).isEqualTo(128);

        Map<String, String> keys = readProfileKeys(target);
        assertThat(keys).containsOnlyKeys("p-1", "p-2");
        assertThat(keys.get("p-1"))
                .isEqualTo(
                        describe(
                                full.getState(),
                                full.getPendingExamples().keySet(),
                                2,
                                List.of(T + 500, T + 900)));
        ProfileState seeded = SeededProfiles.engineOf(warehouseProfile()).getState();
        assertThat(keys.get("p-2")).isEqualTo(describe(seeded, List.of(), 0, List.of()));
        assertThat(seeded.getAttributes().get("tier"))
                .isEqualTo(new AttributeState("gold", T, SeededProfiles.SOURCE, ""));
        assertThat(seeded.getSegments()).containsOnlyKeys("high-value");

        // The graph: every identity assigned to its profile, and each profile's identities.
        assertThat(readGraph(target))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "email:ann@x.io", "p-1",
                                "ecid:c0ffee", "p-1",
                                "crm:C2", "p-2"));

        // The base's broadcast state of the profile operator is still there.
        SavepointReader reader =
                SavepointReader.read(
                        Savepoints.environment(1), target.toString(), new HashMapStateBackend());
        List<Tuple2<String, String>> segments = new ArrayList<>();
        try (CloseableIterator<Tuple2<String, String>> it =
                reader.readBroadcastState(
                                OperatorIdentifier.forUid(Uids.PROFILE_BUILDER),
                                ProfileBuilder.PUBLISHED_SEGMENTS.getName(),
                                Types.STRING,
                                Types.STRING,
                                StringSerializer.INSTANCE,
                                StringSerializer.INSTANCE)
                        .map(e -> Tuple2.of(e.f0, e.f1))
                        .returns(Types.TUPLE(Types.STRING, Types.STRING))
                        .executeAndCollect()) {
            it.forEachRemaining(segments::add);
        }
        assertThat(segments).containsExactly(Tuple2.of("high-value", "definition text"));
    }

    @Test
    void refusesToWriteOverAnything() throws Exception {
        Path target = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(target.resolve("_metadata"), "x");
        StreamExecutionEnvironment env = Savepoints.environment(1);
        assertThatThrownBy(
                        () ->
                                ProfileBootstrap.define(
                                        env,
                                        env.fromData(
                                                List.of(
                                                        ProfileSnapshot.newBuilder()
                                                                .setProfileId("p")
                                                                .setProfile(warehouseProfile())
                                                                .build()),
                                                new AvroTypeInfo<>(ProfileSnapshot.class)),
                                        null,
                                        target,
                                        new HashMapStateBackend(),
                                        128))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not empty");
    }

    private void writeBaseWithPublishedSegment(Path base) throws Exception {
        StreamExecutionEnvironment env = Savepoints.environment(1);
        SavepointWriter.newSavepoint(env, new HashMapStateBackend(), 128)
                .withOperator(
                        OperatorIdentifier.forUid(Uids.PROFILE_BUILDER),
                        OperatorTransformation.bootstrapWith(env.fromData("high-value"))
                                .transform(new PublishSegment()))
                .write(base.toUri().toString());
        env.execute("base");
    }

    static final class PublishSegment extends BroadcastStateBootstrapFunction<String> {
        @Override
        public void processElement(String id, Context ctx) throws Exception {
            ctx.getBroadcastState(ProfileBuilder.PUBLISHED_SEGMENTS).put(id, "definition text");
        }
    }

    private static ProfileEngineState fullEngine() {
        ProfileState state = ProfileMerger.newProfile("p-1");
        state.setVersion(7);
        state.setUpdatedAt(T);
        state.setIdentities(
                new ArrayList<>(
                        List.of(
                                new IdentityState("email", "ann@x.io", T - 100, T),
                                new IdentityState("ecid", "c0ffee", T - 50, T - 10))));
        state.getAttributes().put("country", new AttributeState("FR", T, "web", "e-9"));
        state.getSegments().put("high-value", T - 100);
        state.setBoundaryTimer(T + 900);
        WindowState window = new WindowState();
        window.setTimes(new ArrayList<>(List.of(T - 100, T)));
        window.setKeys(new ArrayList<>());
        window.setSums(new ArrayList<>(List.of(600.5, 10.0)));
        window.setCounts(new ArrayList<>(List.of(1L, 1L)));
        window.setSteps(new ArrayList<>());
        window.setChain(new ArrayList<>());
        window.setTotal(610.5);
        window.setCount(2);
        state.getWindows().put("sum:purchase", window);
        Map<String, PendingExample> examples = new HashMap<>();
        examples.put(
                "purchase-propensity",
                new PendingExample(T - 10, T + 900, 3L, new HashMap<>(Map.of("carts", 1.0)), null));
        List<ExperienceEvent> held = new ArrayList<>();
        for (String id : List.of("e-1", "e-2")) {
            held.add(
                    ExperienceEvent.newBuilder()
                            .setEventId(id)
                            .setTimestamp(T + 500)
                            .setType("web.productView")
                            .setIdentities(List.of(new Identity("email", "ann@x.io")))
                            .build());
        }
        return ProfileEngineState.newBuilder()
                .setState(state)
                .setPendingExamples(examples)
                .setPendingEvents(held)
                .setEventTimers(new ArrayList<>(List.of(T + 500, T + 900)))
                .build();
    }

    private static ProfileUpdate warehouseProfile() {
        return ProfileUpdate.newBuilder()
                .setProfileId("p-2")
                .setVersion(3)
                .setUpdatedAt(T)
                .setIdentities(List.of(new Identity("crm", "C2")))
                .setAttributes(new HashMap<>(Map.of("tier", "gold")))
                .setSegments(
                        new HashMap<>(
                                Map.of(
                                        "high-value",
                                        new SegmentMembership(SegmentStatus.existing, T - 5))))
                .build();
    }

    private static String describe(
            ProfileState state, Iterable<String> examples, int heldEvents, List<Long> timers) {
        return state + " examples " + examples + " held " + heldEvents + " timers " + timers;
    }

    private static Map<String, String> readProfileKeys(Path savepoint) throws Exception {
        SavepointReader reader =
                SavepointReader.read(
                        Savepoints.environment(2), savepoint.toString(), new HashMapStateBackend());
        Map<String, String> keys = new TreeMap<>();
        try (CloseableIterator<Tuple2<String, String>> it =
                reader.readKeyedState(
                                OperatorIdentifier.forUid(Uids.PROFILE_BUILDER),
                                new ProfileKeyReader(),
                                Types.STRING,
                                Types.TUPLE(Types.STRING, Types.STRING))
                        .executeAndCollect()) {
            it.forEachRemaining(t -> keys.put(t.f0, t.f1));
        }
        return keys;
    }

    private static Map<String, String> readGraph(Path savepoint) throws Exception {
        StreamExecutionEnvironment env = Savepoints.environment(1);
        SavepointReader reader =
                SavepointReader.read(env, savepoint.toString(), new HashMapStateBackend());
        Map<String, String> graph = new TreeMap<>();
        try (CloseableIterator<Tuple2<String, String>> it =
                reader.readKeyedState(
                                OperatorIdentifier.forUid(Uids.IDENTITY_RESOLVER),
                                new GraphReader(),
                                Types.STRING,
                                Types.TUPLE(Types.STRING, Types.STRING))
                        .executeAndCollect()) {
            it.forEachRemaining(t -> graph.put(t.f0, t.f1));
        }
        return graph;
    }

    static final class ProfileKeyReader
            extends KeyedStateReaderFunction<String, Tuple2<String, String>> {
        private transient ValueState<ProfileState> profile;
        private transient MapState<String, PendingExample> examples;
        private transient MapState<Long, List<ExperienceEvent>> pending;

        @Override
        public void open(OpenContext openContext) {
            profile = getRuntimeContext().getState(ProfileBuilder.profileStateDescriptor());
            examples = getRuntimeContext().getMapState(ProfileBuilder.pendingExamplesDescriptor());
            pending = getRuntimeContext().getMapState(ProfileBuilder.pendingEventsDescriptor());
        }

        @Override
        public void readKey(String key, Context ctx, Collector<Tuple2<String, String>> out)
                throws Exception {
            List<String> exampleIds = new ArrayList<>();
            examples.keys().forEach(exampleIds::add);
            int held = 0;
            for (List<ExperienceEvent> events : pending.values()) {
                held += events.size();
            }
            List<Long> timers = new ArrayList<>(ctx.registeredEventTimeTimers());
            timers.sort(null);
            out.collect(Tuple2.of(key, describe(profile.value(), exampleIds, held, timers)));
        }
    }

    static final class GraphReader
            extends KeyedStateReaderFunction<String, Tuple2<String, String>> {
        private transient MapState<String, IdentityAssignment> assignments;
        private transient MapState<String, List<Identity>> members;

        @Override
        public void open(OpenContext openContext) {
            assignments = getRuntimeContext().getMapState(IdentityResolver.assignmentsDescriptor());
            members = getRuntimeContext().getMapState(IdentityResolver.membersDescriptor());
        }

        @Override
        public void readKey(String key, Context ctx, Collector<Tuple2<String, String>> out)
                throws Exception {
            for (Map.Entry<String, IdentityAssignment> a : assignments.entries()) {
                String profileId = a.getValue().getProfileId();
                boolean listed =
                        members.get(profileId).stream()
                                .anyMatch(i -> IdentityResolver.keyOf(i).equals(a.getKey()));
                out.collect(Tuple2.of(a.getKey(), listed ? profileId : "unlisted"));
            }
        }
    }
}
