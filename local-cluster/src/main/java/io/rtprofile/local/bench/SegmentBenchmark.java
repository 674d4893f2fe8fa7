package io.rtprofile.local.bench;

import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.identity.LoopbackTransferLoop;
import io.rtprofile.jobs.ingest.EventTimestamps;
import io.rtprofile.jobs.profile.BoundedProfileRun;
import io.rtprofile.jobs.profile.ProfileWorkflow;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.segments.evaluation.SegmentPlan;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.internal.ProfileOutput;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The segment figures of docs/benchmarks.md: the segment engine (a bounded file run of the profile
 * workflow with N synthetic segments) beside the same segments in Flink SQL OVER windows and CEP
 * ({@link SqlSegmentBaseline}), in alternating rounds of one JVM, over the same generated file, at
 * the same parallelism on RocksDB without checkpoints; then the keyed state per profile of each,
 * from a canonical savepoint taken once the whole file is in.
 */
public final class SegmentBenchmark {

    /** What to measure. */
    public record Settings(
            List<Integer> profileCounts,
            List<Integer> segmentCounts,
            int eventsPerProfile,
            int warmupRounds,
            int rounds,
            int parallelism,
            boolean memory) {}

    /** One line of the result table. */
    public record Row(
            int profiles,
            long events,
            long activeProfiles,
            int segments,
            int aggregates,
            int sqlColumns,
            int cepPatterns,
            List<Double> engineRates,
            List<Double> baselineRates,
            double engineBytes,
            double engineProfileOperatorBytes,
            double baselineBytes) {}

    private static final long SEGMENT_SEED = 7L;

    /** Records that left the source of a savepoint run (one JVM: the mini-cluster is local). */
    static final AtomicLong SOURCED = new AtomicLong();

    private final Settings settings;
    private final PrintStream out;
    private final ProfileJobSettings jobSettings = ProfileJobSettings.defaults();
    private final List<Row> rows = new ArrayList<>();
    private Path checkpoints;

    public SegmentBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public List<Row> run() throws Exception {
        Path dir = Files.createTempDirectory("rtprofile-segment-bench");
        checkpoints = dir.resolve("checkpoints");
        try {
            for (int profiles : settings.profileCounts()) {
                long events = (long) profiles * settings.eventsPerProfile();
                Path file = dir.resolve("events-" + profiles + ".jsonl");
                long start = System.nanoTime();
                EventGenerator.writeJsonLines(
                        GeneratorConfig.of(profiles, events, GeneratorConfig.DEFAULT_SEED), file);
                long active = distinctProfiles(file);
                out.printf(
                        "generated %d events, %d profiles with events, in %.1f s%n",
                        events, active, (System.nanoTime() - start) / 1e9);
                for (int n : settings.segmentCounts()) {
                    rows.add(measure(file, profiles, events, active, n, dir));
                    printTable();
                }
                Files.deleteIfExists(file);
            }
        } finally {
            BenchSupport.deleteRecursively(dir);
        }
        return rows;
    }

    private Row measure(Path file, int profiles, long events, long active, int n, Path dir)
            throws Exception {
        SyntheticSegments segments = SyntheticSegments.generate(n, SEGMENT_SEED);
        List<SegmentDefinition> definitions =
                SegmentDefinitions.parse("synthetic-" + n, segments.definitionsJson());
        SegmentCatalog catalog = SegmentCatalog.of(definitions);
        int aggregates = SegmentPlan.of(definitions).aggregateCount();
        out.printf(
                "%d segments: %d engine aggregates; baseline %d SQL columns over %d OVER"
                        + " windows, %d CEP patterns%n",
                n,
                aggregates,
                segments.features().size(),
                segments.features().stream().map(f -> f.window()).distinct().count(),
                segments.sequences().size());
        for (int w = 1; w <= settings.warmupRounds(); w++) {
            out.printf(
                    "  warm-up %d: engine %.0f events/s, baseline %.0f events/s (not counted)%n",
                    w, events / runEngine(file, catalog), events / runBaseline(file, segments));
        }
        List<Double> engineRates = new ArrayList<>();
        List<Double> baselineRates = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            boolean engineFirst = round % 2 == 1;
            for (int i = 0; i < 2; i++) {
                boolean engine = engineFirst == (i == 0);
                double seconds = engine ? runEngine(file, catalog) : runBaseline(file, segments);
                (engine ? engineRates : baselineRates).add(events / seconds);
                out.printf(
                        "  round %d  %-8s %8.0f events/s  (%.1f s)%n",
                        round, engine ? "engine" : "baseline", events / seconds, seconds);
            }
        }
        double engineBytes = Double.NaN;
        double engineProfileBytes = Double.NaN;
        double baselineBytes = Double.NaN;
        if (settings.memory()) {
            StateSizes engine = engineState(file, catalog, events, dir);
            StateSizes baseline = baselineState(file, segments, events, dir);
            engineBytes = (double) engine.total() / active;
            engineProfileBytes = (double) engine.profileOperator() / active;
            baselineBytes = (double) baseline.total() / active;
            out.printf(
                    "  keyed state: engine %d bytes (profile operator %d), baseline %d bytes%n",
                    engine.total(), engine.profileOperator(), baseline.total());
        }
        return new Row(
                profiles,
                events,
                active,
                n,
                aggregates,
                segments.features().size(),
                segments.sequences().size(),
                engineRates,
                baselineRates,
                engineBytes,
                engineProfileBytes,
                baselineBytes);
    }

    /** The configuration of both sides: the file run's, on RocksDB, without checkpoints. */
    private StreamExecutionEnvironment environment() {
        Configuration user = new Configuration();
        user.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        // Savepoints of the memory measurement exceed what the JobManager may hold in memory.
        user.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        BoundedProfileRun.runConfiguration(user));
        env.setParallelism(settings.parallelism());
        return env;
    }

    private double runEngine(Path file, SegmentCatalog catalog) throws Exception {
        StreamExecutionEnvironment env = environment();
        ProfileWorkflow.Outputs outputs =
                BoundedProfileRun.define(
                        env, file, jobSettings, catalog, AsOfWatermarkCap.LARGEST_EVENT_TIME);
        outputs.updates().sinkTo(new DiscardingSink<ProfileOutput>()).name("updates");
        outputs.rejected().sinkTo(new DiscardingSink<RejectedEvent>()).name("rejected");
        return BenchSupport.runSeconds(env, "segment-bench engine");
    }

    private double runBaseline(Path file, SyntheticSegments segments) throws Exception {
        StreamExecutionEnvironment env = environment();
        SqlSegmentBaseline.define(
                env, file, segments, jobSettings.namespaces(), jobSettings.outOfOrderness(), false);
        return BenchSupport.runSeconds(env, "segment-bench baseline");
    }

    /** Keyed state bytes of a savepoint: all operators, and the profile operator alone. */
    record StateSizes(long total, long profileOperator) {}

    private StateSizes engineState(Path file, SegmentCatalog catalog, long events, Path dir)
            throws Exception {
        StreamExecutionEnvironment env = environment();
        FileSource<IngestedRecord> source =
                BoundedProfileRun.eventsFileSource(file, jobSettings)
                        .monitorContinuously(Duration.ofDays(1))
                        .build();
        DataStream<IngestedRecord> ingested =
                env.fromSource(source, EventTimestamps.watermarks(jobSettings), "events-file")
                        .uid(Uids.EVENTS_FILE_SOURCE)
                        .setParallelism(1)
                        .map(new CountSourced<IngestedRecord>())
                        .returns(new AvroTypeInfo<>(IngestedRecord.class))
                        .setParallelism(1);
        ProfileWorkflow.Outputs outputs =
                ProfileWorkflow.defineWorkflow(
                        ingested,
                        BoundedProfileRun.noDefinitionChanges(env),
                        LoopbackTransferLoop.create(),
                        jobSettings,
                        catalog,
                        Long.MAX_VALUE);
        outputs.updates().sinkTo(new DiscardingSink<ProfileOutput>()).name("updates");
        outputs.rejected().sinkTo(new DiscardingSink<RejectedEvent>()).name("rejected");
        CheckpointMetadata metadata = savepointOnceIn(env, events, dir.resolve("sp-engine"));
        OperatorID profileOperator =
                OperatorIdentifier.forUid(Uids.PROFILE_BUILDER).getOperatorId();
        long total = 0;
        long profile = 0;
        for (OperatorState operator : metadata.getOperatorStates()) {
            long keyed = keyedBytes(operator);
            total += keyed;
            if (operator.getOperatorID().equals(profileOperator)) {
                profile += keyed;
            }
        }
        return new StateSizes(total, profile);
    }

    private StateSizes baselineState(Path file, SyntheticSegments segments, long events, Path dir)
            throws Exception {
        StreamExecutionEnvironment env = environment();
        SqlSegmentBaseline.define(
                env, file, segments, jobSettings.namespaces(), jobSettings.outOfOrderness(), true);
        CheckpointMetadata metadata = savepointOnceIn(env, events, dir.resolve("sp-baseline"));
        long total = 0;
        for (OperatorState operator : metadata.getOperatorStates()) {
            total += keyedBytes(operator);
        }
        return new StateSizes(total, total);
    }

    /**
     * Starts the job (its source watches the file and never ends), waits until every event has left
     * the source, then takes a canonical savepoint: its barrier follows the last event through
     * every operator, so the snapshot holds the state after the whole file.
     */
    private static CheckpointMetadata savepointOnceIn(
            StreamExecutionEnvironment env, long events, Path target) throws Exception {
        SOURCED.set(0);
        JobClient job = env.executeAsync("segment-bench savepoint");
        try {
            while (SOURCED.get() < events) {
                if (job.getJobStatus().get().isTerminalState()) {
                    throw new IllegalStateException("the savepoint run ended early");
                }
                Thread.sleep(200);
            }
            String path =
                    job.triggerSavepoint(target.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(30, TimeUnit.MINUTES);
            return SavepointLoader.loadSavepointMetadata(path);
        } finally {
            job.cancel().get(2, TimeUnit.MINUTES);
        }
    }

    private static long keyedBytes(OperatorState operator) {
        long bytes = 0;
        for (OperatorSubtaskState subtask : operator.getStates()) {
            bytes += subtask.getManagedKeyedState().getStateSize();
            bytes += subtask.getRawKeyedState().getStateSize();
        }
        return bytes;
    }

    /** Counts what leaves the source, for {@link #savepointOnceIn}. */
    static final class CountSourced<T> implements MapFunction<T, T> {
        @Override
        public T map(T value) {
            SOURCED.incrementAndGet();
            return value;
        }
    }

    /** Profiles with at least one event (both sides key by the same routing identity). */
    private long distinctProfiles(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> profiles = new HashSet<>();
        try (BufferedReader lines = Files.newBufferedReader(file)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode identities = json.readTree(line).path("identities");
                profiles.add(SqlSegmentBaseline.profileOf(identities, jobSettings.namespaces()));
            }
        }
        return profiles.size();
    }

    private void printTable() {
        out.println();
        out.println(
                "| profiles | events | segments | engine aggregates | SQL columns / CEP patterns"
                        + " | engine events/s | baseline events/s | ratio engine / baseline"
                        + " | engine bytes/profile (profile operator) | baseline bytes/profile |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            double engine = BenchSupport.median(r.engineRates());
            double baseline = BenchSupport.median(r.baselineRates());
            out.printf(
                    "| %,d (%,d with events) | %,d | %d | %d | %d / %d | %,.0f | %,.0f | %.2f |"
                            + " %s (%s) | %s |%n",
                    r.profiles(),
                    r.activeProfiles(),
                    r.events(),
                    r.segments(),
                    r.aggregates(),
                    r.sqlColumns(),
                    r.cepPatterns(),
                    engine,
                    baseline,
                    engine / baseline,
                    bytes(r.engineBytes()),
                    bytes(r.engineProfileOperatorBytes()),
                    bytes(r.baselineBytes()));
        }
        out.println();
        for (Row r : rows) {
            out.printf(
                    "rounds %,d profiles x %d segments: engine %s; baseline %s%n",
                    r.profiles(),
                    r.segments(),
                    BenchSupport.rates(r.engineRates(), " / "),
                    BenchSupport.rates(r.baselineRates(), " / "));
        }
        out.println();
    }

    private static String bytes(double value) {
        return Double.isNaN(value) ? "-" : String.format("%,.0f", value);
    }
}
