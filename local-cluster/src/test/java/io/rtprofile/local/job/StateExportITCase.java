package io.rtprofile.local.job;

import io.rtprofile.cli.RtProfileCli;
import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.jobs.testing.FinalProfiles;
import io.rtprofile.jobs.testing.MiniClusters;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.Tombstone;
import io.rtprofile.schema.internal.TombstoneReason;
import io.rtprofile.schema.json.ProfileUpdateJson;
import io.rtprofile.state.Savepoints;
import io.rtprofile.state.snapshot.SnapshotFiles;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rtprofile state export} of state taken from the running Kafka job: a canonical savepoint
 * of the heap backend, and a retained incremental RocksDB checkpoint. Each export must show exactly
 * the live profiles the job published ({@code read_committed}), as {@code run --snapshot} shows
 * them: the last update of each, standing.
 */
class StateExportITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    private static final Path DEFINITIONS = SavepointFixtures.ROOT.resolve("0.1.0");
    private static final GeneratorConfig EVENTS = GeneratorConfig.of(40, 500, 11);
    private static final Duration QUIET = Duration.ofSeconds(3);

    static EmbeddedKafka kafka;

    @TempDir Path dir;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void exportsAHeapSavepointOfTheRunningJob() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka, "export-heap");
        Configuration config = jobConfig(topics);
        config.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        JobClient job = start(config, topics);
        String savepoint =
                job.stopWithSavepoint(
                                false,
                                dir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);

        Path taken = Path.of(URI.create(savepoint));
        assertThat(Savepoints.backendFor(taken)).isInstanceOf(HashMapStateBackend.class);
        assertExportShowsTheLiveProfiles(taken, topics);
    }

    @Test
    void exportsARetainedRocksDbCheckpoint() throws Exception {
        KafkaTopics topics = new KafkaTopics(kafka, "export-checkpoint");
        Configuration config = jobConfig(topics);
        config.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        JobClient job = start(config, topics);
        // Quiet means every update is committed, so the latest checkpoint holds their state.
        job.cancel().get(60, TimeUnit.SECONDS);

        Path retained = latestCheckpoint(dir.resolve("checkpoints"));
        // Incremental RocksDB files, which only RocksDB reads: not a canonical savepoint.
        assertThat(Savepoints.backendFor(retained)).isInstanceOf(EmbeddedRocksDBStateBackend.class);
        assertExportShowsTheLiveProfiles(retained, topics);
    }

    private Configuration jobConfig(KafkaTopics topics) {
        return SavepointFixtures.jobConfig(topics, DEFINITIONS, dir.resolve("checkpoints"));
    }

    private static JobClient start(Configuration config, KafkaTopics topics) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        ProfileJob.defineKafkaJob(env, config);
        JobClient job = env.executeAsync("state export " + topics.events);
        List<byte[]> events = new ArrayList<>();
        new EventGenerator(EVENTS)
                .stream().forEach(e -> events.add(e.getBytes(StandardCharsets.UTF_8)));
        topics.produce(events);
        awaitQuiet(topics);
        return job;
    }

    private void assertExportShowsTheLiveProfiles(Path state, KafkaTopics topics) throws Exception {
        Map<String, ProfileUpdate> live = FinalProfiles.live(outputs(topics));
        assertThat(live).hasSizeGreaterThan(10);
        Path out = dir.resolve("export");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cli = RtProfileCli.commandLine();
        cli.setOut(new PrintWriter(stdout, true));
        cli.setErr(new PrintWriter(stderr, true));

        int code = cli.execute("state", "export", state.toString(), "--output", out.toString());

        assertThat(code).as(stderr.toString()).isZero();
        List<String> want = new ArrayList<>();
        new TreeMap<>(live)
                .values()
                .forEach(p -> want.add(ProfileUpdateJson.toJson(ProfileMerger.standing(p))));
        assertThat(Files.readAllLines(out.resolve(SnapshotFiles.JSON_LINES_FILE)))
                .containsExactlyElementsOf(want);
        List<ProfileSnapshot> keys = SnapshotFiles.readAll(out.resolve(SnapshotFiles.AVRO_FILE));
        assertThat(keys).filteredOn(k -> k.getProfile() != null).hasSize(live.size());
        assertThat(keys).allSatisfy(k -> assertThat(k.getEngine()).isNotNull());
        assertThat(stdout.toString()).contains("exported " + live.size() + " profiles");
    }

    private static List<ProfileOutput> outputs(KafkaTopics topics) throws Exception {
        List<ProfileOutput> outputs = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readCommitted(topics.updates)) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            outputs.add(
                    r.value() == null
                            ? new ProfileOutput(
                                    key, null, new Tombstone(TombstoneReason.merged, null, 0L))
                            : new ProfileOutput(
                                    key,
                                    ProfileUpdate.fromByteBuffer(ByteBuffer.wrap(r.value())),
                                    null));
        }
        return outputs;
    }

    /** The newest {@code chk-N} with a {@code _metadata} under the checkpoint directory. */
    private static Path latestCheckpoint(Path checkpoints) throws Exception {
        try (Stream<Path> files = Files.walk(checkpoints)) {
            return files.filter(f -> f.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .max(
                            Comparator.comparingLong(
                                    d -> Long.parseLong(d.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint"));
        }
    }

    /** Until the job's output has not grown for a while. */
    private static void awaitQuiet(KafkaTopics topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        long last = -1;
        long quietSince = System.nanoTime();
        while (true) {
            long now =
                    topics.readCommitted(topics.updates).size()
                            + (long) topics.readCommitted(topics.examples).size();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (now > 0 && System.nanoTime() - quietSince > QUIET.toNanos()) {
                return;
            }
            assertThat(System.nanoTime()).as("waiting for the job's output").isLessThan(deadline);
            Thread.sleep(300);
        }
    }
}
