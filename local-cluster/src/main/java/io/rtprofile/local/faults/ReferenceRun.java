package io.rtprofile.local.faults;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.profile.BoundedProfileRun;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.schema.ProfileUpdate;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The run without faults that a scenario's final profiles must equal: exactly the records that
 * reached the scenario's events topic (whatever the producer managed to deliver around the fault),
 * copied to a file and run through the bounded pipeline ({@code rtprofile run --snapshot}) in this
 * JVM. The contract makes a final profile independent of the order events arrive in, apart from its
 * id and version ({@code SnapshotComparison}), so the copy's order (one partition after the other)
 * does not matter.
 */
final class ReferenceRun {

    private static final Duration POLL = Duration.ofMillis(500);

    private ReferenceRun() {}

    /** The standing profiles of the fault-free run over {@code topic}'s records. */
    static List<ProfileUpdate> snapshot(
            String bootstrapServers,
            String topic,
            Configuration jobConfig,
            ProfileJobSettings settings,
            Path workDir)
            throws Exception {
        Path events = workDir.resolve("events.jsonl");
        long copied = copyTopic(bootstrapServers, topic, events);
        if (copied == 0) {
            throw new IllegalStateException("no events in " + topic);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        BoundedProfileRun.runConfiguration(jobConfig));
        env.setParallelism(2);
        Map<String, ProfileUpdate> live = new ConcurrentHashMap<>();
        BoundedProfileRun.run(
                env,
                events,
                settings,
                SegmentCatalog.empty(),
                ModelCatalog.empty(),
                AsOfWatermarkCap.LARGEST_EVENT_TIME,
                new BoundedProfileRun.Consumers(
                        out -> {
                            if (out.getUpdate() != null) {
                                live.put(out.getProfileId(), out.getUpdate());
                            } else {
                                live.remove(out.getProfileId());
                            }
                        },
                        rejected -> {},
                        refused -> {},
                        example -> {},
                        model -> {}));
        List<ProfileUpdate> standing = new ArrayList<>();
        new TreeMap<>(live).values().forEach(p -> standing.add(ProfileMerger.standing(p)));
        return standing;
    }

    /** Every record of {@code topic} as a line of {@code file}; returns how many. */
    static long copyTopic(String bootstrapServers, String topic, Path file) throws IOException {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        long copied = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(
                                props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                OutputStream out = Files.newOutputStream(file)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic)
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    byte[] value = r.value() == null ? new byte[0] : r.value();
                    for (byte b : value) {
                        if (b == '\n' || b == '\r') {
                            // A file line cannot hold it: the reference would differ from the job's
                            // input, and every check after would be wrong.
                            throw new IllegalStateException(
                                    "record "
                                            + r.partition()
                                            + "/"
                                            + r.offset()
                                            + " of "
                                            + topic
                                            + " holds a line break");
                        }
                    }
                    out.write(value);
                    out.write('\n');
                    copied++;
                }
            }
        }
        return copied;
    }
}
