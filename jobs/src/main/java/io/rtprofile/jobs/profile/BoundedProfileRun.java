package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.identity.LoopbackTransferLoop;
import io.rtprofile.jobs.ingest.EventLinesFormat;
import io.rtprofile.jobs.ingest.EventParser;
import io.rtprofile.jobs.ingest.EventTimestamps;
import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.ModelLoop;
import io.rtprofile.jobs.models.ReplayedModelLoop;
import io.rtprofile.jobs.models.training.ModelLearner;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.schema.LinkRefusal;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.SegmentDefinitionChange;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The profile workflow over a bounded JSON-lines file, on a local mini-cluster: what {@code
 * rtprofile run} does. Event time stops at the "as of" instant (default: the largest event
 * timestamp in the file), so timers up to it fire and later ones do not.
 */
public final class BoundedProfileRun {
    private BoundedProfileRun() {}

    /** Counts of what a run produced. */
    public record Result(
            long updates, long rejected, long refusedLinks, long examples, long models) {}

    /**
     * Where a run's results go, each consumer called from a thread of its own: updates (and
     * tombstones), rejections, refused identity links, labelled training examples.
     */
    public record Consumers(
            Consumer<ProfileOutput> updates,
            Consumer<RejectedEvent> rejected,
            Consumer<LinkRefusal> refusedLinks,
            Consumer<TrainingExample> examples,
            Consumer<Model> models) {}

    /**
     * Settings for a file run: the job's defaults, then checkpointing off and the heap state
     * backend (a bounded run is replayed from its file, never recovered: no restarts either, since
     * its in-JVM transfer loop does not survive one), then the user's own settings. Generated UIDs
     * are allowed for the result collectors, which hold no state.
     */
    public static Configuration runConfiguration(Configuration user) {
        Configuration config = JobConfiguration.withJobDefaults(new Configuration());
        config.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        config.removeConfig(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        config.set(PipelineOptions.AUTO_GENERATE_UIDS, true);
        config.addAll(user);
        return config;
    }

    /** The source of a file run: the file's lines, parsed as the job parses Kafka records. */
    public static FileSource.FileSourceBuilder<IngestedRecord> eventsFileSource(
            java.nio.file.Path eventsFile, ProfileJobSettings settings) {
        return FileSource.forRecordStreamFormat(
                new EventLinesFormat(
                        eventsFile.getFileName().toString(),
                        new EventParser(settings),
                        settings.maxEventBytes()),
                Path.fromLocalFile(eventsFile.toAbsolutePath().toFile()));
    }

    /**
     * The definitions input of a run whose definitions do not change: all are in force from the
     * start. (fromData cannot make an empty stream, so it makes one record and filters it out.)
     */
    public static DataStream<SegmentDefinitionChange> noDefinitionChanges(
            StreamExecutionEnvironment env) {
        return env.fromData(
                        List.of(new SegmentDefinitionChange("", null)),
                        new AvroTypeInfo<>(SegmentDefinitionChange.class))
                .uid(Uids.SEGMENT_DEFINITIONS_SOURCE)
                .setParallelism(1)
                .filter(change -> false)
                .setParallelism(1);
    }

    /** Adds the file source, as-of cap and workflow (without models) to {@code env}. */
    public static ProfileWorkflow.Outputs define(
            StreamExecutionEnvironment env,
            java.nio.file.Path eventsFile,
            ProfileJobSettings settings,
            SegmentCatalog segments,
            long asOf) {
        return define(env, eventsFile, settings, segments, ModelCatalog.empty(), null, asOf);
    }

    /**
     * Adds the file source, as-of cap and workflow to {@code env}, with models whose versions come
     * from {@code modelLoop} ({@code null}: none reach the profiles).
     */
    public static ProfileWorkflow.Outputs define(
            StreamExecutionEnvironment env,
            java.nio.file.Path eventsFile,
            ProfileJobSettings settings,
            SegmentCatalog segments,
            ModelCatalog models,
            ModelLoop modelLoop,
            long asOf) {
        FileSource<IngestedRecord> source = eventsFileSource(eventsFile, settings).build();
        // One reader and one cap: the cap must see every event to know the largest timestamp.
        DataStream<IngestedRecord> ingested =
                env.fromSource(source, EventTimestamps.watermarks(settings), "events-file")
                        .uid(Uids.EVENTS_FILE_SOURCE)
                        .setParallelism(1)
                        .transform(
                                "Stop event time at as-of",
                                new AvroTypeInfo<>(IngestedRecord.class),
                                new AsOfWatermarkCap<>(asOf))
                        .uid(Uids.AS_OF_CAP)
                        .setParallelism(1);
        return ProfileWorkflow.defineWorkflow(
                ingested,
                noDefinitionChanges(env),
                null,
                LoopbackTransferLoop.create(),
                modelLoop,
                settings,
                segments,
                models,
                asOf == AsOfWatermarkCap.LARGEST_EVENT_TIME ? Long.MAX_VALUE : asOf);
    }

    /**
     * Runs to the end of the file, handing every update (and tombstone) and rejection to the
     * consumers (called from two threads, one each); refused identity links are counted only.
     */
    public static Result run(
            StreamExecutionEnvironment env,
            java.nio.file.Path eventsFile,
            ProfileJobSettings settings,
            SegmentCatalog segments,
            long asOf,
            Consumer<ProfileOutput> onUpdate,
            Consumer<RejectedEvent> onRejected)
            throws Exception {
        return run(env, eventsFile, settings, segments, asOf, onUpdate, onRejected, r -> {});
    }

    /** As above, handing refused identity links to {@code onRefusedLink} (a third thread). */
    public static Result run(
            StreamExecutionEnvironment env,
            java.nio.file.Path eventsFile,
            ProfileJobSettings settings,
            SegmentCatalog segments,
            long asOf,
            Consumer<ProfileOutput> onUpdate,
            Consumer<RejectedEvent> onRejected,
            Consumer<LinkRefusal> onRefusedLink)
            throws Exception {
        return run(
                env,
                eventsFile,
                settings,
                segments,
                ModelCatalog.empty(),
                asOf,
                new Consumers(onUpdate, onRejected, onRefusedLink, e -> {}, m -> {}));
    }

    /**
     * Runs to the end of the file with {@code models} learning as it goes, in two passes
     * (docs/models.md, "Bounded runs"): the first takes and labels the training examples; the
     * models learn them in event time ({@link ModelLearner#replay}); the second runs the file again
     * with each version in force from the instant of the last label it learned, and is what the
     * consumers get. So a run's scores do not depend on how fast its tasks ran.
     */
    public static Result run(
            StreamExecutionEnvironment env,
            java.nio.file.Path eventsFile,
            ProfileJobSettings settings,
            SegmentCatalog segments,
            ModelCatalog models,
            long asOf,
            Consumers consumers)
            throws Exception {
        List<Model> versions = List.of();
        ModelLoop modelLoop = null;
        if (!models.isEmpty()) {
            List<TrainingExample> learned = new ArrayList<>();
            CloseableIterator<TrainingExample> firstPass =
                    define(env, eventsFile, settings, segments, models, null, asOf)
                            .examples()
                            .collectAsync();
            env.executeAsync("rtprofile-run " + eventsFile.getFileName() + " (learning)");
            drain(firstPass, learned::add);
            versions = ModelLearner.replay(models, learned);
            modelLoop = new ReplayedModelLoop(versions);
        }
        ProfileWorkflow.Outputs outputs =
                define(env, eventsFile, settings, segments, models, modelLoop, asOf);
        CloseableIterator<ProfileOutput> updates = outputs.updates().collectAsync();
        CloseableIterator<RejectedEvent> rejected = outputs.rejected().collectAsync();
        CloseableIterator<LinkRefusal> refused = outputs.refusedLinks().collectAsync();
        CloseableIterator<TrainingExample> examples = outputs.examples().collectAsync();
        env.executeAsync("rtprofile-run " + eventsFile.getFileName());
        // Drain all at once: a full result buffer on one output would stall the whole job.
        // Own threads, not the common pool: it may have a single thread on a small machine.
        ExecutorService drains = Executors.newFixedThreadPool(4);
        try {
            Future<Long> rejectedCount = drains.submit(() -> drain(rejected, consumers.rejected()));
            Future<Long> refusedCount =
                    drains.submit(() -> drain(refused, consumers.refusedLinks()));
            Future<Long> exampleCount = drains.submit(() -> drain(examples, consumers.examples()));
            versions.forEach(consumers.models());
            long updateCount = drain(updates, consumers.updates());
            return new Result(
                    updateCount,
                    rejectedCount.get(),
                    refusedCount.get(),
                    exampleCount.get(),
                    versions.size());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            drains.shutdown();
        }
    }

    private static <T> long drain(CloseableIterator<T> results, Consumer<T> consumer) {
        long count = 0;
        try (CloseableIterator<T> it = results) {
            for (Iterator<T> i = it; i.hasNext(); ) {
                consumer.accept(i.next());
                count++;
            }
        } catch (Exception e) {
            throw new IllegalStateException("Reading the run's results failed: " + e, e);
        }
        return count;
    }
}
