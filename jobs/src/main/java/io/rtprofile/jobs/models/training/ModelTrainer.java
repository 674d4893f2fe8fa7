package io.rtprofile.jobs.models.training;

import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitionException;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.internal.ModelDefinitionChange;
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
import java.util.HashMap;
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

    /** The score sketches (operator state); the state-migration tools use it too. */
    public static ListStateDescriptor<ScoreSketch> sketchStateDescriptor() {
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
        ModelTraining fresh = ModelLearner.fresh(text, definition, version);
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
            state = ModelLearner.fresh(text, definition(text), 0L);
        }
        ModelDefinition definition = definition(state.getDefinition());
        ModelLearner.learn(
                state,
                definition,
                example,
                sketches.computeIfAbsent(modelId, k -> new ScoreQuantiles()));
        learned.inc();
        if (ModelLearner.due(state, definition)) {
            publish(modelId, state, ctx.timerService().currentProcessingTime(), out);
        } else if (state.getUnpublished() == 1) {
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            ctx.timerService().currentProcessingTime()
                                    + definition.training().publishInterval().toMillis());
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
        if (ModelLearner.seen(state) < definition.training().minExamples()) {
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            timestamp + definition.training().publishInterval().toMillis());
            return;
        }
        publish(ctx.getCurrentKey(), state, timestamp, out);
        training.update(state);
    }

    private void publish(String modelId, ModelTraining state, long now, Collector<Model> out) {
        Model version =
                ModelLearner.publish(
                        modelId,
                        state,
                        definition(state.getDefinition()),
                        sketches.get(modelId),
                        now,
                        Long.MIN_VALUE);
        out.collect(version);
        published.inc();
        LOG.debug(
                "Model {} version {} after {} examples",
                modelId,
                version.getVersion(),
                version.getExamples());
    }

    private ModelDefinition definition(String text) {
        return definitions.computeIfAbsent(text, ModelLearner::parse);
    }

    /** The definition of a model that was removed (kept for its version number). */
    private static final String REMOVED = "";

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
