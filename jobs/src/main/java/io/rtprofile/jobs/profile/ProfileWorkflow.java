package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.dedup.EventDeduplicator;
import io.rtprofile.jobs.identity.IdentityResolver;
import io.rtprofile.jobs.identity.IdentityResolverOperator;
import io.rtprofile.jobs.identity.TransferLoop;
import io.rtprofile.jobs.ingest.RejectionRouter;
import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.ModelLoop;
import io.rtprofile.jobs.models.training.ModelTrainer;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.LinkRefusal;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.internal.CatalogChange;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.internal.ModelDefinitionChange;
import io.rtprofile.schema.internal.ProfileInstruction;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.ProfileTransfer;
import io.rtprofile.schema.internal.SegmentDefinitionChange;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The profile job's topology, apart from its I/O: the Kafka entry point ({@link ProfileJob}), the
 * file entry point ({@code rtprofile run}) and the tests all build it here from a stream of
 * ingested records, and attach their own sinks to what it returns.
 *
 * <pre>
 * ingested -> route rejections -> keyBy(eventId) deduplicate
 *          -> keyBy(graph) resolve identities (parallelism 1) <- transfers (feedback edge)
 *          -> keyBy(profileId) build profiles (+ segment definitions and models, broadcast)
 *          -> updates and tombstones; transfers -> feedback edge
 *          -> labelled examples -> keyBy(modelId) train (parallelism 1) -> models -> feedback edge
 * </pre>
 */
public final class ProfileWorkflow {
    private ProfileWorkflow() {}

    /** The job's outputs (model versions leave through the {@link ModelLoop}). */
    public record Outputs(
            DataStream<ProfileOutput> updates,
            DataStream<RejectedEvent> rejected,
            DataStream<LinkRefusal> refusedLinks,
            DataStream<TrainingExample> examples) {}

    /** The workflow without models. */
    public static Outputs defineWorkflow(
            DataStream<IngestedRecord> ingested,
            DataStream<SegmentDefinitionChange> definitionChanges,
            TransferLoop transferLoop,
            ProfileJobSettings settings,
            SegmentCatalog initialSegments,
            long asOf) {
        return defineWorkflow(
                ingested,
                definitionChanges,
                null,
                transferLoop,
                null,
                settings,
                initialSegments,
                ModelCatalog.empty(),
                asOf);
    }

    /**
     * @param definitionChanges records of the {@code segment-definitions} topic (or nothing, for a
     *     bounded run); broadcast to every profile task
     * @param transferLoop the feedback edge of identity merges
     * @param modelDefinitionChanges records of the {@code model-definitions} topic, or {@code null}
     *     for none (a bounded run)
     * @param modelLoop the feedback edge of model versions; {@code null} for a job without models
     *     (the trainer's versions then reach no profile)
     * @param initialSegments the definitions in force from the start
     * @param initialModels the models in force from the start
     * @param asOf where a bounded run stops event time (events after it update attributes, but no
     *     window sees them); {@code Long.MAX_VALUE} for the job
     */
    public static Outputs defineWorkflow(
            DataStream<IngestedRecord> ingested,
            DataStream<SegmentDefinitionChange> definitionChanges,
            DataStream<ModelDefinitionChange> modelDefinitionChanges,
            TransferLoop transferLoop,
            ModelLoop modelLoop,
            ProfileJobSettings settings,
            SegmentCatalog initialSegments,
            ModelCatalog initialModels,
            long asOf) {
        StreamExecutionEnvironment env = ingested.getExecutionEnvironment();
        SingleOutputStreamOperator<ExperienceEvent> events =
                ingested.process(new RejectionRouter())
                        .uid(Uids.REJECTION_ROUTER)
                        .name("Route rejections");

        DataStream<ExperienceEvent> unique =
                events.keyBy(ExperienceEvent::getEventId, Types.STRING)
                        .process(new EventDeduplicator(settings.dedupHorizon()))
                        .uid(Uids.DEDUPLICATOR)
                        .name("Deduplicate by eventId");

        DataStream<ProfileTransfer> transfersIn = transferLoop.transfersIn(env);
        SingleOutputStreamOperator<ProfileInstruction> instructions =
                unique.connect(transfersIn)
                        .keyBy(
                                e -> IdentityResolver.GRAPH,
                                t -> IdentityResolver.GRAPH,
                                Types.STRING)
                        .transform(
                                "Resolve identities",
                                new AvroTypeInfo<>(ProfileInstruction.class),
                                new IdentityResolverOperator(
                                        new IdentityResolver(
                                                settings, closers(transferLoop, modelLoop))))
                        .uid(Uids.IDENTITY_RESOLVER)
                        // One writer of the graph: see IdentityResolver and docs/identity.md.
                        .setParallelism(1)
                        .setMaxParallelism(1)
                        // A chain has one max parallelism: at job parallelism 1 the sinks of its
                        // side outputs would chain to it and take its 1, and no longer restore
                        // their state from a savepoint taken at another parallelism.
                        .disableChaining();

        // Each wrapping map runs at its input's parallelism, chained to it: a rebalance to more
        // tasks would let a removal overtake the definition it removes, or version 2 overtake 1.
        AvroTypeInfo<CatalogChange> changeType = new AvroTypeInfo<>(CatalogChange.class);
        DataStream<CatalogChange> catalogChanges =
                definitionChanges
                        .map(c -> new CatalogChange(c, null), changeType)
                        .setParallelism(definitionChanges.getParallelism())
                        .uid(Uids.SEGMENT_DEFINITION_CHANGES)
                        .name("Segment definitions");
        if (modelLoop != null) {
            DataStream<Model> versions = modelLoop.modelsIn(env);
            catalogChanges =
                    catalogChanges.union(
                            versions.map(m -> new CatalogChange(null, m), changeType)
                                    .setParallelism(versions.getParallelism())
                                    .uid(Uids.MODEL_VERSION_CHANGES)
                                    .name("Model versions"));
        }
        SingleOutputStreamOperator<ProfileOutput> updates =
                instructions
                        .keyBy(ProfileInstruction::getProfileId, Types.STRING)
                        .connect(
                                catalogChanges.broadcast(
                                        ProfileBuilder.PUBLISHED_SEGMENTS,
                                        ProfileBuilder.PUBLISHED_MODELS))
                        .process(
                                new ProfileBuilder(settings, initialSegments, initialModels, asOf),
                                new AvroTypeInfo<>(ProfileOutput.class))
                        .uid(Uids.PROFILE_BUILDER)
                        .name("Build profiles");
        transferLoop.transfersOut(updates.getSideOutput(ProfileBuilder.TRANSFERS));
        transferLoop.loopEnd(instructions.getSideOutput(IdentityResolver.LOOP_END));
        if (modelLoop != null) {
            // A job that stops at the latest events ends the models edge at the same moment.
            modelLoop.loopEnd(instructions.getSideOutput(IdentityResolver.LOOP_END));
        }

        DataStream<TrainingExample> examples =
                updates.getSideOutput(ProfileBuilder.TRAINING_EXAMPLES);
        DataStream<ModelDefinitionChange> modelDefinitions =
                modelDefinitionChanges != null
                        ? modelDefinitionChanges
                        : examples.flatMap(
                                        (TrainingExample e,
                                                org.apache.flink.util.Collector<
                                                                ModelDefinitionChange>
                                                        c) -> {},
                                        new AvroTypeInfo<>(ModelDefinitionChange.class))
                                .uid(Uids.MODEL_DEFINITIONS_NONE)
                                .name("No model definition changes");
        SingleOutputStreamOperator<Model> models =
                examples.connect(modelDefinitions)
                        .keyBy(
                                TrainingExample::getModelId,
                                ModelDefinitionChange::getId,
                                Types.STRING)
                        .process(new ModelTrainer(initialModels), new AvroTypeInfo<>(Model.class))
                        .uid(Uids.MODEL_TRAINER)
                        .name("Train models")
                        // One task: see ModelTrainer (its sketches are operator state).
                        .setParallelism(1)
                        .setMaxParallelism(1);
        if (modelLoop != null) {
            modelLoop.modelsOut(models);
        }

        DataStream<RejectedEvent> rejected =
                events.getSideOutput(RejectionRouter.REJECTED)
                        .union(instructions.getSideOutput(IdentityResolver.SUPPRESSED));
        return new Outputs(
                updates,
                rejected,
                instructions.getSideOutput(IdentityResolver.REFUSED_LINKS),
                examples);
    }

    /** The resolver closes both feedback edges of a bounded run at the same moment. */
    private static IdentityResolver.LoopCloser closers(TransferLoop transfers, ModelLoop models) {
        IdentityResolver.LoopCloser first = transfers.closer();
        IdentityResolver.LoopCloser second = models == null ? null : models.closer();
        if (first == null || second == null) {
            return first != null ? first : second;
        }
        return () -> {
            first.close();
            second.close();
        };
    }
}
