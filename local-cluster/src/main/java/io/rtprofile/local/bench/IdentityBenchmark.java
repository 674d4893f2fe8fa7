package io.rtprofile.local.bench;

import io.rtprofile.jobs.Uids;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.local.kafka.EmbeddedKafka;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The identity graph's figures of docs/benchmarks.md: the profile job through Kafka, exactly-once,
 * on input where 10% of the events link a device to its customer's email (each a merge of two
 * profiles, through the feedback topic), beside the same input without links, in alternating rounds
 * of one run; then merge latency at a fixed rate, beside the latency of single-identity events.
 *
 * <p>The preload (every customer's email profile and device profiles) runs once, through the job,
 * which is then stopped with a savepoint; every measured job starts from that savepoint, with the
 * sources' state (offsets) left out, so it reads its own topic from the start and its time holds
 * only the measured events (plus the job's start, the restore and the final checkpoint).
 */
public final class IdentityBenchmark {

    /** What to measure. */
    public record Settings(
            int customers,
            int devicesPerCustomer,
            long events,
            int warmupRounds,
            int rounds,
            int parallelism,
            List<Rate> latencyRates,
            Duration latencyDuration) {}

    /**
     * A latency run's rate: events/s, or a share of the measured median without links ({@code
     * 50%}).
     */
    public record Rate(double value, boolean ofNoLinks) {
        public static Rate parse(String text) {
            String t = text.trim();
            boolean share = t.endsWith("%");
            double value = Double.parseDouble(share ? t.substring(0, t.length() - 1) : t);
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("not a positive rate: " + text);
            }
            return new Rate(share ? value / 100 : value, share);
        }

        double eventsPerSecond(double noLinks) {
            return ofNoLinks ? value * noLinks : value;
        }
    }

    static final double LINK_FRACTION = 0.10;
    private static final long SEED = 42L;
    private static final long LATENCY_SEED = 43L;
    private static final long DAY_MILLIS = 86_400_000L;
    private static final Duration LATENCY_WARMUP = Duration.ofSeconds(10);

    /** How long the latency run waits, after the last event, for the updates still on their way. */
    private static final Duration LATENCY_TAIL = Duration.ofSeconds(15);

    /** The latency run ends when no counted event has been seen for this long. */
    private static final Duration QUIET = Duration.ofSeconds(3);

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(20);

    private static final String PRELOAD_TOPIC = "identity-preload";
    private static final String LINKS_TOPIC = "identity-links";
    private static final String NO_LINKS_TOPIC = "identity-no-links";
    private static final String EMPTY_TOPIC = "identity-empty";

    private final Settings settings;
    private final PrintStream out;
    private Path checkpoints;
    private TaskCpu lastCores;

    public IdentityBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public void run() throws Exception {
        Path dir = Files.createTempDirectory("rtprofile-identity-bench");
        checkpoints = dir.resolve("checkpoints");
        // Event time: two days ago, so that the latency run's events (stamped now) come after.
        long start = (System.currentTimeMillis() / DAY_MILLIS - 2) * DAY_MILLIS;
        IdentityBenchInput input =
                new IdentityBenchInput(
                        new IdentityBenchInput.Settings(
                                settings.customers(),
                                settings.devicesPerCustomer(),
                                settings.events(),
                                LINK_FRACTION,
                                SEED,
                                start));
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            // The profile job reads its definitions from here (none: no segments, no models).
            BenchSupport.createDefinitionTopics(kafka);
            long t0 = System.nanoTime();
            produce(kafka, PRELOAD_TOPIC, input.preload());
            produce(kafka, LINKS_TOPIC, input.measured(true));
            produce(kafka, NO_LINKS_TOPIC, input.measured(false));
            kafka.createTopic(EMPTY_TOPIC, BenchSupport.EVENT_PARTITIONS, Map.of());
            out.printf(
                    "produced a preload of %,d events (%,d customers: an email and %d devices"
                            + " each) and %,d measured events twice, with %,d links and without,"
                            + " in %.1f s%n",
                    input.settings().preloadEvents(),
                    settings.customers(),
                    settings.devicesPerCustomer(),
                    settings.events(),
                    input.settings().links(),
                    (System.nanoTime() - t0) / 1e9);
            String savepoint = preload(kafka, input.settings().preloadEvents(), dir);
            double noLinks = throughput(kafka, savepoint, input.settings().links());
            for (int i = 0; i < settings.latencyRates().size(); i++) {
                Rate rate = settings.latencyRates().get(i);
                latency(kafka, savepoint, input, rate.eventsPerSecond(noLinks), i + 1);
            }
            out.println(memory());
        } finally {
            BenchSupport.deleteRecursively(dir);
        }
    }

    /**
     * Runs the preload through the job until the events source has committed offsets past all of it
     * (so a checkpoint covered it), then stops it with a savepoint, whose barrier follows every
     * preload event through every operator. The sources' state is then taken out of the savepoint.
     */
    private String preload(EmbeddedKafka kafka, long events, Path dir) throws Exception {
        String suffix = "preload";
        BenchSupport.createRunTopics(kafka, suffix);
        Configuration config = BenchSupport.jobConfig(kafka, PRELOAD_TOPIC, suffix, checkpoints);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(settings.parallelism());
        long t0 = System.nanoTime();
        JobClient job = ProfileJob.start(env, config);
        try (Admin admin = admin(kafka)) {
            long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
            while (!committedToEnd(admin, "bench-" + suffix, PRELOAD_TOPIC)) {
                if (job.getJobStatus().get().isTerminalState() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the preload job did not get through");
                }
                Thread.sleep(200);
            }
        }
        String path =
                job.stopWithSavepoint(
                                false,
                                dir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.NATIVE)
                        .get(10, TimeUnit.MINUTES);
        withoutSourceState(path);
        out.printf(
                "preload: %,d events through the job and a savepoint in %.1f s%n",
                events, (System.nanoTime() - t0) / 1e9);
        return path;
    }

    /**
     * Rewrites the savepoint's metadata without the sources' state: their offsets and, for the
     * events, the unbounded reading of the preload job. Every measured job then reads its own topic
     * from the start, to its end. Native savepoints refer to their files relative to the metadata,
     * so the rewritten metadata stays in place.
     */
    private static void withoutSourceState(String savepoint) throws IOException {
        Set<OperatorID> sources =
                Set.of(
                        OperatorIdentifier.forUid(Uids.EVENTS_SOURCE).getOperatorId(),
                        OperatorIdentifier.forUid(Uids.PROFILE_TRANSFERS_SOURCE).getOperatorId(),
                        OperatorIdentifier.forUid(Uids.SEGMENT_DEFINITIONS_SOURCE).getOperatorId());
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(savepoint);
        List<OperatorState> kept = new ArrayList<>();
        for (OperatorState operator : metadata.getOperatorStates()) {
            if (!sources.contains(operator.getOperatorID())) {
                kept.add(operator);
            }
        }
        if (kept.size() != metadata.getOperatorStates().size() - sources.size()) {
            throw new IllegalStateException("the savepoint does not hold the three sources");
        }
        Path file = Path.of(URI.create(savepoint)).resolve("_metadata");
        try (OutputStream stream = Files.newOutputStream(file);
                DataOutputStream data = new DataOutputStream(stream)) {
            Checkpoints.storeCheckpointMetadata(
                    new CheckpointMetadata(
                            metadata.getCheckpointId(),
                            kept,
                            metadata.getMasterStates(),
                            metadata.getCheckpointProperties()),
                    data);
        }
    }

    /** The throughput rounds; returns the median events/s without links. */
    private double throughput(EmbeddedKafka kafka, String savepoint, long links) throws Exception {
        double fixed = runFromSavepoint(kafka, savepoint, EMPTY_TOPIC, "empty");
        out.printf(
                "a job from the savepoint over no events (restore, start, end): %.1f s; every"
                        + " round's time includes it%n",
                fixed);
        for (int w = 1; w <= settings.warmupRounds(); w++) {
            for (boolean withLinks : new boolean[] {true, false}) {
                double seconds = round(kafka, savepoint, withLinks, "w" + w, links);
                out.printf(
                        "warm-up %d  %-9s %8.0f events/s  (%.1f s, not counted)%n",
                        w, label(withLinks), settings.events() / seconds, seconds);
            }
        }
        List<Double> linkRates = new ArrayList<>();
        List<Double> plainRates = new ArrayList<>();
        List<Double> linkNet = new ArrayList<>();
        List<Double> plainNet = new ArrayList<>();
        List<Map<String, Double>> linkCores = new ArrayList<>();
        List<Map<String, Double>> plainCores = new ArrayList<>();
        List<Double> linkSeconds = new ArrayList<>();
        List<Double> plainSeconds = new ArrayList<>();
        for (int r = 1; r <= settings.rounds(); r++) {
            // Alternate which goes first, so drift on a noisy machine hits both alike.
            boolean linksFirst = r % 2 == 1;
            for (int i = 0; i < 2; i++) {
                boolean withLinks = linksFirst == (i == 0);
                double seconds = round(kafka, savepoint, withLinks, String.valueOf(r), links);
                double rate = settings.events() / seconds;
                (withLinks ? linkRates : plainRates).add(rate);
                (withLinks ? linkNet : plainNet).add(settings.events() / (seconds - fixed));
                (withLinks ? linkCores : plainCores).add(lastCores.cpuSecondsByTask());
                (withLinks ? linkSeconds : plainSeconds).add(seconds);
                out.printf(
                        "round %d  %-9s %8.0f events/s  (%.1f s)%n",
                        r, label(withLinks), rate, seconds);
            }
        }
        double linkMedian = BenchSupport.median(linkRates);
        double plainMedian = BenchSupport.median(plainRates);
        double linkNetMedian = BenchSupport.median(linkNet);
        double plainNetMedian = BenchSupport.median(plainNet);
        out.println();
        out.println(
                "| input | median events/s | rounds | median events/s without the empty job's"
                        + " time |");
        out.println("|---|---|---|---|");
        out.printf(
                "| no links | %,.0f | %s | %,.0f |%n",
                plainMedian, BenchSupport.rates(plainRates, " / "), plainNetMedian);
        out.printf(
                "| 10%% links (%,d merges) | %,.0f | %s | %,.0f |%n",
                links, linkMedian, BenchSupport.rates(linkRates, " / "), linkNetMedian);
        out.printf(
                "| ratio links / no links | %.2f | | %.2f |%n",
                linkMedian / plainMedian, linkNetMedian / plainNetMedian);
        out.println();
        printCores(plainCores, plainSeconds, linkCores, linkSeconds);
        return plainMedian;
    }

    /**
     * Where the CPU went, by task (its threads, subtasks summed), medians over the rounds: CPU time
     * per measured event, and cores (CPU seconds per second of the round, start and end included).
     */
    private void printCores(
            List<Map<String, Double>> plain,
            List<Double> plainSeconds,
            List<Map<String, Double>> links,
            List<Double> linkSeconds) {
        SortedSet<String> tasks = new TreeSet<>();
        plain.forEach(m -> tasks.addAll(m.keySet()));
        links.forEach(m -> tasks.addAll(m.keySet()));
        out.println(
                "| task threads (subtasks summed) | CPU us/event, no links | with links | cores,"
                        + " no links | with links |");
        out.println("|---|---|---|---|---|");
        for (String task : tasks) {
            double a = medianOf(plain, task, null);
            double b = medianOf(links, task, null);
            if (a / medianOf(plainSeconds) >= 0.02 || b / medianOf(linkSeconds) >= 0.02) {
                out.printf(
                        "| %s | %.1f | %.1f | %.2f | %.2f |%n",
                        shortName(task),
                        a * 1e6 / settings.events(),
                        b * 1e6 / settings.events(),
                        medianOf(plain, task, plainSeconds),
                        medianOf(links, task, linkSeconds));
            }
        }
        out.println();
    }

    private static double medianOf(List<Double> values) {
        return values.isEmpty() ? 0 : BenchSupport.median(values);
    }

    /** The median over the rounds of a task's CPU seconds, per second of round if given. */
    private static double medianOf(
            List<Map<String, Double>> rounds, String task, List<Double> perSeconds) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            double cpu = rounds.get(i).getOrDefault(task, 0.0);
            values.add(perSeconds == null ? cpu : cpu / perSeconds.get(i));
        }
        return medianOf(values);
    }

    /** A task by its first operator; chained sinks are counted with it. */
    private static String shortName(String task) {
        int chain = task.indexOf(" -> ");
        return chain < 0 ? task : task.substring(0, chain) + " (and what is chained to it)";
    }

    private static String label(boolean withLinks) {
        return withLinks ? "links" : "no-links";
    }

    /** One measured round, then a check of its output (not timed). */
    private double round(
            EmbeddedKafka kafka, String savepoint, boolean withLinks, String round, long links)
            throws Exception {
        String suffix = label(withLinks) + "-" + round;
        double seconds;
        try (TaskCpu cpu = TaskCpu.start()) {
            seconds =
                    runFromSavepoint(
                            kafka, savepoint, withLinks ? LINKS_TOPIC : NO_LINKS_TOPIC, suffix);
            lastCores = cpu;
        }
        OutputCount output = count(kafka, "bench-out-" + suffix);
        long rejected = count(kafka, "bench-rejected-" + suffix).records();
        long conflicts = count(kafka, "bench-conflicts-" + suffix).records();
        long expectedTombstones = withLinks ? links : 0;
        String check =
                output.tombstones() == expectedTombstones
                                && output.tombstonedKeys() == expectedTombstones
                                && rejected == 0
                                && conflicts == 0
                        ? "as expected"
                        : "UNEXPECTED: expected " + expectedTombstones + " tombstones, none else";
        out.printf(
                "  output of %s: %,d updates, %,d tombstones (%,d profiles), %d rejected, %d"
                        + " refused links: %s%n",
                suffix,
                output.updates(),
                output.tombstones(),
                output.tombstonedKeys(),
                rejected,
                conflicts,
                check);
        return seconds;
    }

    /** Runs the job from the savepoint over {@code topic} to its end; seconds of net runtime. */
    private double runFromSavepoint(
            EmbeddedKafka kafka, String savepoint, String topic, String suffix) throws Exception {
        BenchSupport.createRunTopics(kafka, suffix);
        Configuration config = BenchSupport.jobConfig(kafka, topic, suffix, checkpoints);
        config.set(RtProfileOptions.STOP_AT_LATEST, true);
        config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(settings.parallelism());
        ProfileJob.defineKafkaJob(env, config);
        return BenchSupport.runSeconds(env, "identity-bench " + suffix);
    }

    /**
     * Merge latency: the job from the savepoint, unbounded, fed at a fixed rate with events stamped
     * with the time they are sent; a {@code read_committed} reader of the updates takes, for every
     * link event, the first update that shows its {@code benchLink} (the survivor, merged), and for
     * every single-identity event that changes an attribute the first that shows its {@code
     * benchSingle}. Then what the output says about every merge (tombstones, devices joined).
     */
    private void latency(
            EmbeddedKafka kafka, String savepoint, IdentityBenchInput input, double rate, int run)
            throws Exception {
        String suffix = "latency-" + run;
        String topic = "identity-latency-" + run;
        kafka.createTopic(topic, BenchSupport.EVENT_PARTITIONS, Map.of());
        BenchSupport.createRunTopics(kafka, suffix);
        Configuration config = BenchSupport.jobConfig(kafka, topic, suffix, checkpoints);
        config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(settings.parallelism());
        JobClient job = ProfileJob.start(env, config);

        Duration total = settings.latencyDuration().plus(LATENCY_WARMUP);
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, (long) (rate * total.toSeconds()) + 1);
        LatencyLog log = new LatencyLog(capacity);
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> log.read(kafka, "bench-out-" + suffix, reading));
        reader.start();
        IdentityBenchInput.LatencyStream events = input.latency(LATENCY_SEED);
        long measureFrom = System.currentTimeMillis() + LATENCY_WARMUP.toMillis();
        long begin = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = BenchSupport.producer(kafka)) {
            for (int n = 0; n < capacity; n++) {
                long wait = begin + (long) (n * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long now = System.currentTimeMillis();
                IdentityBenchInput.Event event = events.next(now);
                log.sent(n, event, now, now >= measureFrom);
                producer.send(
                        new ProducerRecord<>(topic, event.json().getBytes(StandardCharsets.UTF_8)));
            }
        }
        long producedUntil = System.currentTimeMillis();
        // Until every link event's update is in and nothing new has come for a few checkpoints.
        long deadline = System.nanoTime() + LATENCY_TAIL.toNanos();
        int seen = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = log.seenCounted();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            } else if (log.allLinksSeen() && System.nanoTime() - quietSince > QUIET.toNanos()) {
                break;
            }
            Thread.sleep(100);
        }
        double behind = (log.lastSeenMillis() - producedUntil) / 1000.0;
        reading.set(false);
        reader.join();
        job.cancel().get(1, TimeUnit.MINUTES);

        LatencyLog.Merges merges = log.merges();
        out.printf(
                "latency run %d: %,d events at %.0f/s (%d%% links), %d s counted after a %d s"
                        + " warm-up; the last update read %.1f s after the last event%n",
                run,
                capacity,
                rate,
                Math.round(LINK_FRACTION * 100),
                settings.latencyDuration().toSeconds(),
                LATENCY_WARMUP.toSeconds(),
                behind);
        out.printf(
                "| at %,.0f events/s, checkpoints every 1 s | counted | seen | p50 ms | p99 ms |"
                        + " max ms |%n",
                rate);
        out.println("|---|---|---|---|---|---|");
        printLatency("link (merged update of the survivor)", log.latencies(true), log, true);
        printLatency("single identity (attribute change)", log.latencies(false), log, false);
        out.printf(
                "merges: %,d link events, %,d tombstones; %,d without one, of them %,d linked a new"
                        + " device before its own first event was through (no profile yet: no"
                        + " merge); %,d counted links never shown, of them %,d applied after a later"
                        + " link of the customer (event time wins), %,d whose device never joined"
                        + " the email's profile: %s%n",
                merges.linksSent(),
                merges.tombstones(),
                merges.missingTombstones(),
                merges.linkedBeforeFirstSeen(),
                merges.unseen(),
                merges.superseded(),
                merges.neverJoined(),
                merges.explained() ? "all explained" : "UNEXPECTED");
        out.println();
    }

    private void printLatency(String what, List<Long> sorted, LatencyLog log, boolean link) {
        out.printf(
                "| %s | %,d | %,d | %d | %d | %d |%n",
                what,
                log.counted(link),
                sorted.size(),
                BenchSupport.percentile(sorted, 0.50),
                BenchSupport.percentile(sorted, 0.99),
                sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1));
    }

    /** The JVM's peak resident memory and heap in use, for the report. */
    private static String memory() {
        String peak = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    peak = line.substring("VmHWM:".length()).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        Runtime jvm = Runtime.getRuntime();
        return String.format(
                "memory: peak resident %s; heap %,d MiB in use of %,d MiB max",
                peak, (jvm.totalMemory() - jvm.freeMemory()) >> 20, jvm.maxMemory() >> 20);
    }

    private static void produce(
            EmbeddedKafka kafka, String topic, Iterator<IdentityBenchInput.Event> events) {
        kafka.createTopic(topic, BenchSupport.EVENT_PARTITIONS, Map.of());
        try (KafkaProducer<byte[], byte[]> producer = BenchSupport.producer(kafka)) {
            while (events.hasNext()) {
                producer.send(
                        new ProducerRecord<>(
                                topic, events.next().json().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return Admin.create(props);
    }

    /** Whether the group has committed offsets at the end of every partition of the topic. */
    private static boolean committedToEnd(Admin admin, String group, String topic)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < BenchSupport.EVENT_PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        var ends = admin.listOffsets(latest).all().get();
        for (var end : ends.entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            if (at == null || at.offset() < end.getValue().offset()) {
                return false;
            }
        }
        return true;
    }

    /** What a run wrote to a topic, read {@code read_committed} to its end. */
    record OutputCount(long records, long updates, long tombstones, long tombstonedKeys) {}

    private static OutputCount count(EmbeddedKafka kafka, String topic) throws Exception {
        long records = 0;
        long tombstones = 0;
        Set<String> tombstoned = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                BenchSupport.readCommittedConsumer(kafka, "count-" + topic)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (var info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    if (record.value() == null) {
                        tombstones++;
                        tombstoned.add(new String(record.key(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return new OutputCount(records, records - tombstones, tombstones, tombstoned.size());
    }
}
