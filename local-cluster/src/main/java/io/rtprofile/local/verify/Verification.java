package io.rtprofile.local.verify;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.ingest.EventParser;
import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;
import io.rtprofile.schema.json.RecordJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the job's topics as a downstream system sees them ({@code read_committed}, from the
 * beginning) up to the end offsets they had when verification started, and runs the checks over
 * them: {@link VersionSequenceCheck} on the updates, {@link RejectionCheck} on events and
 * rejections, and {@link SnapshotComparison} against an expected snapshot when one is given.
 *
 * <p>Run it once the job has caught up with its input (consumer lag 0, or a bounded job finished):
 * a rejection or update still in an open transaction is not counted yet, and shows up as a loss.
 * And before compaction ran on {@code profile-updates}: compaction keeps only each profile's last
 * update, so the versions before it would count as lost (the job's topic keeps the active segment
 * uncompacted; docs/deploy.md sets {@code min.compaction.lag.ms} for the same reason).
 */
public final class Verification {
    /** How long the broker may take to answer metadata and offset requests. */
    static final Duration API_TIMEOUT = Duration.ofSeconds(15);

    /** The longest a bounded read may take before verify gives up (a stuck broker). */
    static final Duration READ_TIMEOUT = Duration.ofMinutes(10);

    private static final Duration POLL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What to read and check. */
    public record Settings(
            String bootstrapServers,
            String eventsTopic,
            String updatesTopic,
            String rejectedTopic,
            ProfileJobSettings jobSettings,
            List<ProfileUpdate> expectedSnapshot,
            Long expectedBadRecords) {}

    private Verification() {}

    /**
     * Reads and checks.
     *
     * @throws UnknownTopicOrPartitionException if a topic does not exist
     * @throws org.apache.kafka.common.errors.TimeoutException if the broker does not answer
     */
    public static VerifyReport run(Settings settings) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(settings.bootstrapServers())) {
            // One moment for all three topics: the end of each is taken before any is read, so
            // rejections and updates of events read are not cut off by a later events end.
            Map<TopicPartition, Long> end = new HashMap<>();
            for (String topic :
                    List.of(
                            settings.eventsTopic(),
                            settings.updatesTopic(),
                            settings.rejectedTopic())) {
                end.putAll(consumer.endOffsets(partitions(consumer, topic)));
            }

            RejectionCheck rejections = new RejectionCheck(settings.eventsTopic());
            if (settings.expectedBadRecords() != null) {
                rejections.expectBadRecords(settings.expectedBadRecords());
            }
            EventParser parser = new EventParser(settings.jobSettings());
            read(
                    consumer,
                    settings.eventsTopic(),
                    end,
                    r -> {
                        EventOrigin origin =
                                EventOrigin.newBuilder()
                                        .setTopic(r.topic())
                                        .setPartition(r.partition())
                                        .setOffset(r.offset())
                                        .build();
                        boolean bad = parser.parse(r.value(), origin, 0L).getRejection() != null;
                        rejections.inputRecord(r.partition(), r.offset(), bad);
                    });
            read(
                    consumer,
                    settings.rejectedTopic(),
                    end,
                    r -> {
                        JsonNode origin = rejectionOrigin(r.value());
                        rejections.rejection(
                                origin.hasNonNull("topic") ? origin.get("topic").asText() : null,
                                origin.hasNonNull("partition")
                                        ? origin.get("partition").asInt()
                                        : null,
                                origin.hasNonNull("offset") ? origin.get("offset").asLong() : null);
                    });
            rejections.finish();

            VersionSequenceCheck versions = new VersionSequenceCheck();
            read(
                    consumer,
                    settings.updatesTopic(),
                    end,
                    r -> {
                        String key =
                                r.key() == null
                                        ? "(no key)"
                                        : new String(r.key(), StandardCharsets.UTF_8);
                        String where = "partition " + r.partition() + " offset " + r.offset();
                        if (r.value() == null) {
                            versions.accept(key, null, where);
                            return;
                        }
                        ProfileUpdate update;
                        try {
                            update = ProfileUpdateJson.decode(r.value());
                        } catch (RuntimeException e) {
                            versions.undecodable(key, String.valueOf(e.getMessage()), where);
                            return;
                        }
                        versions.accept(key, update, where);
                    });

            SnapshotComparison snapshot =
                    settings.expectedSnapshot() == null
                            ? null
                            : SnapshotComparison.compare(
                                    versions.liveProfiles().values(), settings.expectedSnapshot());
            return new VerifyReport(versions, rejections, snapshot);
        }
    }

    /** A rejection's origin fields; an empty object when the value cannot be decoded. */
    private static JsonNode rejectionOrigin(byte[] value) {
        try {
            JsonNode node = JSON.readTree(RecordJson.toJson(value));
            return node == null || !node.isObject() ? JSON.createObjectNode() : node;
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode();
        }
    }

    /** Every committed record of {@code topic} from its beginning up to {@code end}. */
    private static void read(
            KafkaConsumer<byte[], byte[]> consumer,
            String topic,
            Map<TopicPartition, Long> end,
            Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        List<TopicPartition> partitions = new ArrayList<>();
        end.keySet().stream().filter(tp -> tp.topic().equals(topic)).forEach(partitions::add);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (!reached(consumer, partitions, end)) {
            if (System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException(
                        "reading " + topic + " took longer than " + READ_TIMEOUT);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                // Records past the end taken at the start belong to a later verification.
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    handler.accept(r);
                }
            }
        }
        consumer.unsubscribe();
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer,
            Collection<TopicPartition> partitions,
            Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private static List<TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new UnknownTopicOrPartitionException("topic '" + topic + "' does not exist");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        return partitions;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "rtprofile-verify");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) API_TIMEOUT.toMillis());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(
                config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
