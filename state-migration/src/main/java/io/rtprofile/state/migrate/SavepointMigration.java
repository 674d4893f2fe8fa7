package io.rtprofile.state.migrate;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.dedup.EventDeduplicator;
import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.models.training.ModelTrainer;
import io.rtprofile.jobs.profile.AttributeMerger;
import io.rtprofile.jobs.profile.ProfileBuilder;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.state.ModelTraining;
import io.rtprofile.schema.state.ScoreSketch;
import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.Savepoints;
import io.rtprofile.state.bootstrap.ProfileKeyWriter;
import io.rtprofile.state.snapshot.ProfileSnapshotReader;
import io.rtprofile.state.write.SavepointComposer;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.BroadcastStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.functions.StateBootstrapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code rtprofile state migrate}: applies a {@link MigrationPlan} to a savepoint of the profile
 * job, writing a new savepoint (never in place) with {@link SavepointComposer}; docs/
 * state-toolkit.md.
 *
 * <ul>
 *   <li>The profile operator's keys are read with {@link ProfileSnapshotReader}, rewritten by
 *       {@link ProfileMigration} and written back with {@link ProfileKeyWriter} (timers and held
 *       events included). Its broadcast state (published segments and models) is small: it is read
 *       on the client, and rewritten only when a dropped segment or model changes it; otherwise the
 *       savepoint's is kept, subtask by subtask.
 *   <li>The model trainer (one task, one key per model) is read on the client and rewritten when a
 *       dropped model has trainer state or a score sketch, with its processing-time timers.
 *   <li>With a new max parallelism, the keyed operators whose key groups depend on it (the profile
 *       operator and the deduplicator) are rewritten at it, and every operator with only operator
 *       state takes it; the identity resolver and the trainer keep max parallelism 1.
 *   <li>Everything else is carried over as it is: sources' offsets, sinks' transactions, the
 *       identity graph.
 * </ul>
 *
 * <p>The deduplicator's ids are written again with their state TTL starting at the migration: an id
 * is remembered up to one horizon longer than it would have been, never shorter.
 */
public final class SavepointMigration {

    private final ProfileJobSettings settings;
    private final int parallelism;

    /**
     * @param settings the job's settings (merge policy for rename collisions, namespace priority,
     *     deduplication horizon)
     * @param parallelism of the local Flink that reads and writes the savepoint
     */
    public SavepointMigration(ProfileJobSettings settings, int parallelism) {
        this.settings = settings;
        this.parallelism = parallelism;
    }

    /** Migrates {@code savepoint} by {@code plan} into {@code target} (which must not exist). */
    public MigrationReport migrate(Path savepoint, MigrationPlan plan, Path target)
            throws InvalidSavepointException, Exception {
        CheckpointMetadata metadata = Savepoints.load(savepoint);
        Map<OperatorID, OperatorState> operators = new LinkedHashMap<>();
        metadata.getOperatorStates().forEach(s -> operators.put(s.getOperatorID(), s));
        OperatorState builder = operators.get(Savepoints.operatorId(Uids.PROFILE_BUILDER));
        if (builder == null) {
            throw new InvalidSavepointException(
                    "no state of the profile operator (uid '"
                            + Uids.PROFILE_BUILDER
                            + "') in "
                            + savepoint
                            + ": not a savepoint of the profile job");
        }
        Savepoints.requireNewTarget(target);
        int maxBefore = builder.getMaxParallelism();
        if (plan.maxParallelism() != null) {
            // Flink refuses to restore an operator at a parallelism above its max parallelism.
            for (OperatorState state : operators.values()) {
                if (state.getMaxParallelism() == maxBefore
                        && state.getParallelism() > plan.maxParallelism()) {
                    throw new IllegalArgumentException(
                            "maxParallelism "
                                    + plan.maxParallelism()
                                    + " is below the parallelism "
                                    + state.getParallelism()
                                    + " that "
                                    + nameOf(state.getOperatorID())
                                    + " has in "
                                    + savepoint);
                }
            }
        }
        Map<String, String> published = new TreeMap<>();
        Map<String, Long> clientCounts = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        List<String> rewritten = new ArrayList<>();

        StreamExecutionEnvironment env = Savepoints.environment(parallelism);
        StateBackend backend = new HashMapStateBackend();
        SavepointComposer composer = SavepointComposer.onto(env, savepoint, backend);
        if (plan.maxParallelism() != null) {
            composer.changeMaxParallelism(plan.maxParallelism());
        }

        // The profile operator: its keys always (every part of a plan touches profiles).
        OperatorState trainer = operators.get(Savepoints.operatorId(Uids.MODEL_TRAINER));
        SmallState small =
                SmallState.read(
                        savepoint, builder, !plan.droppedModels().isEmpty() ? trainer : null);
        Catalog catalog = small.catalog;
        Trainer trainerState = small.trainer;
        boolean catalogChanged = catalog.drop(plan, published, clientCounts);
        Map<String, Long> trainerVersions = new HashMap<>();
        if (trainerState != null) {
            trainerState.keys.forEach((id, t) -> trainerVersions.put(id, t.f1.getVersion()));
        }
        // A removal must outrank any version the trainer made, including one still on its way
        // through the models topic: it carries the higher of the two numbers.
        catalogChanged |= catalog.removeModels(plan, trainerVersions, published, clientCounts);

        DataStream<ProfileSnapshot> profiles =
                ProfileSnapshotReader.read(env, savepoint, settings)
                        .map(new ProfileRewrite(plan, settings))
                        .returns(new AvroTypeInfo<>(ProfileSnapshot.class))
                        .name("apply the plan");
        StateBootstrapTransformation<ProfileSnapshot> keys =
                OperatorTransformation.bootstrapWith(profiles)
                        .keyBy(ProfileSnapshot::getProfileId, Types.STRING)
                        .transform(new ProfileKeyWriter());
        composer.replaceState(
                Uids.PROFILE_BUILDER,
                keys,
                0,
                catalogChanged
                        ? OperatorTransformation.bootstrapWith(env.fromData(0))
                                .transform(new CatalogWriter(catalog))
                        : null);
        rewritten.add(Uids.PROFILE_BUILDER);

        if (trainerState != null && trainerState.drop(plan, clientCounts)) {
            composer.replaceState(
                    Uids.MODEL_TRAINER,
                    OperatorTransformation.bootstrapWith(
                                    env.fromData(
                                            new ArrayList<>(trainerState.keys.values()),
                                            Trainer.TYPE))
                            .keyBy(t -> t.f0, Types.STRING)
                            .transform(new TrainerKeyWriter()),
                    1,
                    OperatorTransformation.bootstrapWith(env.fromData(0))
                            .transform(new ScoreSketchWriter(trainerState.sketches)));
            rewritten.add(Uids.MODEL_TRAINER);
        }

        if (plan.maxParallelism() != null && plan.maxParallelism() != maxBefore) {
            OperatorState dedup = operators.get(Savepoints.operatorId(Uids.DEDUPLICATOR));
            if (dedup != null && SavepointComposer.hasKeyedState(dedup)) {
                composer.replaceKeyedState(Uids.DEDUPLICATOR, deduplicatorIds(env, savepoint), 0);
                rewritten.add(Uids.DEDUPLICATOR);
            }
            List<String> stuck = new ArrayList<>();
            for (OperatorID id : composer.keyedOperatorsKept()) {
                OperatorState state = operators.get(id);
                if (state.getMaxParallelism() == maxBefore) {
                    stuck.add(nameOf(id));
                }
            }
            if (!stuck.isEmpty()) {
                throw new InvalidSavepointException(
                        "cannot change the max parallelism of "
                                + savepoint
                                + ": keyed state of "
                                + String.join(", ", stuck)
                                + " that migrate does not know how to rewrite");
            }
        }

        composer.write(target);
        JobExecutionResult result = env.execute("rtprofile state migrate");
        Map<String, Long> counts = new HashMap<>(clientCounts);
        result.getAllAccumulatorResults()
                .forEach(
                        (name, value) -> {
                            if (value instanceof Long n) {
                                counts.merge(name, n, Long::sum);
                            }
                        });
        MigrationReport counted =
                new MigrationReport(
                        savepoint,
                        target,
                        plan,
                        counts,
                        published,
                        maxBefore,
                        plan.maxParallelism() != null ? plan.maxParallelism() : maxBefore,
                        rewritten,
                        List.of());
        warnings.addAll(notFound(plan, counted, catalog, trainerState));
        if (counted.count(MigrationCount.PROFILES_AWAITING_TRANSFERS) > 0
                && (plan.changesAttributes()
                        || !plan.droppedSegments().isEmpty()
                        || !plan.droppedModels().isEmpty())) {
            warnings.add(
                    counted.count(MigrationCount.PROFILES_AWAITING_TRANSFERS)
                            + " profiles wait for a merge's transferred state, which is on"
                            + " profile-transfers, not in the savepoint: it arrives as it was,"
                            + " before the plan");
        }
        for (String segment : plan.droppedSegments()) {
            if (published.getOrDefault("segment:" + segment, "").startsWith("in force")) {
                warnings.add(
                        "segment "
                                + segment
                                + " was still published: its members left it without an exited"
                                + " transition, and it comes back if the segment-definitions"
                                + " topic still holds it");
            }
        }
        return new MigrationReport(
                savepoint,
                target,
                plan,
                counts,
                published,
                maxBefore,
                counted.maxParallelismAfter(),
                rewritten,
                warnings);
    }

    private static List<String> notFound(
            MigrationPlan plan, MigrationReport report, Catalog catalog, Trainer trainer) {
        List<String> warnings = new ArrayList<>();
        for (String name : plan.renamedAttributes().keySet()) {
            if (report.count(MigrationCount.ATTRIBUTE_RENAMED, name) == 0
                    && report.count(MigrationCount.HELD_EVENT_ATTRIBUTE_RENAMED, name) == 0) {
                warnings.add("attribute " + name + " (to rename) not found in any profile");
            }
        }
        for (String name : plan.droppedAttributes()) {
            if (report.count(MigrationCount.ATTRIBUTE_DROPPED, name) == 0
                    && report.count(MigrationCount.HELD_EVENT_ATTRIBUTE_DROPPED, name) == 0) {
                warnings.add("attribute " + name + " (to drop) not found in any profile");
            }
        }
        for (String segment : plan.droppedSegments()) {
            if (report.count(MigrationCount.MEMBERSHIP_DROPPED, segment) == 0
                    && !catalog.segments.containsKey(segment)) {
                warnings.add("segment " + segment + " not found: no membership, never published");
            }
        }
        for (String model : plan.droppedModels()) {
            if (report.count(MigrationCount.SCORE_DROPPED, model) == 0
                    && report.count(MigrationCount.PENDING_EXAMPLE_DROPPED, model) == 0
                    && !catalog.models.containsKey(model)
                    && (trainer == null || !trainer.keys.containsKey(model))) {
                warnings.add(
                        "model " + model + " not found: no score, no example, never published");
            }
        }
        return warnings;
    }

    // ---------------------------------------------------------------------------------------
    // The profile operator.

    /** Applies the plan to each key, counting into accumulators. */
    static final class ProfileRewrite extends RichMapFunction<ProfileSnapshot, ProfileSnapshot> {
        private static final long serialVersionUID = 1L;
        private final ProfileMigration migration;

        ProfileRewrite(MigrationPlan plan, ProfileJobSettings settings) {
            this.migration =
                    new ProfileMigration(
                            plan,
                            new AttributeMerger(
                                    settings.mergePolicy(), settings.sourcePrecedence()));
        }

        @Override
        public ProfileSnapshot map(ProfileSnapshot snapshot) {
            count(MigrationCount.PROFILES_READ, "");
            if (snapshot.getEngine() != null
                    && migration.apply(snapshot.getEngine(), this::count)) {
                count(MigrationCount.PROFILES_CHANGED, "");
            }
            return snapshot;
        }

        private void count(MigrationCount what, String name) {
            getRuntimeContext().getLongCounter(what.key(name)).add(1L);
        }
    }

    /**
     * The small states, read on the client in one local job: the profile operator's broadcast state
     * and, when asked, the model trainer's keys and score sketches.
     */
    static final class SmallState {
        final Catalog catalog = new Catalog();
        Trainer trainer;

        /**
         * @param trainer the trainer's state in the savepoint, or null not to read it
         */
        static SmallState read(Path savepoint, OperatorState builder, OperatorState trainer)
                throws InvalidSavepointException {
            SmallState small = new SmallState();
            boolean published =
                    builder.getStates().stream()
                            .anyMatch(s -> s.getManagedOperatorState().hasState());
            if (!published && trainer == null) {
                return small;
            }
            try {
                StreamExecutionEnvironment env = Savepoints.environment(1);
                SavepointReader reader =
                        SavepointReader.read(
                                env,
                                savepoint.toAbsolutePath().toString(),
                                Savepoints.backendFor(savepoint));
                CloseableIterator<Tuple2<String, String>> segments = null;
                CloseableIterator<Model> models = null;
                CloseableIterator<Tuple3<String, ModelTraining, List<Long>>> keys = null;
                CloseableIterator<ScoreSketch> sketches = null;
                if (published) {
                    OperatorIdentifier id = OperatorIdentifier.forUid(Uids.PROFILE_BUILDER);
                    segments =
                            reader.readBroadcastState(
                                            id,
                                            ProfileBuilder.PUBLISHED_SEGMENTS.getName(),
                                            Types.STRING,
                                            Types.STRING,
                                            StringSerializer.INSTANCE,
                                            StringSerializer.INSTANCE)
                                    .map(e -> Tuple2.of(e.f0, e.f1))
                                    .returns(Types.TUPLE(Types.STRING, Types.STRING))
                                    .collectAsync();
                    models =
                            reader.readBroadcastState(
                                            id,
                                            ProfileBuilder.PUBLISHED_MODELS.getName(),
                                            Types.STRING,
                                            new AvroTypeInfo<>(Model.class),
                                            StringSerializer.INSTANCE,
                                            new AvroSerializer<>(Model.class))
                                    .map(e -> e.f1)
                                    .returns(new AvroTypeInfo<>(Model.class))
                                    .collectAsync();
                }
                if (trainer != null) {
                    small.trainer = new Trainer();
                    OperatorIdentifier id = OperatorIdentifier.forUid(Uids.MODEL_TRAINER);
                    keys =
                            reader.readKeyedState(
                                            id, new TrainerKeyReader(), Types.STRING, Trainer.TYPE)
                                    .collectAsync();
                    sketches =
                            reader.readListState(
                                            id,
                                            ModelTrainer.sketchStateDescriptor().getName(),
                                            new AvroTypeInfo<>(ScoreSketch.class),
                                            new AvroSerializer<>(ScoreSketch.class))
                                    .collectAsync();
                }
                var job = env.executeAsync("rtprofile state migrate: published definitions");
                if (segments != null) {
                    drain(segments, e -> small.catalog.segments.put(e.f0, e.f1));
                    drain(models, m -> small.catalog.models.put(m.getModelId(), m));
                }
                if (keys != null) {
                    drain(keys, t -> small.trainer.keys.put(t.f0, t));
                    drain(sketches, small.trainer::addSketch);
                }
                job.getJobExecutionResult().get();
            } catch (Exception e) {
                throw new InvalidSavepointException(
                        "cannot read the published definitions or the trainer's state in "
                                + savepoint
                                + ": "
                                + e.getMessage(),
                        e);
            }
            return small;
        }
    }

    private static <T> void drain(CloseableIterator<T> results, java.util.function.Consumer<T> into)
            throws Exception {
        try (results) {
            results.forEachRemaining(into);
        }
    }

    /** The profile operator's broadcast state: published segment definitions and model versions. */
    static final class Catalog implements Serializable {
        private static final long serialVersionUID = 1L;
        final Map<String, String> segments = new TreeMap<>();
        final Map<String, Model> models = new TreeMap<>();

        /** Replaces dropped segments' definitions by the removal marker; whether any changed. */
        boolean drop(MigrationPlan plan, Map<String, String> published, Map<String, Long> counts) {
            boolean changed = false;
            for (String segment : plan.droppedSegments()) {
                String text = segments.get(segment);
                if (text == null) {
                    published.put(
                            "segment:" + segment,
                            "not published; a removal marker keeps start-up definitions from"
                                    + " bringing it back");
                } else if (text.isEmpty()) {
                    published.put("segment:" + segment, "already removed");
                    continue;
                } else {
                    published.put("segment:" + segment, "in force, replaced by a removal");
                    counts.merge(
                            MigrationCount.SEGMENT_DEFINITION_DROPPED.key(segment), 1L, Long::sum);
                }
                segments.put(segment, "");
                changed = true;
            }
            return changed;
        }

        /** Replaces dropped models' versions by a removal; whether any changed. */
        boolean removeModels(
                MigrationPlan plan,
                Map<String, Long> trainerVersions,
                Map<String, String> published,
                Map<String, Long> counts) {
            boolean changed = false;
            for (String modelId : plan.droppedModels()) {
                Model held = models.get(modelId);
                long version =
                        Math.max(
                                held == null ? 0L : held.getVersion(),
                                trainerVersions.getOrDefault(modelId, 0L));
                if (version == 0L) {
                    published.put("model:" + modelId, "never published");
                    continue;
                }
                if (held != null && held.getDefinition() == null && held.getVersion() == version) {
                    published.put("model:" + modelId, "already removed (version " + version + ")");
                    continue;
                }
                published.put(
                        "model:" + modelId,
                        (held != null && held.getDefinition() != null
                                        ? "in force (version " + held.getVersion() + "), "
                                        : "")
                                + "replaced by a removal at version "
                                + version);
                if (held != null && held.getDefinition() != null) {
                    counts.merge(MigrationCount.MODEL_VERSION_DROPPED.key(modelId), 1L, Long::sum);
                }
                models.put(
                        modelId,
                        Model.newBuilder()
                                .setModelId(modelId)
                                .setVersion(version)
                                .setDefinition(null)
                                .setPublishedAt(held == null ? 0L : held.getPublishedAt())
                                .build());
                changed = true;
            }
            return changed;
        }
    }

    /** Writes the catalog as every subtask's broadcast state. */
    static final class CatalogWriter extends BroadcastStateBootstrapFunction<Integer> {
        private static final long serialVersionUID = 1L;
        private final Map<String, String> segments;
        private final Map<String, byte[]> models = new TreeMap<>();

        CatalogWriter(Catalog catalog) throws IOException {
            this.segments = new TreeMap<>(catalog.segments);
            for (Model m : catalog.models.values()) {
                ByteBuffer bytes = m.toByteBuffer();
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                models.put(m.getModelId(), copy);
            }
        }

        @Override
        public void processElement(Integer ignored, Context ctx) throws Exception {
            var published = ctx.getBroadcastState(ProfileBuilder.PUBLISHED_SEGMENTS);
            for (Map.Entry<String, String> e : segments.entrySet()) {
                published.put(e.getKey(), e.getValue());
            }
            var versions = ctx.getBroadcastState(ProfileBuilder.PUBLISHED_MODELS);
            for (Map.Entry<String, byte[]> e : models.entrySet()) {
                versions.put(e.getKey(), Model.fromByteBuffer(ByteBuffer.wrap(e.getValue())));
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // The model trainer.

    /** The trainer's state, read on the client: one key per model, and the score sketches. */
    static final class Trainer {
        static final TypeInformation<Tuple3<String, ModelTraining, List<Long>>> TYPE =
                Types.TUPLE(
                        Types.STRING,
                        new AvroTypeInfo<>(ModelTraining.class),
                        Types.LIST(Types.LONG));

        /** Model id -> (model id, training, processing-time timers). */
        final Map<String, Tuple3<String, ModelTraining, List<Long>>> keys = new TreeMap<>();

        final List<byte[]> sketches = new ArrayList<>();
        private final List<String> sketchModels = new ArrayList<>();

        void addSketch(ScoreSketch sketch) {
            ByteBuffer bytes;
            try {
                bytes = sketch.toByteBuffer();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            sketches.add(copy);
            sketchModels.add(sketch.getModelId());
        }

        /**
         * Reduces dropped models to the job's own removal state and drops their sketches; whether
         * anything changed.
         */
        boolean drop(MigrationPlan plan, Map<String, Long> counts) {
            boolean changed = false;
            for (String modelId : plan.droppedModels()) {
                Tuple3<String, ModelTraining, List<Long>> key = keys.get(modelId);
                if (key != null && !isRemoval(key.f1)) {
                    // What ModelTrainer keeps after a removal: the version counter only.
                    key.f1 =
                            new ModelTraining(
                                    "",
                                    key.f1.getVersion(),
                                    FtrlProximal.emptyWeights(),
                                    0L,
                                    0.0,
                                    0.0,
                                    null);
                    key.f2 = new ArrayList<>();
                    counts.merge(MigrationCount.TRAINER_STATE_DROPPED.key(modelId), 1L, Long::sum);
                    changed = true;
                }
                int at = sketchModels.indexOf(modelId);
                if (at >= 0) {
                    sketchModels.remove(at);
                    sketches.remove(at);
                    counts.merge(MigrationCount.SCORE_SKETCH_DROPPED.key(modelId), 1L, Long::sum);
                    changed = true;
                }
            }
            return changed;
        }

        private static boolean isRemoval(ModelTraining training) {
            return training.getDefinition().isEmpty()
                    && training.getUnpublished() == 0
                    && training.getClusters() == null;
        }
    }

    static final class TrainerKeyReader
            extends KeyedStateReaderFunction<String, Tuple3<String, ModelTraining, List<Long>>> {
        private transient ValueState<ModelTraining> training;

        @Override
        public void open(OpenContext openContext) {
            training = getRuntimeContext().getState(ModelTrainer.trainingStateDescriptor());
        }

        @Override
        public void readKey(
                String modelId,
                Context ctx,
                Collector<Tuple3<String, ModelTraining, List<Long>>> out)
                throws Exception {
            ModelTraining value = training.value();
            if (value != null) {
                List<Long> timers = new ArrayList<>(ctx.registeredProcessingTimeTimers());
                timers.sort(null);
                out.collect(Tuple3.of(modelId, ModelTraining.newBuilder(value).build(), timers));
            }
        }
    }

    static final class TrainerKeyWriter
            extends KeyedStateBootstrapFunction<String, Tuple3<String, ModelTraining, List<Long>>> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<ModelTraining> training;

        @Override
        public void open(OpenContext openContext) {
            training = getRuntimeContext().getState(ModelTrainer.trainingStateDescriptor());
        }

        @Override
        public void processElement(Tuple3<String, ModelTraining, List<Long>> key, Context ctx)
                throws Exception {
            training.update(key.f1);
            for (long timer : key.f2) {
                ctx.timerService().registerProcessingTimeTimer(timer);
            }
        }
    }

    /** The trainer's operator state: the score sketches kept, as the trainer snapshots them. */
    static final class ScoreSketchWriter extends StateBootstrapFunction<Integer> {
        private static final long serialVersionUID = 1L;
        private final List<byte[]> sketches;
        private transient ListState<ScoreSketch> state;

        ScoreSketchWriter(List<byte[]> sketches) {
            this.sketches = new ArrayList<>(sketches);
        }

        @Override
        public void processElement(Integer ignored, Context ctx) throws Exception {
            for (byte[] sketch : sketches) {
                state.add(ScoreSketch.fromByteBuffer(ByteBuffer.wrap(sketch)));
            }
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {}

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            state =
                    context.getOperatorStateStore()
                            .getListState(ModelTrainer.sketchStateDescriptor());
        }
    }

    // ---------------------------------------------------------------------------------------
    // The deduplicator, rewritten only for a new max parallelism.

    private StateBootstrapTransformation<String> deduplicatorIds(
            StreamExecutionEnvironment env, Path savepoint) throws InvalidSavepointException {
        DataStream<Tuple2<String, Long>> ids;
        try {
            ids =
                    SavepointReader.read(
                                    env,
                                    savepoint.toAbsolutePath().toString(),
                                    Savepoints.backendFor(savepoint))
                            .readKeyedState(
                                    OperatorIdentifier.forUid(Uids.DEDUPLICATOR),
                                    new FirstSeenReader(settings.dedupHorizon()),
                                    Types.STRING,
                                    Types.TUPLE(Types.STRING, Types.LONG));
        } catch (IOException e) {
            throw new InvalidSavepointException(
                    "cannot read the deduplicator's state in " + savepoint + ": " + e, e);
        }
        return OperatorTransformation.bootstrapWith(
                        ids.map(new CountEventIds())
                                .returns(Types.TUPLE(Types.STRING, Types.LONG))
                                .name("count event ids")
                                .map(t -> t.f0)
                                .returns(Types.STRING))
                .keyBy(id -> id, Types.STRING)
                .transform(new FirstSeenWriter(settings.dedupHorizon()));
    }

    static final class CountEventIds
            extends RichMapFunction<Tuple2<String, Long>, Tuple2<String, Long>> {
        @Override
        public Tuple2<String, Long> map(Tuple2<String, Long> id) {
            getRuntimeContext().getLongCounter(MigrationCount.EVENT_IDS_CARRIED.key("")).add(1L);
            return id;
        }
    }

    static final class FirstSeenReader
            extends KeyedStateReaderFunction<String, Tuple2<String, Long>> {
        private final java.time.Duration horizon;
        private transient ValueState<Long> firstSeen;

        FirstSeenReader(java.time.Duration horizon) {
            this.horizon = horizon;
        }

        @Override
        public void open(OpenContext openContext) {
            firstSeen =
                    getRuntimeContext().getState(EventDeduplicator.firstSeenDescriptor(horizon));
        }

        @Override
        public void readKey(String eventId, Context ctx, Collector<Tuple2<String, Long>> out)
                throws Exception {
            Long seen = firstSeen.value(); // null once expired: such an id is not carried
            if (seen != null) {
                out.collect(Tuple2.of(eventId, seen));
            }
        }
    }

    /**
     * Writes an event id as seen. The value is the processing time it was first seen, which only
     * tells that it was; the state TTL (horizon) counts from now.
     */
    static final class FirstSeenWriter extends KeyedStateBootstrapFunction<String, String> {
        private static final long serialVersionUID = 1L;
        private final java.time.Duration horizon;
        private transient ValueState<Long> firstSeen;

        FirstSeenWriter(java.time.Duration horizon) {
            this.horizon = horizon;
        }

        @Override
        public void open(OpenContext openContext) {
            firstSeen =
                    getRuntimeContext().getState(EventDeduplicator.firstSeenDescriptor(horizon));
        }

        @Override
        public void processElement(String eventId, Context ctx) throws Exception {
            firstSeen.update(ctx.timerService().currentProcessingTime());
        }
    }

    // ---------------------------------------------------------------------------------------

    /** The UID of one of the job's operators, or its hash. */
    private static String nameOf(OperatorID id) {
        for (Field f : Uids.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String uid = (String) f.get(null);
                    if (Savepoints.operatorId(uid).equals(id)) {
                        return uid;
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return id.toHexString() + " (unknown uid)";
    }
}
