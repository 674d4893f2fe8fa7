package io.rtprofile.local.bench;

import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.jobs.profile.ProfileJob;
import io.rtprofile.local.kafka.EmbeddedKafka;
import io.rtprofile.schema.ProfileUpdate;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The figures of docs/benchmarks.md: throughput of the profile job through Kafka, exactly-once,
 * beside the pass-through baseline in alternating rounds of one run; and end-to-end latency from an
 * event's production to the commit of the update it caused.
 */
public final class ProfileJobBenchmark {

    /** What to measure. */
    public record Settings(
            long events,
            int profiles,
            int warmupRounds,
            int rounds,
            int parallelism,
            double latencyRate,
            Duration latencyDuration) {}

    private final Settings settings;
    private final PrintStream out;
    private final Path checkpoints;

    public ProfileJobBenchmark(Settings settings, PrintStream out) throws IOException {
        this.settings = settings;
        this.out = out;
        this.checkpoints = Files.createTempDirectory("rtprofile-bench-checkpoints");
    }

    public void run() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            throughput(kafka);
            latency(kafka);
        } finally {
            BenchSupport.deleteRecursively(checkpoints);
        }
    }

    private void throughput(EmbeddedKafka kafka) throws Exception {
        kafka.createTopic("bench-events", 2, Map.of());
        // The profile job reads its definitions from here (none: no segments, no models).
        BenchSupport.createDefinitionTopics(kafka);
        long start = System.nanoTime();
        GeneratorConfig data =
                GeneratorConfig.of(
                        settings.profiles(), settings.events(), GeneratorConfig.DEFAULT_SEED);
        long produced = produceAll(kafka, new EventGenerator(data));
        out.printf(
                "produced %d events over %d profiles in %.1f s%n",
                produced, settings.profiles(), (System.nanoTime() - start) / 1e9);

        // Uncounted rounds first: on two cores the JVM has one C2 compiler thread, and the
        // profile job's code (Flink, Kafka, Avro, Jackson) runs in slower tiers for minutes
        // before it is compiled; that says nothing about a long-running job's steady state.
        for (int warmup = 1; warmup <= settings.warmupRounds(); warmup++) {
            out.printf(
                    "warm-up %d: profile-job %.0f events/s, pass-through %.0f events/s (not"
                            + " counted)%n",
                    warmup,
                    produced / runToEnd(kafka, true, -warmup),
                    produced / runToEnd(kafka, false, -warmup));
        }
        List<Double> profileRates = new ArrayList<>();
        List<Double> passRates = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            // Alternate which job goes first, so drift on a noisy machine hits both alike.
            boolean profileFirst = round % 2 == 1;
            for (int i = 0; i < 2; i++) {
                boolean profile = profileFirst == (i == 0);
                double seconds = runToEnd(kafka, profile, round);
                double rate = produced / seconds;
                (profile ? profileRates : passRates).add(rate);
                out.printf(
                        "round %d  %-12s %8.0f events/s  (%.1f s)%n",
                        round, profile ? "profile-job" : "pass-through", rate, seconds);
            }
        }
        double profileMedian = BenchSupport.median(profileRates);
        double passMedian = BenchSupport.median(passRates);
        out.println();
        out.println("| job | median events/s | runs |");
        out.println("|---|---|---|");
        out.printf(
                "| pass-through (Kafka -> Kafka, exactly-once) | %.0f | %s |%n",
                passMedian, BenchSupport.rates(passRates, ", "));
        out.printf(
                "| profile job (Kafka -> Kafka, exactly-once) | %.0f | %s |%n",
                profileMedian, BenchSupport.rates(profileRates, ", "));
        out.printf("| ratio profile / pass-through | %.2f | |%n", profileMedian / passMedian);
        out.println();
    }

    private double runToEnd(EmbeddedKafka kafka, boolean profileJob, int round) throws Exception {
        String suffix = (profileJob ? "profile-" : "pass-") + (round < 0 ? "w" + -round : round);
        // The profile job's output is compacted as in production; the pass-through copies
        // unkeyed events, which a compacted topic refuses. Compaction runs later, in the
        // background: it does not change what a write costs.
        kafka.createTopic(
                "bench-out-" + suffix,
                2,
                profileJob ? Map.of("cleanup.policy", "compact") : Map.of());
        kafka.createTopic("bench-rejected-" + suffix, 1, Map.of());
        BenchSupport.createIdentityTopics(kafka, suffix);
        Configuration config = BenchSupport.jobConfig(kafka, "bench-events", suffix, checkpoints);
        config.set(RtProfileOptions.STOP_AT_LATEST, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(settings.parallelism());
        if (profileJob) {
            ProfileJob.defineKafkaJob(env, config);
        } else {
            PassThroughJob.define(env, config);
        }
        return BenchSupport.runSeconds(env, "bench " + suffix);
    }

    private void latency(EmbeddedKafka kafka) throws Exception {
        kafka.createTopic("latency-events", 2, Map.of());
        BenchSupport.createRunTopics(kafka, "latency");
        Configuration config =
                BenchSupport.jobConfig(kafka, "latency-events", "latency", checkpoints);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(settings.parallelism());
        JobClient job = ProfileJob.start(env, config);

        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean consuming = new AtomicBoolean(true);
        long warmupEnd = System.currentTimeMillis() + 10_000;
        Thread consumer =
                new Thread(
                        () -> consume(kafka, "bench-out-latency", warmupEnd, latencies, consuming));
        consumer.start();
        long sent =
                producePaced(
                        kafka,
                        "latency-events",
                        settings.latencyRate(),
                        settings.latencyDuration().plusSeconds(10));
        Thread.sleep(5_000); // the last checkpoints commit the tail
        consuming.set(false);
        consumer.join();
        job.cancel().get(30, TimeUnit.SECONDS);

        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        out.printf(
                "latency: %d events at %.0f/s, %d updates measured after a 10 s warm-up%n",
                sent, settings.latencyRate(), sorted.size());
        out.println("| end-to-end latency (event produced -> update committed and read) | ms |");
        out.println("|---|---|");
        out.printf("| p50 | %d |%n", BenchSupport.percentile(sorted, 0.50));
        out.printf("| p99 | %d |%n", BenchSupport.percentile(sorted, 0.99));
        out.printf("| max | %d |%n", sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1));
    }

    private static long produceAll(EmbeddedKafka kafka, EventGenerator events) {
        long count = 0;
        try (KafkaProducer<byte[], byte[]> producer = BenchSupport.producer(kafka)) {
            while (events.hasNext()) {
                producer.send(
                        new ProducerRecord<>(
                                "bench-events", events.next().getBytes(StandardCharsets.UTF_8)));
                count++;
            }
            producer.flush();
        }
        return count;
    }

    /**
     * Sends generated events at a steady rate with their timestamp set to the moment of sending, so
     * that an update's {@code updatedAt} is the production time of the event that caused it.
     */
    private long producePaced(EmbeddedKafka kafka, String topic, double rate, Duration duration)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        EventGenerator events =
                new EventGenerator(
                        GeneratorConfig.of(
                                settings.profiles(),
                                (long) (rate * duration.toSeconds()) + 1,
                                GeneratorConfig.DEFAULT_SEED + 1));
        long start = System.nanoTime();
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = BenchSupport.producer(kafka)) {
            while (events.hasNext()) {
                long due = start + (long) (sent * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                ObjectNode event = (ObjectNode) json.readTree(events.next());
                event.put("timestamp", System.currentTimeMillis());
                producer.send(new ProducerRecord<>(topic, json.writeValueAsBytes(event)));
                sent++;
            }
        }
        return sent;
    }

    private static void consume(
            EmbeddedKafka kafka,
            String topic,
            long measureFrom,
            List<Long> latencies,
            AtomicBoolean running) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                BenchSupport.readCommittedConsumer(kafka, "latency-reader")) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (record.value() == null) {
                        continue; // a tombstone: a profile merged away or erased, no update
                    }
                    try {
                        ProfileUpdate update =
                                ProfileUpdate.fromByteBuffer(ByteBuffer.wrap(record.value()));
                        if (update.getUpdatedAt() >= measureFrom) {
                            latencies.add(now - update.getUpdatedAt());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException("not a profile update", e);
                    }
                }
            }
        }
    }
}
