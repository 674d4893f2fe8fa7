package io.rtprofile.jobs.models.training;

import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitionException;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.models.kmeans.OnlineKMeans;
import io.rtprofile.jobs.models.scoring.ActiveModels;
import io.rtprofile.schema.Cluster;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.internal.ModelDefinitionChange;
import io.rtprofile.schema.state.KMeansState;
import io.rtprofile.schema.state.ModelTraining;
import io.rtprofile.schema.state.ScoreSketch;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns each model from the labelled examples of every profile and publishes versions of it
 * (docs/models.md). Keyed by model id; one task (the job sets parallelism 1), since a model learns
 * its examples one after another anyway and FTRL's update costs microseconds.
 *
 * <p>Each example is first scored with the weights as they stand (progressive validation: the
 * published log loss is over examples the model had not learned yet), then learned. A version is
 * published every {@code publishEvery} examples, or {@code publishInterval} (processing time) after
 * the first unpublished one, once the model has learned from {@code minExamples}. A version carries
 * the definition it was trained for, the nonzero weights, and the percentile cut points of recent
 * scores; its number increases by one with each.
 *
 * <p>Definitions come from the job's start ({@code --models}, and what the {@code
 * model-definitions} topic held then) and from that topic while it runs (input 2): a new or changed
 * definition starts a new model (the inputs may mean something else now) and is published at once
 * with no weights, so profiles start taking examples for it; a removal publishes a version without
 * a definition, and examples still arriving for it are dropped.
 *
 * <p>The learner's state is keyed state (one Avro record per model, written per example). The score
 * sketches change with every example too, and serializing a sketch per example would cost more than
 * learning: they live on the heap and go into operator state at each checkpoint, which is exact
 * because the trainer has exactly one task.
 */
public final class ModelTrainer
        extends KeyedCoProcessFunction<String, TrainingExample, ModelDefinitionChange, Model>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);

    /** Weight of the newest example in the exponentially weighted log loss and positive rate. */
    static final double RECENT = 1.0 / 2_000;

    private final ModelCatalog initialModels;

    private transient ValueState<ModelTraining> training;
    private transient ListState<ScoreSketch> sketchState;
    private transient Map<String, ScoreQuantiles> sketches;
    private transient Map<String, ModelDefinition> definitions;
    private transient Counter learned;
    private transient Counter unknown;
    private transient Counter published;
    private transient Counter refused;

    public ModelTrainer(ModelCatalog initialModels) {
        this.initialModels = initialModels;
    }

    /** The learner's state; the state-migration tools read it with this descriptor. */
    public static ValueStateDescriptor<ModelTraining> trainingStateDescriptor() {
        return new ValueStateDescriptor<>(
                "model-training", new AvroSerializer<>(ModelTraining.class));
    }

    static ListStateDescriptor<ScoreSketch> sketchStateDescriptor() {
        return new ListStateDescriptor<>("score-sketches", new AvroSerializer<>(ScoreSketch.class));
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        sketchState = context.getOperatorStateStore().getListState(sketchStateDescriptor());
        sketches = new HashMap<>();
        for (ScoreSketch s : sketchState.get()) {
            sketches.put(
                    s.getModelId(),
                    ScoreQuantiles.restore(
                            bytes(s.getCurrent()),
                            s.getPrevious() == null ? null : bytes(s.getPrevious())));
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        sketchState.clear();
        for (Map.Entry<String, ScoreQuantiles> e : new TreeMap<>(sketches).entrySet()) {
            byte[] previous = e.getValue().previousBytes();
            sketchState.add(
                    new ScoreSketch(
                            e.getKey(),
                            ByteBuffer.wrap(e.getValue().currentBytes()),
                            previous == null ? null : ByteBuffer.wrap(previous)));
        }
    }

    @Override
    public void open(OpenContext openContext) {
        training = getRuntimeContext().getState(trainingStateDescriptor());
        definitions = new HashMap<>();
        var metrics = getRuntimeContext().getMetricGroup();
        learned = metrics.counter("trainingExamplesLearned");
        unknown = metrics.counter("trainingExamplesOfUnknownModels");
        published = metrics.counter("modelVersionsPublished");
        refused = metrics.counter("modelDefinitionsRefused");
    }

    /**
     * A definition arrives on {@code model-definitions}: a text that is already in force (a replay
     * of the topic, or what the job started with) changes nothing.
     */
    @Override
    public void processElement2(ModelDefinitionChange change, Context ctx, Collector<Model> out)
            throws Exception {
        String modelId = ctx.getCurrentKey();
        ModelTraining state = training.value();
        String inForce = state != null ? state.getDefinition() : initialModels.texts().get(modelId);
        String text = change.getDefinition();
        long version = state == null ? 0 : state.getVersion();
        long now = ctx.timerService().currentProcessingTime();
        if (text == null) {
            if (inForce == null || inForce.isEmpty()) {
                return;
            }
            // Kept, without a definition, so a later one continues the version numbers.
            training.update(
                    new ModelTraining(
                            REMOVED, version + 1, FtrlProximal.emptyWeights(), 0L, 0.0, 0.0, null));
            sketches.remove(modelId);
            out.collect(
                    Model.newBuilder()
                            .setModelId(modelId)
                            .setVersion(version + 1)
                            .setDefinition(null)
                            .setPublishedAt(now)
                            .build());
            published.inc();
            LOG.info("Model {} removed (version {})", modelId, version + 1);
            return;
        }
        if (text.equals(inForce)) {
            return;
        }
        ModelDefinition definition;
        try {
            definition = ModelDefinitions.parseOne("model-definitions/" + modelId, text);
            if (!definition.id().equals(modelId)) {
                throw new ModelDefinitionException(
                        java.util.List.of(
                                new io.rtprofile.jobs.segments.definition.DefinitionProblem(
                                        "model-definitions/" + modelId,
                                        0,
                                        "the record's key differs from its id '"
                                                + definition.id()
                                                + "'")));
            }
        } catch (ModelDefinitionException e) {
            LOG.warn("Model definition {} refused: {}", modelId, e.getMessage());
            refused.inc();
            return;
        }
        ModelTraining fresh = fresh(text, definition, version);
        sketches.remove(modelId);
        publish(modelId, fresh, now, out);
        training.update(fresh);
        LOG.info("Model {} defined (version {})", modelId, fresh.getVersion());
    }

    @Override
    public void processElement1(TrainingExample example, Context ctx, Collector<Model> out)
            throws Exception {
        String modelId = ctx.getCurrentKey();
        ModelTraining state = training.value();
        if (state != null && state.getDefinition().isEmpty()) {
            unknown.inc(); // removed while its examples were under way
            return;
        }
        if (state == null) {
            String text = initialModels.texts().get(modelId);
            if (text == null) {
                unknown.inc(); // a model removed while its examples were under way
                return;
            }
            state = fresh(text, definition(text), 0L);
        }
        ModelDefinition definition = definition(state.getDefinition());
        if (state.getClusters() != null) {
            learnPoint(modelId, state, definition, example, ctx, out);
            return;
        }
        FtrlProximal learner = new FtrlProximal(definition.parameters());
        double p =
                learner.update(state.getWeights(), example.getFeatures(), example.getLabel())
                        .probability();
        long n = state.getWeights().getExamples();
        double rate = Math.max(RECENT, 1.0 / n);
        state.setRecentLogLoss(
                (1 - rate) * state.getRecentLogLoss() + rate * logLoss(p, example.getLabel()));
        state.setRecentPositiveRate(
                (1 - rate) * state.getRecentPositiveRate() + rate * (example.getLabel() ? 1 : 0));
        sketches.computeIfAbsent(modelId, k -> new ScoreQuantiles()).add(p);
        state.setUnpublished(state.getUnpublished() + 1);
        learned.inc();
        ModelDefinition.Training policy = definition.training();
        if (state.getUnpublished() >= policy.publishEvery() && n >= policy.minExamples()) {
            publish(modelId, state, ctx.timerService().currentProcessingTime(), out);
        } else if (state.getUnpublished() == 1) {
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            ctx.timerService().currentProcessingTime()
                                    + policy.publishInterval().toMillis());
        }
        training.update(state);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Model> out) throws Exception {
        ModelTraining state = training.value();
        if (state == null || state.getUnpublished() == 0) {
            return;
        }
        ModelDefinition definition = definition(state.getDefinition());
        if (seen(state) < definition.training().minExamples()) {
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            timestamp + definition.training().publishInterval().toMillis());
            return;
        }
        publish(ctx.getCurrentKey(), state, timestamp, out);
        training.update(state);
    }

    /** online-kmeans: the point moves its nearest centre (or fills the seed buffer). */
    private void learnPoint(
            String modelId,
            ModelTraining state,
            ModelDefinition definition,
            TrainingExample example,
            Context ctx,
            Collector<Model> out)
            throws Exception {
        kmeans(definition)
                .update(state.getClusters(), ActiveModels.point(definition, example.getFeatures()));
        state.setUnpublished(state.getUnpublished() + 1);
        learned.inc();
        ModelDefinition.Training policy = definition.training();
        if (state.getUnpublished() >= policy.publishEvery()
                && seen(state) >= policy.minExamples()) {
            publish(modelId, state, ctx.timerService().currentProcessingTime(), out);
        } else if (state.getUnpublished() == 1) {
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            ctx.timerService().currentProcessingTime()
                                    + policy.publishInterval().toMillis());
        }
        training.update(state);
    }

    /** A new model's state: FTRL weights, or empty clusters over the features. */
    private static ModelTraining fresh(String text, ModelDefinition definition, long version) {
        return new ModelTraining(
                text,
                version,
                FtrlProximal.emptyWeights(),
                0L,
                0.0,
                0.0,
                definition.clustering().isEmpty()
                        ? null
                        : OnlineKMeans.emptyState(
                                definition.features().stream()
                                        .map(ModelDefinition.Feature::name)
                                        .toList()));
    }

    private static OnlineKMeans kmeans(ModelDefinition definition) {
        ModelDefinition.Clustering c = definition.clustering().orElseThrow();
        // The seed is the model id's hash: the same points in the same order give the same model.
        return new OnlineKMeans(
                new OnlineKMeans.Parameters(
                        c.k(), c.decay(), c.seedPoints(), definition.id().hashCode(), true));
    }

    /** Examples (or points) learned from in all. */
    private static long seen(ModelTraining state) {
        return state.getClusters() != null
                ? state.getClusters().getExamples()
                : state.getWeights().getExamples();
    }

    private void publish(String modelId, ModelTraining state, long now, Collector<Model> out) {
        ModelDefinition definition = definition(state.getDefinition());
        if (state.getClusters() != null) {
            publishClusters(modelId, state, definition, now, out);
            return;
        }
        FtrlProximal learner = new FtrlProximal(definition.parameters());
        Map<String, Double> weights = new TreeMap<>();
        for (String input : state.getWeights().getZ().keySet()) {
            double w = learner.weight(state.getWeights(), input);
            if (w != 0) {
                weights.put(input, w);
            }
        }
        state.setVersion(state.getVersion() + 1);
        state.setUnpublished(0L);
        ScoreQuantiles quantiles = sketches.get(modelId);
        out.collect(
                Model.newBuilder()
                        .setModelId(modelId)
                        .setVersion(state.getVersion())
                        .setDefinition(state.getDefinition())
                        .setPublishedAt(now)
                        .setExamples(state.getWeights().getExamples())
                        .setWeights(new HashMap<>(weights))
                        .setScoreQuantiles(
                                quantiles == null ? java.util.List.of() : quantiles.cutPoints())
                        .setRecentLogLoss(state.getRecentLogLoss())
                        .setRecentPositiveRate(state.getRecentPositiveRate())
                        .build());
        published.inc();
        LOG.debug(
                "Model {} version {} after {} examples",
                modelId,
                state.getVersion(),
                state.getWeights().getExamples());
    }

    private void publishClusters(
            String modelId,
            ModelTraining state,
            ModelDefinition definition,
            long now,
            Collector<Model> out) {
        KMeansState clusters = state.getClusters();
        List<String> names = clusters.getFeatures();
        List<Cluster> published = new ArrayList<>();
        if (OnlineKMeans.initialized(clusters)) {
            double[][] centroids = OnlineKMeans.centroids(clusters);
            double[] sizes = OnlineKMeans.sizes(clusters);
            for (int i = 0; i < centroids.length; i++) {
                Map<String, Double> centre = new HashMap<>();
                for (int j = 0; j < names.size(); j++) {
                    centre.put(names.get(j), centroids[i][j]);
                }
                published.add(new Cluster(i, sizes[i], centre));
            }
        }
        Map<String, Double> scales = new HashMap<>();
        double[] scale = kmeans(definition).scale(clusters);
        for (int j = 0; j < names.size() && j < scale.length; j++) {
            // OnlineKMeans multiplies by 1 / deviation; the version publishes the deviation.
            scales.put(names.get(j), scale[j] > 0 ? 1 / scale[j] : 1.0);
        }
        state.setVersion(state.getVersion() + 1);
        state.setUnpublished(0L);
        out.collect(
                Model.newBuilder()
                        .setModelId(modelId)
                        .setVersion(state.getVersion())
                        .setDefinition(state.getDefinition())
                        .setPublishedAt(now)
                        .setExamples(clusters.getExamples())
                        .setClusters(published)
                        .setFeatureScales(scales)
                        .build());
        this.published.inc();
    }

    private ModelDefinition definition(String text) {
        return definitions.computeIfAbsent(
                text,
                t -> {
                    try {
                        return ModelDefinitions.parseOne("model-training", t);
                    } catch (ModelDefinitionException e) {
                        // Only definitions that compiled where they came in reach the trainer.
                        throw new IllegalStateException("a model definition no longer compiles", e);
                    }
                });
    }

    /** The definition of a model that was removed (kept for its version number). */
    private static final String REMOVED = "";

    static double logLoss(double p, boolean label) {
        double clipped = Math.min(1 - 1e-15, Math.max(1e-15, p));
        return label ? -Math.log(clipped) : -Math.log(1 - clipped);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
