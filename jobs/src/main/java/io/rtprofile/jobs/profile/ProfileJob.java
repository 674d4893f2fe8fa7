package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.ingest.EventTimestamps;
import io.rtprofile.jobs.kafka.KafkaIO;
import io.rtprofile.jobs.kafka.KafkaModelLoop;
import io.rtprofile.jobs.kafka.KafkaTransferLoop;
import io.rtprofile.jobs.kafka.ModelDefinitionsTopic;
import io.rtprofile.jobs.kafka.SegmentDefinitionsTopic;
import io.rtprofile.jobs.kafka.TrainingExamplesTopic;
import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitionException;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.segments.definition.SegmentDefinitionException;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.internal.ModelDefinitionChange;
import io.rtprofile.schema.internal.SegmentDefinitionChange;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The profile job on Kafka: the deployable entry point ({@code flink run rtprofile-jobs-job.jar
 * --config rtprofile.yaml [--<key> <value> ...]}) and the one the demo starts.
 */
public final class ProfileJob {
    private ProfileJob() {}

    public static final String JOB_NAME = "rtprofile-profile-job";

    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        Configuration user =
                params.has("config")
                        ? JobConfiguration.load(Path.of(params.get("config")))
                        : new Configuration();
        for (Map.Entry<String, String> override : params.toMap().entrySet()) {
            if (!override.getKey().equals("config")) {
                user.setString(override.getKey(), override.getValue());
            }
        }
        // Under `flink run` or the operator, the ambient environment carries the cluster's
        // settings.
        Configuration config =
                JobConfiguration.forDeployment(
                        StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration(),
                        user);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        defineKafkaJob(env, config);
        env.execute(JOB_NAME);
    }

    /**
     * Adds the Kafka-to-Kafka profile job to {@code env}, with the segment definitions of {@code
     * rtprofile.segments.path} and of the {@code segment-definitions} topic, and the model
     * definitions of {@code rtprofile.models.path} and of the {@code model-definitions} topic (both
     * topics read now) in force from the start.
     */
    public static void defineKafkaJob(StreamExecutionEnvironment env, Configuration config) {
        JobConfiguration.requireCheckpointStorage(config);
        defineKafkaJob(env, config, initialSegments(config), initialModels(config));
    }

    /** Adds the profile job with {@code initialSegments} and no models in force from the start. */
    public static void defineKafkaJob(
            StreamExecutionEnvironment env, Configuration config, SegmentCatalog initialSegments) {
        defineKafkaJob(env, config, initialSegments, ModelCatalog.empty());
    }

    /**
     * Adds the profile job with {@code initialSegments} and {@code initialModels} in force from the
     * start; definitions published on the topics while it runs change them.
     */
    public static void defineKafkaJob(
            StreamExecutionEnvironment env,
            Configuration config,
            SegmentCatalog initialSegments,
            ModelCatalog initialModels) {
        defineKafkaJob(env, config, initialSegments, initialModels, UnaryOperator.identity());
    }

    /**
     * As above, with {@code beforeWorkflow} applied to the records read from {@code events}: the
     * seam where failure-injection tests put a map that fails once (it must pass every record on
     * and give its operator a uid), so that they test this job's wiring rather than a copy of it.
     */
    public static void defineKafkaJob(
            StreamExecutionEnvironment env,
            Configuration config,
            SegmentCatalog initialSegments,
            ModelCatalog initialModels,
            UnaryOperator<DataStream<IngestedRecord>> beforeWorkflow) {
        JobConfiguration.requireCheckpointStorage(config);
        ProfileJobSettings settings = ProfileJobSettings.from(config);
        DataStream<SegmentDefinitionChange> definitionChanges =
                env.fromSource(
                                KafkaIO.segmentDefinitionsSource(config),
                                SegmentDefinitionsTopic.watermarks(),
                                "segment-definitions")
                        .uid(Uids.SEGMENT_DEFINITIONS_SOURCE)
                        .setParallelism(1);
        DataStream<ModelDefinitionChange> modelDefinitionChanges =
                env.fromSource(
                                ModelDefinitionsTopic.source(config),
                                ModelDefinitionsTopic.watermarks(),
                                "model-definitions")
                        .uid(Uids.MODEL_DEFINITIONS_SOURCE)
                        // As the trainer it feeds: one task.
                        .setParallelism(1);
        ProfileWorkflow.Outputs outputs =
                ProfileWorkflow.defineWorkflow(
                        beforeWorkflow.apply(
                                env.fromSource(
                                                KafkaIO.eventsSource(config, settings),
                                                EventTimestamps.watermarks(settings),
                                                "events")
                                        .uid(Uids.EVENTS_SOURCE)),
                        definitionChanges,
                        modelDefinitionChanges,
                        new KafkaTransferLoop(config),
                        new KafkaModelLoop(config),
                        settings,
                        initialSegments,
                        initialModels,
                        Long.MAX_VALUE);
        sinkOutputs(outputs, config);
    }

    /**
     * The job's exactly-once sinks: profile updates, rejections, refused identity links, labelled
     * training examples. (Model versions go out through the {@link KafkaModelLoop}.)
     */
    public static void sinkOutputs(ProfileWorkflow.Outputs outputs, ReadableConfig config) {
        outputs.updates()
                .sinkTo(KafkaIO.profileOutputSink(config))
                .uid(Uids.PROFILE_UPDATES_SINK)
                .name("profile-updates");
        outputs.rejected()
                .sinkTo(KafkaIO.rejectedSink(config))
                .uid(Uids.REJECTED_SINK)
                .name("events-rejected");
        outputs.refusedLinks()
                .sinkTo(KafkaIO.linkRefusalsSink(config))
                .uid(Uids.IDENTITY_CONFLICTS_SINK)
                .name("identity-conflicts");
        outputs.examples()
                .sinkTo(TrainingExamplesTopic.sink(config))
                .uid(Uids.TRAINING_EXAMPLES_SINK)
                .name("training-examples");
    }

    /**
     * The definitions in force from the first event: those of {@code rtprofile.segments.path}, then
     * what the {@code segment-definitions} topic holds now (it wins). Read here, before the job
     * starts, because the broadcast input may deliver them only after the first events.
     */
    static SegmentCatalog initialSegments(Configuration config) {
        SegmentCatalog catalog = SegmentCatalog.empty();
        var path = config.getOptional(RtProfileOptions.SEGMENTS_PATH);
        if (path.isPresent()) {
            try {
                catalog = SegmentCatalog.of(SegmentDefinitions.load(Path.of(path.get())));
            } catch (SegmentDefinitionException e) {
                throw new IllegalConfigurationException(
                        "Invalid segment definitions in " + path.get() + ":\n" + e.getMessage(), e);
            } catch (IOException e) {
                throw new IllegalConfigurationException(
                        "Cannot read " + RtProfileOptions.SEGMENTS_PATH.key() + " " + path.get(),
                        e);
            }
        }
        try {
            Map<String, String> published =
                    SegmentDefinitionsTopic.readAll(
                            KafkaIO.bootstrapServers(config),
                            config.get(RtProfileOptions.SEGMENT_DEFINITIONS_TOPIC));
            return catalog.with(published);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading segment definitions", e);
        }
    }

    /**
     * The models in force from the first event: those of {@code rtprofile.models.path}, then what
     * the {@code model-definitions} topic holds now (it wins), read before the job starts for the
     * same reason as {@link #initialSegments}. Every definition must compile: a job does not start
     * with one that its trainer would refuse.
     */
    public static ModelCatalog initialModels(Configuration config) {
        ModelCatalog catalog = ModelCatalog.empty();
        var path = config.getOptional(RtProfileOptions.MODELS_PATH);
        if (path.isPresent()) {
            try {
                catalog = ModelCatalog.of(ModelDefinitions.load(Path.of(path.get())));
            } catch (ModelDefinitionException e) {
                throw new IllegalConfigurationException(
                        "Invalid model definitions in " + path.get() + ":\n" + e.getMessage(), e);
            } catch (IOException e) {
                throw new IllegalConfigurationException(
                        "Cannot read " + RtProfileOptions.MODELS_PATH.key() + " " + path.get(), e);
            }
        }
        String topic = config.get(RtProfileOptions.MODEL_DEFINITIONS_TOPIC);
        try {
            return withPublished(
                    catalog,
                    ModelDefinitionsTopic.readAll(KafkaIO.bootstrapServers(config), topic),
                    topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading model definitions", e);
        }
    }

    /**
     * {@code catalog} with the definitions published on {@code topic} (text by model id; they win),
     * each checked: it must compile and carry its record's key as id.
     *
     * @throws IllegalConfigurationException naming the topic, each bad key and its problems
     */
    static ModelCatalog withPublished(
            ModelCatalog catalog, Map<String, String> published, String topic) {
        List<String> problems = new ArrayList<>();
        published.forEach(
                (id, text) -> {
                    try {
                        ModelDefinition definition =
                                ModelDefinitions.parseOne(topic + "/" + id, text);
                        if (!definition.id().equals(id)) {
                            problems.add(
                                    "key '"
                                            + id
                                            + "': the definition's id is '"
                                            + definition.id()
                                            + "'");
                        }
                    } catch (ModelDefinitionException e) {
                        e.problems().forEach(p -> problems.add("key '" + id + "': " + p));
                    }
                });
        if (!problems.isEmpty()) {
            throw new IllegalConfigurationException(
                    "Invalid model definitions on topic "
                            + topic
                            + " (publish a valid one, or remove it with rtprofile models"
                            + " remove):\n  "
                            + String.join("\n  ", problems));
        }
        return catalog.with(published);
    }

    /** Starts the job without waiting for it, for the demo and tests. */
    public static JobClient start(StreamExecutionEnvironment env, Configuration config)
            throws Exception {
        defineKafkaJob(env, config);
        return env.executeAsync(JOB_NAME);
    }
}
