package io.rtprofile.state.migrate;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.dedup.EventDeduplicator;
import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.state.AttributeState;
import io.rtprofile.schema.state.IdentityState;
import io.rtprofile.schema.state.ModelTraining;
import io.rtprofile.schema.state.PendingExample;
import io.rtprofile.schema.state.ProfileEngineState;
import io.rtprofile.schema.state.ProfileState;
import io.rtprofile.schema.state.ScoreSketch;
import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.Savepoints;
import io.rtprofile.state.bootstrap.ProfileKeyWriter;
import io.rtprofile.state.snapshot.ProfileSnapshotReader;
import io.rtprofile.state.write.SavepointComposer;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
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
 * {@link SavepointMigration} on a small savepoint holding every kind of state a plan touches,
 * written with the job's descriptors on either backend, migrated, and read back. (The fixture taken
 * from the running job is migrated and restored in local-cluster.)
 */
class SavepointMigrationTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final long T = 1_700_000_000_000L;
    private static final ProfileJobSettings SETTINGS = ProfileJobSettings.defaults();
    private static final String PLAN =
            """
            attributes:
              rename: {loyaltyTier: tier}
              drop: [legacyScore, neverSeen]
            segments:
              drop: [summer-sale]
            models:
              drop: [old-propensity]
            maxParallelism: 256
            """;

    @TempDir Path dir;

    @ParameterizedTest(name = "a savepoint of the {0} backend")
    @ValueSource(strings = {"heap", "rocksdb"})
    void rewritesEveryStateThePlanConcernsAndKeepsTheRest(String backend) throws Exception {
        Path base = dir.resolve("base");
        writeBase(
                base,
                backend.equals("heap")
                        ? new HashMapStateBackend()
                        : new EmbeddedRocksDBStateBackend());
        Path target = dir.resolve("migrated");

        MigrationReport report =
                new SavepointMigration(SETTINGS, 2)
                        .migrate(base, MigrationPlan.parse("plan.yaml", PLAN), target);

        // Key groups: the keyed operators at 256, the single-task trainer still at 1.
        assertThat(maxParallelisms(target))
                .containsEntry(Uids.PROFILE_BUILDER, 256)
                .containsEntry(Uids.DEDUPLICATOR, 256)
                .containsEntry(Uids.MODEL_TRAINER, 1);

        Map<String, ProfileEngineState> profiles = readProfiles(target);
        assertThat(profiles).containsOnlyKeys("p-1", "p-2");
        ProfileState p1 = profiles.get("p-1").getState();
        assertThat(p1.getAttributes()).containsOnlyKeys("tier", "country");
        assertThat(p1.getAttributes().get("tier").getValue()).isEqualTo("gold");
        assertThat(p1.getSegments()).containsOnlyKeys("high-value");
        assertThat(p1.getScores()).containsOnlyKeys("purchase-propensity");
        assertThat(profiles.get("p-1").getPendingExamples())
                .containsOnlyKeys("purchase-propensity");
        assertThat(profiles.get("p-1").getPendingEvents().get(0).getAttributes())
                .containsOnlyKeys("tier");
        assertThat(profiles.get("p-1").getEventTimers()).containsExactly(T + 500, T + 900);
        assertThat(profiles.get("p-2").getState().getAttributes()).containsOnlyKeys("country");

        // The broadcast state: the segment and the model are removals now; the rest is kept.
        SavepointMigration.SmallState small =
                SavepointMigration.SmallState.read(
                        target,
                        operator(target, Uids.PROFILE_BUILDER),
                        operator(target, Uids.MODEL_TRAINER));
        SavepointMigration.Catalog catalog = small.catalog;
        assertThat(catalog.segments)
                .containsExactlyInAnyOrderEntriesOf(Map.of("summer-sale", "", "high-value", "hv"));
        assertThat(catalog.models.get("old-propensity").getDefinition()).isNull();
        // The trainer was a version ahead of the profiles: the removal outranks it.
        assertThat(catalog.models.get("old-propensity").getVersion()).isEqualTo(4L);
        assertThat(catalog.models.get("purchase-propensity").getDefinition()).isEqualTo("pp");

        // The trainer: the dropped model reduced to its version counter, no timer, no sketch.
        SavepointMigration.Trainer trainer = small.trainer;
        ModelTraining removed = trainer.keys.get("old-propensity").f1;
        assertThat(removed.getDefinition()).isEmpty();
        assertThat(removed.getVersion()).isEqualTo(4L);
        assertThat(removed.getUnpublished()).isZero();
        assertThat(trainer.keys.get("old-propensity").f2).isEmpty();
        assertThat(trainer.keys.get("purchase-propensity").f1.getDefinition()).isEqualTo("pp");
        assertThat(trainer.keys.get("purchase-propensity").f2).containsExactly(T + 60_000);
        assertThat(trainer.sketches)
                .singleElement()
                .satisfies(
                        s ->
                                assertThat(
                                                ScoreSketch.fromByteBuffer(ByteBuffer.wrap(s))
                                                        .getModelId())
                                        .isEqualTo("purchase-propensity"));

        // The deduplicator's ids, at the new key groups.
        assertThat(readEventIds(target)).containsExactlyInAnyOrder("e-1", "e-2", "e-3");

        assertThat(report.count(MigrationCount.PROFILES_READ)).isEqualTo(2);
        assertThat(report.count(MigrationCount.PROFILES_CHANGED)).isEqualTo(1);
        assertThat(report.count(MigrationCount.ATTRIBUTE_RENAMED, "loyaltyTier")).isEqualTo(1);
        assertThat(report.count(MigrationCount.HELD_EVENT_ATTRIBUTE_RENAMED, "loyaltyTier"))
                .isEqualTo(1);
        assertThat(report.count(MigrationCount.ATTRIBUTE_DROPPED, "legacyScore")).isEqualTo(1);
        assertThat(report.count(MigrationCount.MEMBERSHIP_DROPPED, "summer-sale")).isEqualTo(1);
        assertThat(report.count(MigrationCount.SEGMENT_DEFINITION_DROPPED, "summer-sale"))
                .isEqualTo(1);
        assertThat(report.count(MigrationCount.SCORE_DROPPED, "old-propensity")).isEqualTo(1);
        assertThat(report.count(MigrationCount.TRAINER_STATE_DROPPED, "old-propensity"))
                .isEqualTo(1);
        assertThat(report.count(MigrationCount.SCORE_SKETCH_DROPPED, "old-propensity"))
                .isEqualTo(1);
        assertThat(report.count(MigrationCount.EVENT_IDS_CARRIED)).isEqualTo(3);
        assertThat(report.operatorsRewritten())
                .containsExactly(Uids.PROFILE_BUILDER, Uids.MODEL_TRAINER, Uids.DEDUPLICATOR);
        assertThat(report.warnings())
                .anySatisfy(w -> assertThat(w).contains("neverSeen"))
                .anySatisfy(w -> assertThat(w).contains("summer-sale was still published"));
    }

    @Test
    void aPathThatIsNotASavepointOfTheProfileJobIsRefused() throws Exception {
        MigrationPlan plan = MigrationPlan.parse("plan.yaml", "maxParallelism: 64");
        SavepointMigration migration = new SavepointMigration(SETTINGS, 1);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> migration.migrate(empty, plan, dir.resolve("t1")))
                .isInstanceOf(InvalidSavepointException.class)
                .hasMessageContaining("no _metadata");

        // A savepoint of another job: no state under the profile operator's UID.
        Path other = dir.resolve("other");
        StreamExecutionEnvironment env = Savepoints.environment(1);
        SavepointComposer.empty(env, new HashMapStateBackend(), 128)
                .replaceKeyedState(
                        Uids.DEDUPLICATOR,
                        OperatorTransformation.bootstrapWith(env.fromData("e-1"))
                                .keyBy(id -> id, Types.STRING)
                                .transform(
                                        new SavepointMigration.FirstSeenWriter(
                                                SETTINGS.dedupHorizon())),
                        0)
                .write(other);
        env.execute("other");
        assertThatThrownBy(() -> migration.migrate(other, plan, dir.resolve("t2")))
                .isInstanceOf(InvalidSavepointException.class)
                .hasMessageContaining("no state of the profile operator (uid 'profile-builder')");
    }

    @Test
    void neverWritesOverAnythingNorBelowTheSavepointsParallelism() throws Exception {
        Path base = dir.resolve("base");
        writeBase(base, new HashMapStateBackend());
        assertThatThrownBy(
                        () ->
                                new SavepointMigration(SETTINGS, 1)
                                        .migrate(
                                                base,
                                                MigrationPlan.parse("p.yaml", "maxParallelism: 1"),
                                                dir.resolve("t")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("maxParallelism 1 is below the parallelism 2 that");
        MigrationPlan plan = MigrationPlan.parse("plan.yaml", "segments: {drop: [x]}");
        assertThatThrownBy(() -> new SavepointMigration(SETTINGS, 1).migrate(base, plan, base))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not empty");
    }

    // ---------------------------------------------------------------------------------------

    private static void writeBase(Path base, StateBackend backend) throws Exception {
        StreamExecutionEnvironment env = Savepoints.environment(2);
        SavepointMigration.Catalog catalog = new SavepointMigration.Catalog();
        catalog.segments.put("summer-sale", "ss");
        catalog.segments.put("high-value", "hv");
        catalog.models.put("old-propensity", model("old-propensity", 3, "op"));
        catalog.models.put("purchase-propensity", model("purchase-propensity", 5, "pp"));
        List<Tuple3<String, ModelTraining, List<Long>>> trainer =
                List.of(
                        Tuple3.of("old-propensity", training("op", 4, 2), List.of(T)),
                        Tuple3.of(
                                "purchase-propensity", training("pp", 5, 1), List.of(T + 60_000)));
        List<byte[]> sketches = new ArrayList<>();
        for (String modelId : List.of("old-propensity", "purchase-propensity")) {
            ByteBuffer bytes =
                    new ScoreSketch(modelId, ByteBuffer.wrap(new byte[] {1, 2}), null)
                            .toByteBuffer();
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            sketches.add(copy);
        }
        SavepointComposer.empty(env, backend, 128)
                .replaceState(
                        Uids.PROFILE_BUILDER,
                        OperatorTransformation.bootstrapWith(
                                        env.fromData(
                                                List.of(snapshot1(), snapshot2()),
                                                new AvroTypeInfo<>(ProfileSnapshot.class)))
                                .keyBy(ProfileSnapshot::getProfileId, Types.STRING)
                                .transform(new ProfileKeyWriter()),
                        0,
                        OperatorTransformation.bootstrapWith(env.fromData(0))
                                .transform(new SavepointMigration.CatalogWriter(catalog)))
                .replaceState(
                        Uids.MODEL_TRAINER,
                        OperatorTransformation.bootstrapWith(
                                        env.fromData(trainer, SavepointMigration.Trainer.TYPE))
                                .keyBy(t -> t.f0, Types.STRING)
                                .transform(new SavepointMigration.TrainerKeyWriter()),
                        1,
                        OperatorTransformation.bootstrapWith(env.fromData(0))
                                .transform(new SavepointMigration.ScoreSketchWriter(sketches)))
                .replaceKeyedState(
                        Uids.DEDUPLICATOR,
                        OperatorTransformation.bootstrapWith(env.fromData("e-1", "e-2", "e-3"))
                                .keyBy(id -> id, Types.STRING)
                                .transform(
                                        new SavepointMigration.FirstSeenWriter(
                                                SETTINGS.dedupHorizon())),
                        0)
                .write(base);
        env.execute("base");
    }

    private static ProfileSnapshot snapshot1() {
        ProfileState state = ProfileMerger.newProfile("p-1");
        state.setVersion(4);
        state.setUpdatedAt(T);
        state.setIdentities(new ArrayList<>(List.of(new IdentityState("email", "ann@x.io", T, T))));
        state.getAttributes().put("loyaltyTier", new AttributeState("gold", T, "crm", "e-1"));
        state.getAttributes().put("legacyScore", new AttributeState(3L, T, "crm", "e-1"));
        state.getAttributes().put("country", new AttributeState("FR", T, "web", "e-2"));
        state.getSegments().put("summer-sale", T);
        state.getSegments().put("high-value", T);
        state.getScores().put("old-propensity", score());
        state.getScores().put("purchase-propensity", score());
        Map<String, PendingExample> examples = new HashMap<>();
        examples.put("old-propensity", new PendingExample(T, T + 900, 3L, new HashMap<>(), null));
        examples.put(
                "purchase-propensity", new PendingExample(T, T + 900, 5L, new HashMap<>(), null));
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("loyaltyTier", "platinum");
        ExperienceEvent held =
                ExperienceEvent.newBuilder()
                        .setEventId("e-9")
                        .setTimestamp(T + 500)
                        .setType("crm.update")
                        .setIdentities(List.of(new Identity("email", "ann@x.io")))
                        .setAttributes(attributes)
                        .build();
        return ProfileSnapshot.newBuilder()
                .setProfileId("p-1")
                .setEngine(
                        ProfileEngineState.newBuilder()
                                .setState(state)
                                .setPendingExamples(examples)
                                .setPendingEvents(new ArrayList<>(List.of(held)))
                                .setEventTimers(new ArrayList<>(List.of(T + 500, T + 900)))
                                .build())
                .build();
    }

    private static ProfileSnapshot snapshot2() {
        ProfileState state = ProfileMerger.newProfile("p-2");
        state.setVersion(1);
        state.setUpdatedAt(T);
        state.setIdentities(new ArrayList<>(List.of(new IdentityState("crm", "C2", T, T))));
        state.getAttributes().put("country", new AttributeState("DE", T, "crm", "e-3"));
        return ProfileSnapshot.newBuilder()
                .setProfileId("p-2")
                .setEngine(ProfileEngineState.newBuilder().setState(state).build())
                .build();
    }

    private static Score score() {
        return Score.newBuilder().setScore(0.5).setModelVersion(3L).build();
    }

    private static Model model(String id, long version, String definition) {
        return Model.newBuilder()
                .setModelId(id)
                .setVersion(version)
                .setDefinition(definition)
                .setPublishedAt(T)
                .build();
    }

    private static ModelTraining training(String definition, long version, long unpublished) {
        return new ModelTraining(
                definition, version, FtrlProximal.emptyWeights(), unpublished, 0.1, 0.2, null);
    }

    private static Map<String, Integer> maxParallelisms(Path savepoint) throws Exception {
        Map<String, Integer> max = new TreeMap<>();
        for (String uid : List.of(Uids.PROFILE_BUILDER, Uids.DEDUPLICATOR, Uids.MODEL_TRAINER)) {
            max.put(uid, operator(savepoint, uid).getMaxParallelism());
        }
        return max;
    }

    private static OperatorState operator(Path savepoint, String uid) throws Exception {
        return Savepoints.load(savepoint).getOperatorStates().stream()
                .filter(
                        s ->
                                s.getOperatorID()
                                        .equals(OperatorIdentifier.forUid(uid).getOperatorId()))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, ProfileEngineState> readProfiles(Path savepoint) throws Exception {
        StreamExecutionEnvironment env = Savepoints.environment(2);
        Map<String, ProfileEngineState> profiles = new TreeMap<>();
        try (CloseableIterator<ProfileSnapshot> it =
                ProfileSnapshotReader.read(env, savepoint, SETTINGS).executeAndCollect()) {
            it.forEachRemaining(s -> profiles.put(s.getProfileId(), s.getEngine()));
        }
        return profiles;
    }

    private static List<String> readEventIds(Path savepoint) throws Exception {
        List<String> ids = new ArrayList<>();
        try (CloseableIterator<String> it =
                SavepointReader.read(
                                Savepoints.environment(2),
                                savepoint.toString(),
                                new HashMapStateBackend())
                        .readKeyedState(
                                OperatorIdentifier.forUid(Uids.DEDUPLICATOR),
                                new EventIdReader(),
                                Types.STRING,
                                Types.STRING)
                        .executeAndCollect()) {
            it.forEachRemaining(ids::add);
        }
        return ids;
    }

    static final class EventIdReader extends KeyedStateReaderFunction<String, String> {
        private transient ValueState<Long> firstSeen;

        @Override
        public void open(OpenContext openContext) {
            firstSeen =
                    getRuntimeContext()
                            .getState(
                                    EventDeduplicator.firstSeenDescriptor(SETTINGS.dedupHorizon()));
        }

        @Override
        public void readKey(String eventId, Context ctx, Collector<String> out) throws Exception {
            if (firstSeen.value() != null) {
                out.collect(eventId);
            }
        }
    }
}
