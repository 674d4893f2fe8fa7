package io.rtprofile.local.cluster;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.local.verify.Verification;
import io.rtprofile.local.verify.VerifyReport;
import io.rtprofile.schema.ProfileUpdate;

import org.apache.flink.configuration.Configuration;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * The profile job on a local cluster over topics of its own ({@link JobTopics}), followed across
 * resubmissions: what a fault scenario or a benchmark phase runs, feeds, breaks and waits for.
 */
public final class ClusterJob {

    /** Checkpoints to wait for after the input is consumed: their commits carry the output. */
    private static final int CHECKPOINTS_AFTER_CAUGHT_UP = 2;

    private final LocalCluster cluster;
    private final Path jobJar;
    private final JobTopics topics;
    private final Path configFile;
    private final Configuration configuration;
    private final int parallelism;
    private String id;
    private long failoversOfEarlierJobs;

    private ClusterJob(
            LocalCluster cluster,
            Path jobJar,
            JobTopics topics,
            Path configFile,
            Configuration configuration,
            int parallelism) {
        this.cluster = cluster;
        this.jobJar = jobJar;
        this.topics = topics;
        this.configFile = configFile;
        this.configuration = configuration;
        this.parallelism = parallelism;
    }

    /**
     * Creates topics named after {@code name} (and a random suffix), writes the job's configuration
     * for them (and {@code settings} on top) to {@code workDir/job.yaml}, and submits the job;
     * returns once it runs.
     */
    public static ClusterJob submit(
            LocalCluster cluster,
            Path jobJar,
            String name,
            Map<String, String> settings,
            Path workDir,
            int parallelism)
            throws IOException {
        JobTopics topics = new JobTopics(name + "-" + UUID.randomUUID().toString().substring(0, 8));
        Map<String, String> file = new LinkedHashMap<>(topics.jobSettings());
        file.putAll(settings);
        Path configFile = Files.createDirectories(workDir).resolve("job.yaml");
        StringBuilder yaml = new StringBuilder("# Written by rtprofile for job " + name + ".\n");
        file.forEach((k, v) -> yaml.append(k).append(": \"").append(v).append("\"\n"));
        Files.writeString(configFile, yaml.toString(), StandardCharsets.UTF_8);
        Map<String, String> effective = new HashMap<>(file);
        effective.put(
                RtProfileOptions.BOOTSTRAP_SERVERS.key(), cluster.settings().bootstrapServers());
        ClusterJob job =
                new ClusterJob(
                        cluster,
                        jobJar,
                        topics,
                        configFile,
                        Configuration.fromMap(effective),
                        parallelism);
        cluster.createTopics(topics.topicConfigs());
        job.id = cluster.submit(jobJar, configFile, null, parallelism);
        return job;
    }

    /** The id of the job that runs now (a resubmission changes it). */
    public String id() {
        return id;
    }

    public JobTopics topics() {
        return topics;
    }

    /** The job's own settings (its file, and the cluster's broker). */
    public Configuration configuration() {
        return configuration;
    }

    /** The job's settings as the job itself reads them (its defaults under its file). */
    public ProfileJobSettings settings() {
        return ProfileJobSettings.from(JobConfiguration.withJobDefaults(configuration));
    }

    /**
     * The checks of {@code rtprofile verify} over the job's topics: versions, rejections (of {@code
     * badRecords} bad records) and, if {@code expected} is given, the final profiles.
     */
    public VerifyReport verify(List<ProfileUpdate> expected, long badRecords) {
        return Verification.run(
                new Verification.Settings(
                        bootstrapServers(),
                        topics.events(),
                        topics.updates(),
                        topics.rejected(),
                        settings(),
                        expected,
                        badRecords));
    }

    public String bootstrapServers() {
        return cluster.settings().bootstrapServers();
    }

    /** Sends {@code records} to the events topic; returns once every one is acknowledged. */
    public void send(List<byte[]> records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (byte[] record : records) {
                sent.add(producer.send(new ProducerRecord<>(topics.events(), record)));
            }
            for (Future<?> f : sent) {
                f.get(); // every record is in the topic, or the caller hears of it
            }
        }
    }

    /**
     * Sends an event a second until {@code outputSeen}: a job just submitted is RUNNING before its
     * tasks have opened their state and their first transactions, and a measurement's clock starts
     * only once the job produces output. One event is not always enough: with order-sensitive
     * definitions (models) an event waits for the watermark, which only later events (or the other
     * partition going idle) move past it. The events stay in the topic, so a fault-free run over
     * the topic has them too.
     */
    public void awaitFirstOutput(BooleanSupplier outputSeen, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int n = 0; !outputSeen.getAsBoolean(); n++) {
            if (System.nanoTime() > deadline) {
                throw new ClusterException("job " + id + " produced no output within " + timeout);
            }
            String warmUp =
                    "{\"eventId\":\"warm-up-"
                            + n
                            + "-"
                            + topics.events()
                            + "\",\"timestamp\":"
                            + System.currentTimeMillis()
                            + ",\"type\":\"web.pageView\",\"identities\":[{\"namespace\":"
                            + "\"ecid\",\"id\":\"warm-up\"}]}";
            send(List.of(warmUp.getBytes(StandardCharsets.UTF_8)));
            Thread.sleep(1_000);
        }
    }

    /**
     * Waits until the events source has committed the end of its topic as it is now (the source
     * commits offsets when a checkpoint completes), then for further checkpoints, whose completion
     * commits the output transactions of everything consumed.
     */
    public void awaitCaughtUp(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end = endOffsets();
        while (!caughtUp(end)) {
            if (System.nanoTime() > deadline) {
                throw new ClusterException(
                        "job "
                                + id
                                + " did not catch up with "
                                + topics.events()
                                + " within "
                                + timeout
                                + " (end "
                                + end
                                + ")");
            }
            Thread.sleep(500);
        }
        long completed = completedCheckpoints();
        while (completedCheckpoints() < completed + CHECKPOINTS_AFTER_CAUGHT_UP) {
            if (System.nanoTime() > deadline) {
                throw new ClusterException("job " + id + " completes no checkpoints");
            }
            Thread.sleep(200);
        }
    }

    /** The end offset of each partition of the events topic. */
    public Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topics.events()))
                    .allTopicNames()
                    .get()
                    .get(topics.events())
                    .partitions()
                    .forEach(
                            p ->
                                    latest.put(
                                            new TopicPartition(topics.events(), p.partition()),
                                            OffsetSpec.latest()));
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            return end;
        }
    }

    /** Events the job has consumed and checkpointed: its committed offsets, summed. */
    public long committedEvents() throws Exception {
        try (Admin admin = admin()) {
            return admin
                    .listConsumerGroupOffsets(topics.consumerGroup())
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .values()
                    .stream()
                    .filter(o -> o != null)
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(topics.consumerGroup())
                            .partitionsToOffsetAndMetadata()
                            .get();
            return end.entrySet().stream()
                    .allMatch(
                            e ->
                                    e.getValue() == 0
                                            || (committed.get(e.getKey()) != null
                                                    && committed.get(e.getKey()).offset()
                                                            >= e.getValue()));
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    public long completedCheckpoints() {
        return cluster.rest()
                .get("/jobs/" + id + "/checkpoints")
                .path("counts")
                .path("completed")
                .asLong();
    }

    /**
     * Failovers of this job and of the jobs it was resubmitted from: the entries of each one's
     * exception history, one per failure that restarted tasks ({@code numRestarts} stays 0 on a
     * session cluster's region failovers).
     */
    public long failovers() {
        return failoversOfEarlierJobs + failovers(id);
    }

    private long failovers(String jobId) {
        return cluster.rest()
                .get("/jobs/" + jobId + "/exceptions?maxExceptions=1000")
                .path("exceptionHistory")
                .path("entries")
                .size();
    }

    /**
     * Cancels the job (no savepoint) and submits it again from its latest retained checkpoint;
     * returns the checkpoint directory it resumed from.
     */
    public Path cancelAndResume() {
        String cancelled = id;
        failoversOfEarlierJobs += failovers(cancelled);
        cluster.cancel(cancelled);
        // The job's checkpoint directory: submit resolves it to the newest complete one.
        Path checkpoints = cluster.home().checkpoints().resolve(cancelled);
        id = cluster.submit(jobJar, configFile, checkpoints.toString(), parallelism);
        return checkpoints;
    }

    /** Stops the job with a savepoint and submits it again from it; returns the savepoint. */
    public String stopWithSavepointAndRestore() {
        String stopped = id;
        failoversOfEarlierJobs += failovers(stopped);
        String savepoint = cluster.savepoint(stopped, null, true);
        id = cluster.submit(jobJar, configFile, savepoint, parallelism);
        return savepoint;
    }

    /** Cancels the job and waits for the end. */
    public void cancel() {
        cluster.cancel(id);
    }
}
