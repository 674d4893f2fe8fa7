package io.rtprofile.local.job;

import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.Tombstone;
import io.rtprofile.schema.internal.TombstoneReason;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Savepoints and retained checkpoints of the real Kafka profile job, taken while it runs: for tests
 * of the state toolkit ({@code rtprofile state ...}) on snapshots of either state backend, and for
 * the release fixtures ({@link SavepointFixtureWriter}).
 *
 * <p>A run: the Kafka job ({@link ProfileJob#defineKafkaJob}, parallelism {@value #PARALLELISM}) on
 * the chosen {@link Backend}, the fixture definitions ({@link SavepointFixtures#writeDefinitions}:
 * {@code examples/segments} and a model that publishes every 100 examples), over generated events,
 * the probe customer's purchase of 600.5 and a last "clock" event two hours after the others, which
 * moves the watermark past everything before it. When the job's output has been quiet for {@link
 * #QUIET}, it is stopped with a canonical savepoint, and the live profiles are read from {@code
 * profile-updates}, {@code read_committed}.
 *
 * <p>Use from a test class that registers a {@code MiniClusterExtension} with at least {@value
 * #PARALLELISM} slots (the job runs on it):
 *
 * <pre>{@code
 * Snapshots heap = RunningJobSavepoints.take(dir, Backend.HASHMAP, false);
 * heap.savepoint();          // the savepoint directory (with _metadata)
 * heap.liveProfiles();       // profileId -> its last update, as published
 *
 * Snapshots rocks = RunningJobSavepoints.take(kafka, dir, Backend.ROCKSDB, true);
 * rocks.retainedCheckpoint(); // chk-N of an incremental RocksDB checkpoint, kept on cancellation
 * }</pre>
 *
 * <p>{@link #take(Path, Backend, boolean)} starts and stops its own broker (about 3 s); {@link
 * #take(EmbeddedKafka, Path, Backend, boolean)} uses the caller's, on fresh topics, so a class
 * taking several runs pays for one broker. Each uses {@link #SMALL} (30 customers, 300 events; a
 * run takes about 10 s). What the state then holds, against {@link Snapshots#liveProfiles()}:
 *
 * <ul>
 *   <li>{@code profile} keys: one per live profile (a merged profile's state is cleared with its
 *       tombstone);
 *   <li>{@code profile-identities} entries: one more, and {@code pending-events} one key: the clock
 *       event founded a profile, which waits in the builder for a watermark that never comes, so it
 *       has no state and was never published;
 *   <li>{@code identity-assignments} entries: the live profiles' identities and the clock's one.
 * </ul>
 *
 * <p>A retained checkpoint and a stop-with-savepoint cannot come from one run: a stop ends the job
 * FINISHED, and Flink discards the checkpoints of a finished job even when they are retained on
 * cancellation. With {@code retainCheckpoint} the savepoint is therefore taken without stopping
 * (still canonical; the quiet output means every Kafka transaction is committed already) and the
 * job is then cancelled, which keeps its last checkpoint.
 */
public final class RunningJobSavepoints {

    /** The job's parallelism: the mini-cluster needs at least as many slots. */
    public static final int PARALLELISM = 2;

    /** The events of a toolkit test's run: small, but with merges, memberships and scores. */
    public static final GeneratorConfig SMALL = GeneratorConfig.of(30, 300, 6);

    /**
     * How long the output (updates, model versions, examples) must not grow before the snapshot:
     * ten checkpoint intervals, longer than the model's publish interval and the sources' idleness.
     */
    static final Duration QUIET = Duration.ofSeconds(3);

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** The state backends a snapshot is taken with ({@code state.backend.type}). */
    public enum Backend {
        HASHMAP("hashmap"),
        ROCKSDB("rocksdb");

        final String type;

        Backend(String type) {
            this.type = type;
        }
    }

    /**
     * What a run left.
     *
     * @param savepoint the canonical savepoint's directory (with {@code _metadata})
     * @param retainedCheckpoint the last checkpoint's {@code chk-N} directory, retained on
     *     cancellation (incremental for RocksDB), or null when not asked for
     * @param liveProfiles each live profile's last update by profile id, read {@code
     *     read_committed} after the snapshot (merged profiles left out)
     * @param clock the time of the clock event, the last in event time; later events reach a job
     *     restored from the savepoint after the watermark
     */
    public record Snapshots(
            Path savepoint,
            Path retainedCheckpoint,
            Map<String, ProfileUpdate> liveProfiles,
            Instant clock) {}

    private RunningJobSavepoints() {}

    private static final Map<Backend, Snapshots> SHARED = new EnumMap<>(Backend.class);

    /**
     * One run per backend for the whole test JVM (surefire reuses one fork), shared by the
     * toolkit's test classes, which only read it: {@link Backend#HASHMAP} stopped with a savepoint,
     * {@link Backend#ROCKSDB} with a savepoint and a retained incremental checkpoint. The job runs
     * on the calling class's mini-cluster; the files live in a temporary directory removed when the
     * JVM exits.
     */
    public static synchronized Snapshots shared(Backend backend) throws Exception {
        Snapshots snapshots = SHARED.get(backend);
        if (snapshots == null) {
            Path dir = Files.createTempDirectory("rtprofile-running-job-" + backend.type);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            snapshots = take(dir, backend, backend == Backend.ROCKSDB);
            SHARED.put(backend, snapshots);
        }
        return snapshots;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            // A temporary directory: the system cleans it up eventually.
        }
    }

    /** A run on its own broker, over {@link #SMALL}; files go below {@code dir}. */
    public static Snapshots take(Path dir, Backend backend, boolean retainCheckpoint)
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            return take(kafka, dir, backend, retainCheckpoint);
        }
    }

    /** A run on {@code kafka}, fresh topics, over {@link #SMALL}; files go below {@code dir}. */
    public static Snapshots take(
            EmbeddedKafka kafka, Path dir, Backend backend, boolean retainCheckpoint)
            throws Exception {
        Path definitions = dir.resolve("definitions");
        SavepointFixtures.writeDefinitions(definitions);
        KafkaTopics topics = new KafkaTopics(kafka, "running-job-" + backend.type);
        return take(topics, definitions, SMALL, backend, retainCheckpoint, dir);
    }

    /**
     * A run on {@code topics} with the definitions in {@code definitions} ({@code segments/},
     * {@code models/}), over {@code events} and the probe's and clock's events.
     */
    static Snapshots take(
            KafkaTopics topics,
            Path definitions,
            GeneratorConfig events,
            Backend backend,
            boolean retainCheckpoint,
            Path dir)
            throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        Configuration config = SavepointFixtures.jobConfig(topics, definitions, checkpoints);
        config.set(StateBackendOptions.STATE_BACKEND, backend.type);
        if (retainCheckpoint) {
            config.set(
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(PARALLELISM);
        ProfileJob.defineKafkaJob(env, config);
        // Before the job starts: it reads from the earliest offsets anyway.
        topics.produce(events(events));
        JobClient job = env.executeAsync("running job, " + backend.type);
        awaitQuiet(topics, job);

        String target = dir.resolve("savepoints").toUri().toString();
        String savepoint;
        Path retained = null;
        if (retainCheckpoint) {
            savepoint =
                    job.triggerSavepoint(target, SavepointFormatType.CANONICAL)
                            .get(60, TimeUnit.SECONDS);
            job.cancel().get(60, TimeUnit.SECONDS);
            awaitTerminal(job);
            retained = lastCheckpoint(checkpoints.resolve(job.getJobID().toHexString()));
        } else {
            savepoint =
                    job.stopWithSavepoint(false, target, SavepointFormatType.CANONICAL)
                            .get(60, TimeUnit.SECONDS);
        }
        return new Snapshots(
                Path.of(URI.create(savepoint)), retained, readLive(topics), clock(events));
    }

    /** When the probe buys for 600.5: before the end of the generated events. */
    static Instant probePurchase(GeneratorConfig events) {
        return events.end().minus(Duration.ofHours(12));
    }

    /** The clock event's time: two hours after every generated event. */
    static Instant clock(GeneratorConfig events) {
        return events.end().plus(Duration.ofHours(2));
    }

    /** The generated events, then the probe's purchase and the clock event. */
    static List<byte[]> events(GeneratorConfig config) {
        List<byte[]> events = new ArrayList<>();
        new EventGenerator(config)
                .stream().forEach(e -> events.add(e.getBytes(StandardCharsets.UTF_8)));
        events.add(
                SavepointFixtures.event(
                        "probe-1",
                        "commerce.purchase",
                        probePurchase(config),
                        SavepointFixtures.email(SavepointFixtures.PROBE_EMAIL),
                        "{\"value\":600.5}"));
        events.add(
                SavepointFixtures.event(
                        "clock-1",
                        "web.pageView",
                        clock(config),
                        SavepointFixtures.email("clock@fixture.example"),
                        "{\"page\":\"home\"}"));
        return events;
    }

    /** The live profiles on {@code profile-updates}, versions checked contiguous. */
    static Map<String, ProfileUpdate> readLive(KafkaTopics topics) throws Exception {
        List<ProfileOutput> outputs = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readCommitted(topics.updates)) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            outputs.add(
                    r.value() == null
                            ? new ProfileOutput(key, null, tombstone())
                            : new ProfileOutput(
                                    key,
                                    ProfileUpdate.fromByteBuffer(ByteBuffer.wrap(r.value())),
                                    null));
        }
        FinalProfiles.assertOutputVersionsContiguous(outputs);
        return FinalProfiles.live(outputs);
    }

    /** The reason is in a header; only that the profile is gone matters here. */
    private static Tombstone tombstone() {
        return new Tombstone(TombstoneReason.merged, null, 0L);
    }

    /**
     * Until the job's output (updates, model versions, examples) has not grown for {@link #QUIET}.
     * A job that fails meanwhile fails the wait with its cause (test logs show only errors).
     */
    private static void awaitQuiet(KafkaTopics topics, JobClient job) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long last = -1;
        long quietSince = System.nanoTime();
        try (KafkaTopics.CommittedCount output =
                topics.countCommitted(topics.updates, topics.models, topics.examples)) {
            while (true) {
                JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
                if (status.isGloballyTerminalState()) {
                    throw new AssertionError("the job ended " + status + failure(job));
                }
                long now = output.poll();
                if (now != last) {
                    last = now;
                    quietSince = System.nanoTime();
                } else if (now > 0 && System.nanoTime() - quietSince > QUIET.toNanos()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the job's output did not settle within " + TIMEOUT);
                }
                Thread.sleep(200);
            }
        }
    }

    private static String failure(JobClient job) {
        try {
            job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
            return "";
        } catch (ExecutionException e) {
            StringBuilder causes = new StringBuilder();
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                causes.append("\n  caused by ").append(t);
            }
            return causes.toString();
        } catch (Exception e) {
            return ": " + e;
        }
    }

    /** A cancelled job's checkpoints are kept, or discarded, once it has reached its end. */
    /**
     * Cancels a job and waits until it has ended: {@code cancel()} completes when the request is
     * taken, while tasks may still write checkpoint files, which then race a test's {@code TempDir}
     * cleanup (it failed SegmentPublishITCase once with a directory not empty).
     */
    static void cancelAndAwait(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        awaitTerminal(job);
    }

    static void awaitTerminal(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the job did not end within " + TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    /** The completed checkpoint of highest id under a job's checkpoint directory. */
    private static Path lastCheckpoint(Path jobCheckpoints) throws Exception {
        try (Stream<Path> dirs = Files.list(jobCheckpoints)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .filter(d -> Files.isRegularFile(d.resolve("_metadata")))
                    .max(
                            Comparator.comparingLong(
                                    d -> Long.parseLong(d.getFileName().toString().substring(4))))
                    .orElseThrow(
                            () ->
                                    new AssertionError(
                                            "no retained checkpoint in " + jobCheckpoints));
        }
    }
}
