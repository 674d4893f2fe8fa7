package io.rtprofile.local.load;

import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratedEvent;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.local.cluster.ClusterJob;
import io.rtprofile.local.cluster.LocalCluster;
import io.rtprofile.local.load.LatencyWindows.Window;
import io.rtprofile.local.verify.VerifyReport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The profile job's load benchmark on a local cluster (issue 7), three phases, each a fresh job on
 * topics of its own:
 *
 * <ol>
 *   <li><b>capacity</b>: a backlog of generated events, drained as fast as the job can; the rate at
 *       which it commits them (its committed offsets, between 10% and 90% of the backlog) is the
 *       measured maximum;
 *   <li><b>sustained</b>: a steady load at a share of it ({@link SteadyLoad}), with end-to-end
 *       latency per window and the cluster's cost sampled at each ({@link ClusterMetrics});
 *   <li><b>overload</b>: more than the maximum for a while, then less: the job must slow its
 *       sources (the backlog grows in Kafka, not in the job), lose nothing, and catch up once the
 *       load drops.
 * </ol>
 */
public final class ClusterBenchmark {

    private static final Duration FIRST_OUTPUT_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(15);
    private static final long LAG_SAMPLE_MILLIS = 5_000;

    /**
     * What to run.
     *
     * @param jobSettings extra settings of the job's file (segment and model definitions)
     */
    public record Settings(
            long capacityEvents,
            Duration sustain,
            double sustainShare,
            Duration overload,
            double overloadShare,
            Duration recover,
            double recoverShare,
            int profiles,
            long seed,
            Duration window,
            Duration warmup,
            Map<String, String> jobSettings) {}

    /** The capacity phase: the committed rate over the middle of the backlog. */
    public record Capacity(long events, double eventsPerSecond, double drainSeconds) {}

    /** One window of the sustained phase with the cluster's cost at its end. */
    public record SustainedWindow(Window latency, ClusterMetrics metrics) {}

    /** The sustained phase. */
    public record Sustained(
            double eventsPerSecond,
            SteadyLoad.Report load,
            List<SustainedWindow> windows,
            VerifyReport verification) {}

    /** One sample of the overload phase: events in the topic and committed by the job. */
    public record LagSample(double second, long produced, long committed) {
        public long lag() {
            return produced - committed;
        }
    }

    /** The overload phase. */
    public record Overload(
            double overRate,
            double recoverRate,
            double dropSecond,
            List<LagSample> samples,
            List<String> latencyTimeline,
            double jobRateDuringOverload,
            long maxLag,
            double lagGoneSecond,
            VerifyReport verification) {}

    private final LocalCluster cluster;
    private final Path jobJar;
    private final Settings settings;
    private final Path workDir;
    private final Consumer<String> progress;

    public ClusterBenchmark(
            LocalCluster cluster,
            Path jobJar,
            Settings settings,
            Path workDir,
            Consumer<String> progress) {
        this.cluster = cluster;
        this.jobJar = jobJar;
        this.settings = settings;
        this.workDir = workDir;
        this.progress = progress;
    }

    /** Drains a backlog of {@code capacityEvents} generated events; the rate is the maximum. */
    public Capacity capacity() throws Exception {
        ClusterJob job = submit("capacity");
        OutputLog output = new OutputLog();
        try (OutputMonitor monitor =
                new OutputMonitor(job.bootstrapServers(), job.topics().updates(), output)) {
            job.awaitFirstOutput(() -> output.size() > 0, FIRST_OUTPUT_TIMEOUT);
        }
        long base = job.committedEvents();
        long events = settings.capacityEvents();
        // Event times spread over the ten minutes before now, as if that traffic had queued up.
        Duration span = Duration.ofMinutes(10);
        GeneratorConfig config =
                GeneratorConfig.live(
                        settings.profiles(),
                        settings.seed(),
                        Instant.now().minus(span),
                        events * 1000.0 / span.toMillis(),
                        span);
        progress.accept(
                String.format("capacity: job %s, a backlog of %,d events", job.id(), events));
        Thread producer = new Thread(() -> produceAll(job, config), "capacity-backlog");
        producer.start();
        List<double[]> samples = new ArrayList<>();
        long start = System.currentTimeMillis();
        long deadline = start + CATCH_UP_TIMEOUT.toMillis();
        while (true) {
            Thread.sleep(1_000);
            long committed = job.committedEvents() - base;
            double second = (System.currentTimeMillis() - start) / 1000.0;
            samples.add(new double[] {second, committed});
            if (committed >= events) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(
                        "the job committed "
                                + committed
                                + " of "
                                + events
                                + " in "
                                + CATCH_UP_TIMEOUT);
            }
        }
        producer.join();
        job.cancel();
        double[] from = first(samples, 0.1 * events);
        double[] to = first(samples, 0.9 * events);
        double rate = (to[1] - from[1]) / (to[0] - from[0]);
        double drained = samples.get(samples.size() - 1)[0];
        progress.accept(
                String.format("  %,.0f events/s (the whole backlog in %.0f s)", rate, drained));
        return new Capacity(events, rate, drained);
    }

    private static double[] first(List<double[]> samples, double committed) {
        return samples.stream().filter(s -> s[1] >= committed).findFirst().orElseThrow();
    }

    private void produceAll(ClusterJob job, GeneratorConfig config) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, job.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            EventGenerator events = new EventGenerator(config);
            while (events.hasNext()) {
                GeneratedEvent event = events.nextEvent();
                producer.send(
                        new ProducerRecord<>(
                                job.topics().events(),
                                event.json().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** A steady load at {@code sustainShare} of {@code maximum}, with the cluster's cost. */
    public Sustained sustained(double maximum) throws Exception {
        double rate = maximum * settings.sustainShare();
        ClusterJob job = submit("sustained");
        progress.accept(
                String.format(
                        "sustained: job %s, %,.0f events/s for %d s",
                        job.id(), rate, settings.sustain().toSeconds()));
        OutputLog output = new OutputLog();
        try (OutputMonitor monitor =
                new OutputMonitor(job.bootstrapServers(), job.topics().updates(), output)) {
            job.awaitFirstOutput(() -> output.size() > 0, FIRST_OUTPUT_TIMEOUT);
        }
        List<SustainedWindow> windows = new ArrayList<>();
        SteadyLoad.Report load =
                SteadyLoad.run(
                        loadSettings(job, rate, settings.sustain(), settings.seed(), true),
                        w -> {
                            ClusterMetrics metrics = ClusterMetrics.sample(cluster, job.id());
                            windows.add(new SustainedWindow(w, metrics));
                            progress.accept(
                                    String.format(
                                            "  %5d s %,8d produced %,8d updates  p50 %6.0f ms"
                                                    + "  p99 %6.0f ms  checkpoint %5d ms"
                                                    + " %,6d KB",
                                            w.startSecond(),
                                            w.produced(),
                                            w.updates(),
                                            w.p50Millis(),
                                            w.p99Millis(),
                                            metrics.checkpointMillis(),
                                            metrics.checkpointedBytes() / 1024));
                        });
        job.awaitCaughtUp(CATCH_UP_TIMEOUT);
        VerifyReport verification = job.verify(null, 0);
        job.cancel();
        return new Sustained(rate, load, windows, verification);
    }

    /**
     * {@code overloadShare} of {@code maximum} for {@code overload}, then {@code recoverShare} for
     * {@code recover}; the backlog is sampled from Kafka throughout.
     */
    public Overload overload(double maximum) throws Exception {
        double over = maximum * settings.overloadShare();
        double under = maximum * settings.recoverShare();
        ClusterJob job = submit("overload");
        progress.accept(
                String.format(
                        "overload: job %s, %,.0f events/s for %d s, then %,.0f events/s for %d s",
                        job.id(),
                        over,
                        settings.overload().toSeconds(),
                        under,
                        settings.recover().toSeconds()));
        OutputLog output = new OutputLog();
        List<LagSample> samples = new ArrayList<>();
        long start;
        long drop;
        try (OutputMonitor monitor =
                new OutputMonitor(job.bootstrapServers(), job.topics().updates(), output)) {
            job.awaitFirstOutput(() -> output.size() > 0, FIRST_OUTPUT_TIMEOUT);
            long base = job.committedEvents();
            start = System.currentTimeMillis();
            AtomicBoolean sampling = new AtomicBoolean(true);
            long origin = start;
            Thread sampler =
                    new Thread(
                            () -> {
                                while (sampling.get()) {
                                    try {
                                        LagSample sample = lagSample(job, base, origin);
                                        synchronized (samples) {
                                            samples.add(sample);
                                        }
                                        progress.accept(
                                                String.format(
                                                        "  %5.0f s in topic %,9d committed %,9d"
                                                                + " lag %,8d",
                                                        sample.second(),
                                                        sample.produced(),
                                                        sample.committed(),
                                                        sample.lag()));
                                        Thread.sleep(LAG_SAMPLE_MILLIS);
                                    } catch (InterruptedException e) {
                                        return;
                                    } catch (Exception e) {
                                        progress.accept("  (a lag sample failed: " + e + ")");
                                    }
                                }
                            },
                            "overload-lag");
            sampler.start();
            SteadyLoad.run(
                    loadSettings(job, over, settings.overload(), settings.seed(), false), w -> {});
            drop = System.currentTimeMillis();
            // Other customers' events (another seed): the same seed would repeat event ids, and
            // deduplication would drop them.
            SteadyLoad.run(
                    loadSettings(job, under, settings.recover(), settings.seed() + 1, false),
                    w -> {});
            job.awaitCaughtUp(CATCH_UP_TIMEOUT);
            sampling.set(false);
            sampler.interrupt();
            sampler.join();
            // The end, caught up: the chart ends where the backlog is gone.
            samples.add(lagSample(job, base, start));
        }
        double dropSecond = (drop - start) / 1000.0;
        List<LagSample> all;
        synchronized (samples) {
            all = List.copyOf(samples);
        }
        // The job's own rate while overloaded: committed events over the overload's second half
        // (the first fills the pipeline).
        double half = dropSecond / 2;
        LagSample a = all.stream().filter(s -> s.second() >= half).findFirst().orElseThrow();
        LagSample b =
                all.stream()
                        .filter(s -> s.second() <= dropSecond)
                        .reduce((x, y) -> y)
                        .orElseThrow();
        double jobRate = (b.committed() - a.committed()) / Math.max(1e-9, b.second() - a.second());
        long maxLag = all.stream().mapToLong(LagSample::lag).max().orElse(0);
        // The backlog is gone when lag is below what a few seconds of the lower rate leave
        // uncommitted between checkpoints.
        double lagGone =
                all.stream()
                        .filter(s -> s.second() > dropSecond && s.lag() <= under * 3)
                        .mapToDouble(LagSample::second)
                        .findFirst()
                        .orElse(Double.NaN);
        VerifyReport verification = job.verify(null, 0);
        job.cancel();
        return new Overload(
                over,
                under,
                dropSecond,
                all,
                output.timeline(start, 10_000),
                jobRate,
                maxLag,
                lagGone,
                verification);
    }

    private static LagSample lagSample(ClusterJob job, long base, long start) throws Exception {
        long produced = job.endOffsets().values().stream().mapToLong(Long::longValue).sum() - base;
        long committed = job.committedEvents() - base;
        return new LagSample((System.currentTimeMillis() - start) / 1000.0, produced, committed);
    }

    private ClusterJob submit(String name) throws Exception {
        Map<String, String> jobSettings = new java.util.LinkedHashMap<>(settings.jobSettings());
        jobSettings.putAll(ClusterMetrics.ROCKSDB_MEMORY_METRICS);
        return ClusterJob.submit(
                cluster, jobJar, "bench-" + name, jobSettings, workDir.resolve(name), 2);
    }

    private SteadyLoad.Settings loadSettings(
            ClusterJob job, double rate, Duration duration, long seed, boolean measured) {
        return new SteadyLoad.Settings(
                job.bootstrapServers(),
                job.topics().events(),
                job.topics().updates(),
                rate,
                duration,
                settings.profiles(),
                seed,
                settings.window(),
                measured ? settings.warmup() : Duration.ZERO,
                measured ? Duration.ofMinutes(2) : Duration.ZERO,
                measured ? Duration.ofSeconds(30) : Duration.ZERO);
    }
}
