package io.rtprofile.local.load;

import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratedEvent;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.local.load.LatencyWindows.Window;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A steady load on a running profile job, and what it costs in end-to-end latency (issue 7):
 * generated live events (event time is the wall clock, as in the demo) are produced at a fixed
 * rate, and a {@code read_committed} reader of the profile updates takes, for each update, the time
 * it became readable minus the event time it shows ({@code updatedAt}). That is the latency a
 * downstream consumer sees: parsing, identity resolution, the profile operator (including the wait
 * for the watermark when models are in force), the Kafka transaction, and the commit at the next
 * checkpoint.
 *
 * <p>The producer never slows for the job: when the job cannot keep up, latency grows and the
 * reader shows it; the producer's own lag (how late it sent the latest event) tells when the
 * producer itself, or the broker, was the limit instead.
 */
public final class SteadyLoad {

    /** What to run. */
    public record Settings(
            String bootstrapServers,
            String eventsTopic,
            String updatesTopic,
            double eventsPerSecond,
            Duration duration,
            int profiles,
            long seed,
            Duration window,
            Duration warmup,
            Duration drain,
            Duration quiet) {}

    /**
     * What a run measured. {@code sendFailures} counts events the producer gave up on (the broker
     * unreachable for longer than the producer's delivery timeout): they are not in the topic.
     */
    public record Report(
            long produced,
            long sendFailures,
            long updates,
            long maxProducerLagMillis,
            List<Window> windows,
            double[] overallMillis,
            long updatesAfterWarmup,
            double measuredSeconds) {

        public double producedPerSecond() {
            return produced / measuredSeconds;
        }
    }

    private SteadyLoad() {}

    /**
     * Runs the load and returns what it measured; {@code progress} sees each window when it has
     * ended.
     */
    public static Report run(Settings settings, Consumer<Window> progress) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(settings)) {
            // The first send would wait for the topic's metadata and start the run late.
            producer.partitionsFor(settings.eventsTopic());
            return run(settings, producer, progress);
        }
    }

    private static Report run(
            Settings settings,
            KafkaProducer<byte[], byte[]> kafkaProducer,
            Consumer<Window> progress)
            throws Exception {
        long start = System.currentTimeMillis();
        LatencyWindows windows =
                new LatencyWindows(
                        start, settings.window().toMillis(), settings.warmup().toMillis());
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong produced = new AtomicLong();
        AtomicLong sendFailures = new AtomicLong();
        AtomicLong maxLag = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();

        try (KafkaConsumer<byte[], byte[]> reader = reader(settings)) {
            List<TopicPartition> partitions = new ArrayList<>();
            reader.partitionsFor(settings.updatesTopic())
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            reader.assign(partitions);
            // Only what this run causes: positions are fixed before the first event goes out.
            reader.seekToEnd(partitions);
            partitions.forEach(reader::position);

            Thread producer =
                    new Thread(
                            () -> {
                                try {
                                    produce(
                                            settings,
                                            kafkaProducer,
                                            start,
                                            windows,
                                            produced,
                                            sendFailures,
                                            maxLag);
                                } catch (Throwable t) {
                                    failure.set(t);
                                } finally {
                                    producing.set(false);
                                }
                            },
                            "load-producer");
            producer.start();

            long updates = 0;
            EventDrivenUpdates eventDriven = new EventDrivenUpdates();
            int reported = 0;
            long quietSince = Long.MAX_VALUE;
            long producingEnded = Long.MAX_VALUE;
            while (true) {
                long now = System.currentTimeMillis();
                var records = reader.poll(Duration.ofMillis(100));
                now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.value() == null) {
                        continue; // a tombstone shows no event time
                    }
                    ProfileUpdate update = ProfileUpdateJson.decode(record.value());
                    updates++;
                    if (eventDriven.isEventDriven(update.getProfileId(), update.getUpdatedAt())) {
                        windows.update(now, update.getUpdatedAt());
                    }
                }
                int ended = (int) ((now - start) / settings.window().toMillis());
                List<Window> all = null;
                while (reported < ended) {
                    all = all == null ? windows.windows() : all;
                    if (reported < all.size()) {
                        progress.accept(all.get(reported));
                    }
                    reported++;
                }
                if (producing.get()) {
                    continue;
                }
                producingEnded = Math.min(producingEnded, now);
                quietSince = records.isEmpty() ? Math.min(quietSince, now) : Long.MAX_VALUE;
                // Quiet only once the job has shown it runs: a job still starting is not done. A
                // job commits its output at checkpoints, so quiet must outlast the slowest one.
                boolean quiet = updates > 0 && now - quietSince > settings.quiet().toMillis();
                if (quiet || now - producingEnded > settings.drain().toMillis()) {
                    break;
                }
            }
            producer.join();
            if (failure.get() != null) {
                throw new IllegalStateException("the load producer failed", failure.get());
            }
            double seconds = (producingEnded - start) / 1000.0;
            return new Report(
                    produced.get(),
                    sendFailures.get(),
                    updates,
                    maxLag.get(),
                    windows.windows(),
                    windows.overall(),
                    windows.updatesAfterWarmup(),
                    seconds);
        }
    }

    private static void produce(
            Settings settings,
            KafkaProducer<byte[], byte[]> producer,
            long start,
            LatencyWindows windows,
            AtomicLong produced,
            AtomicLong sendFailures,
            AtomicLong maxLag)
            throws InterruptedException {
        GeneratorConfig config =
                GeneratorConfig.live(
                        settings.profiles(),
                        settings.seed(),
                        Instant.ofEpochMilli(start),
                        settings.eventsPerSecond(),
                        settings.duration());
        EventGenerator events = new EventGenerator(config);
        // The latest event time sent: the generator sends a few events late on purpose (mobile
        // batches), and those are not the producer falling behind.
        long frontier = start;
        while (events.hasNext()) {
            GeneratedEvent event = events.nextEvent();
            // Sent when the wall clock reaches its time: event time stays real time.
            frontier = Math.max(frontier, event.timestampMillis());
            long wait = frontier - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            } else if (frontier - start >= settings.warmup().toMillis()) {
                // Lateness in the warm-up is the start of the run, not a limit of the producer.
                maxLag.accumulateAndGet(-wait, Math::max);
            }
            producer.send(
                    new ProducerRecord<>(
                            settings.eventsTopic(), event.json().getBytes(StandardCharsets.UTF_8)),
                    (metadata, error) -> {
                        if (error != null) {
                            sendFailures.incrementAndGet();
                        }
                    });
            produced.incrementAndGet();
            windows.produced(System.currentTimeMillis(), 1);
        }
        producer.flush();
    }

    private static KafkaProducer<byte[], byte[]> producer(Settings settings) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // Idempotent (the default, stated): a retry after a broker restart writes no duplicate.
        // The default delivery timeout (2 min) keeps events through a broker restart.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> reader(Settings settings) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
