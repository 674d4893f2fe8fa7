package io.rtprofile.viewer.feed;

import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;
import io.rtprofile.viewer.store.ProfileStore;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows {@code profile-updates} ({@code read_committed}) into the {@link ProfileStore}, and the
 * segment definitions topic into {@link SegmentNames}.
 *
 * <p>The consumer is assigned the partitions itself and keeps no consumer group: the store holds
 * the offsets, written atomically with the data they cover, so a restart resumes exactly where the
 * store stopped, and several viewers never share (or steal) partitions.
 */
public final class ProfileUpdatesFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileUpdatesFeed.class);

    /** How often the lag is measured and new partitions looked for. */
    private static final Duration CHECK_EVERY = Duration.ofSeconds(2);

    private final ProfileStore store;
    private final String bootstrapServers;
    private final String topic;
    private final String definitionsTopic;
    private final SegmentNames segmentNames;
    private final Thread thread;
    private final AtomicLong undecodable = new AtomicLong();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;
    private volatile long lag = -1;
    private volatile String state = "starting";
    private volatile Throwable failure;

    public ProfileUpdatesFeed(
            ProfileStore store,
            String bootstrapServers,
            String topic,
            String definitionsTopic,
            SegmentNames segmentNames) {
        this.store = store;
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.definitionsTopic = definitionsTopic;
        this.segmentNames = segmentNames;
        this.thread = new Thread(this::run, "viewer-feed-" + topic);
        thread.setDaemon(true);
    }

    public ProfileUpdatesFeed start() {
        thread.start();
        return this;
    }

    /** Records behind the end of the topic (committed records only); -1 until first measured. */
    public long lag() {
        return lag;
    }

    /** What the feed is doing, for the status endpoint: waiting for the topic, following, ... */
    public String state() {
        Throwable f = failure;
        return f == null ? state : "stopped: " + f.getMessage();
    }

    /** Values that were neither an Avro nor a JSON profile update, skipped. */
    public long undecodable() {
        return undecodable.get();
    }

    private void run() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "rtprofile-viewer");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(props)) {
            consumer = kafka;
            follow(kafka);
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (Throwable e) {
            failure = e;
            LOG.error("The viewer stopped following {}", topic, e);
        } finally {
            state = "stopped";
        }
    }

    private void follow(KafkaConsumer<byte[], byte[]> kafka) throws InterruptedException {
        List<TopicPartition> partitions = awaitPartitions(kafka, topic);
        List<TopicPartition> definitions = partitions(kafka, definitionsTopic);
        reassign(kafka, partitions, definitions, partitions, definitions);
        long nextCheck = 0;
        state = "following " + topic;
        while (running) {
            ConsumerRecords<byte[], byte[]> records = kafka.poll(Duration.ofMillis(200));
            List<ProfileStore.Incoming> incoming = new ArrayList<>(records.count());
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.topic().equals(topic)) {
                    decode(record, incoming);
                } else {
                    segmentNames.accept(record.key(), record.value());
                }
            }
            Map<Integer, Long> next = new HashMap<>();
            for (TopicPartition tp : records.partitions()) {
                if (tp.topic().equals(topic)) {
                    next.put(tp.partition(), kafka.position(tp));
                }
            }
            if (!next.isEmpty()) {
                store.apply(topic, incoming, next);
            }
            if (System.currentTimeMillis() >= nextCheck) {
                nextCheck = System.currentTimeMillis() + CHECK_EVERY.toMillis();
                // One metadata request for both topics.
                Map<String, List<PartitionInfo>> topics = kafka.listTopics(Duration.ofSeconds(10));
                List<TopicPartition> now = partitions(topics, topic);
                List<TopicPartition> nowDefinitions = partitions(topics, definitionsTopic);
                if (now.size() != partitions.size()
                        || nowDefinitions.size() != definitions.size()) {
                    // New partitions (or the definitions topic appeared): start them from the
                    // beginning, keep the others where they are.
                    List<TopicPartition> added = new ArrayList<>(now);
                    added.removeAll(partitions);
                    List<TopicPartition> addedDefinitions = new ArrayList<>(nowDefinitions);
                    addedDefinitions.removeAll(definitions);
                    partitions = now;
                    definitions = nowDefinitions;
                    reassign(kafka, partitions, definitions, added, addedDefinitions);
                }
                lag = measureLag(kafka, partitions);
            }
        }
    }

    private void decode(ConsumerRecord<byte[], byte[]> record, List<ProfileStore.Incoming> into) {
        if (record.key() == null) {
            undecodable.incrementAndGet();
            return;
        }
        String profileId = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            into.add(new ProfileStore.Incoming(profileId, null));
            return;
        }
        try {
            ProfileUpdate update = ProfileUpdateJson.decode(record.value());
            into.add(new ProfileStore.Incoming(profileId, update));
        } catch (IllegalArgumentException e) {
            if (undecodable.incrementAndGet() <= 10) {
                LOG.warn(
                        "Skipped {}-{}@{}: not a profile update ({})",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.getMessage());
            }
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> kafka, String name)
            throws InterruptedException {
        state = "waiting for topic " + name;
        while (running) {
            List<TopicPartition> found = partitions(kafka, name);
            if (!found.isEmpty()) {
                return found;
            }
            Thread.sleep(500);
        }
        throw new WakeupException();
    }

    private static List<TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> kafka, String name) {
        return partitions(kafka.listTopics(Duration.ofSeconds(10)), name);
    }

    /** The topic's partitions in order; none for a topic that is not there (or null). */
    private static List<TopicPartition> partitions(
            Map<String, List<PartitionInfo>> topics, String name) {
        List<PartitionInfo> infos = name == null ? null : topics.get(name);
        List<TopicPartition> partitions = new ArrayList<>();
        if (infos != null) {
            infos.forEach(i -> partitions.add(new TopicPartition(name, i.partition())));
        }
        partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return partitions;
    }

    /** Assigns all partitions; seeks the new ones: to the store's offsets, else the beginning. */
    private void reassign(
            KafkaConsumer<byte[], byte[]> kafka,
            List<TopicPartition> partitions,
            List<TopicPartition> definitions,
            List<TopicPartition> fresh,
            List<TopicPartition> freshDefinitions) {
        List<TopicPartition> all = new ArrayList<>(partitions);
        all.addAll(definitions);
        kafka.assign(all);
        Map<Integer, Long> stored = store.offsets(topic);
        List<TopicPartition> fromStart = new ArrayList<>(freshDefinitions);
        for (TopicPartition tp : fresh) {
            Long offset = stored.get(tp.partition());
            if (offset == null) {
                fromStart.add(tp);
            } else {
                kafka.seek(tp, offset);
            }
        }
        if (!fromStart.isEmpty()) {
            // An empty collection would mean "every assigned partition".
            kafka.seekToBeginning(fromStart);
        }
    }

    private static long measureLag(
            KafkaConsumer<byte[], byte[]> kafka, List<TopicPartition> partitions) {
        long total = 0;
        Map<TopicPartition, Long> ends = kafka.endOffsets(partitions, Duration.ofSeconds(5));
        for (TopicPartition tp : partitions) {
            total += Math.max(0, ends.getOrDefault(tp, 0L) - kafka.position(tp));
        }
        return total;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        KafkaConsumer<byte[], byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
        thread.join(10_000);
    }
}
