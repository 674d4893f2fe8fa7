package io.rtprofile.local.kafka;

import io.rtprofile.jobs.kafka.ProfileOutputSerializer;
import io.rtprofile.schema.json.RecordJson;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads a Kafka topic as JSON lines, one line per record, seeing only committed transactions
 * ({@code isolation.level=read_committed}): what a downstream system of the exactly-once pipeline
 * sees.
 *
 * <p>It assigns itself every partition of the topic and starts at their beginning or end; there is
 * no consumer group and nothing is committed, so a run never depends on an earlier one.
 *
 * <p>Rendering of a record (see {@link #render}):
 *
 * <ul>
 *   <li>by default the value alone, as JSON: {@link RecordJson#toJson(byte[])} decodes Avro
 *       single-object encoded values and passes JSON text through;
 *   <li>a tombstone (null value) as {@code {"key":<key>,"tombstone":true}}, with the job's
 *       tombstone headers when present: {@code "reason"} ({@code merged} or {@code erased}, from
 *       {@code rtprofile-tombstone}), {@code "survivorId"} (from {@code rtprofile-survivor}) and
 *       {@code "at"} (from {@code rtprofile-at}); so also with {@code printKey};
 *   <li>a value that cannot be decoded (Avro of an unknown schema) as {@code
 *       {"undecodable":<reason>,"base64":<value>}}, so that one record does not end the read;
 *   <li>with {@code printKey}, {@code {"key":<key>,"value":<value>}}.
 * </ul>
 *
 * Keys are read as UTF-8 strings and written as JSON strings (or {@code null}).
 *
 * <p>Thread safety: {@link #run} on one thread; {@link #stop} from any thread (a signal handler).
 */
public final class JsonLinesConsumer implements AutoCloseable {

    /** How long to wait for the broker to list the topic's partitions. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Settings settings;
    private volatile boolean stopped;

    /**
     * Connects and positions on every partition of {@code topic}.
     *
     * @throws UnknownTopicOrPartitionException if the topic does not exist
     * @throws org.apache.kafka.common.errors.TimeoutException if no broker answered within {@link
     *     #CONNECT_TIMEOUT}
     */
    public JsonLinesConsumer(String bootstrapServers, String topic, Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "rtprofile-consume");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis());
        config.putAll(settings.clientProperties);
        // Last, so that no client property can weaken it: this reader checks exactly-once output.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty()) {
                throw new UnknownTopicOrPartitionException(
                        "topic '" + topic + "' does not exist at " + bootstrapServers);
            }
            List<TopicPartition> assigned =
                    partitions.stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(assigned);
            if (settings.fromBeginning) {
                consumer.seekToBeginning(assigned);
            } else {
                consumer.seekToEnd(assigned);
                // Resolve the end now, so that records written after this constructor returns
                // are read, whenever the first poll happens.
                assigned.forEach(consumer::position);
            }
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Hands each record, rendered as one JSON line, to {@code out} until {@code maxRecords} were
     * read, the timeout or idle timeout passed, or {@link #stop} was called.
     *
     * @return the number of records handed out
     */
    public long run(Consumer<String> out) {
        long count = 0;
        long start = System.nanoTime();
        long lastRecord = start;
        try {
            while (!stopped && count < settings.maxRecords) {
                long now = System.nanoTime();
                if (settings.timeout != null && now - start >= settings.timeout.toNanos()) {
                    break;
                }
                if (settings.idleTimeout != null
                        && now - lastRecord >= settings.idleTimeout.toNanos()) {
                    break;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    out.accept(
                            render(
                                    record.key(),
                                    record.value(),
                                    record.headers(),
                                    settings.printKey));
                    count++;
                    if (count >= settings.maxRecords) {
                        break;
                    }
                }
                if (!records.isEmpty()) {
                    lastRecord = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            // stop() was called while polling.
        }
        return count;
    }

    /** Ends {@link #run} soon; safe from any thread. */
    public void stop() {
        stopped = true;
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /** One record without headers as one line of JSON; see the class comment. */
    static String render(byte[] key, byte[] value, boolean printKey) {
        return render(key, value, null, printKey);
    }

    /** One record as one line of JSON; see the class comment. */
    static String render(byte[] key, byte[] value, Headers headers, boolean printKey) {
        String keyJson = key == null ? "null" : quote(new String(key, StandardCharsets.UTF_8));
        if (value == null) {
            return tombstone(keyJson, headers);
        }
        if (printKey) {
            return "{\"key\":" + keyJson + ",\"value\":" + valueJson(value) + "}";
        }
        return valueJson(value);
    }

    /** The same with and without printKey: the key is what a tombstone is about. */
    private static String tombstone(String keyJson, Headers headers) {
        StringBuilder line = new StringBuilder("{\"key\":").append(keyJson);
        line.append(",\"tombstone\":true");
        String reason = header(headers, ProfileOutputSerializer.TOMBSTONE_HEADER);
        if (reason != null) {
            line.append(",\"reason\":").append(quote(reason));
        }
        String survivor = header(headers, ProfileOutputSerializer.SURVIVOR_HEADER);
        if (survivor != null) {
            line.append(",\"survivorId\":").append(quote(survivor));
        }
        String at = header(headers, ProfileOutputSerializer.AT_HEADER);
        if (at != null) {
            line.append(",\"at\":").append(quote(at));
        }
        return line.append('}').toString();
    }

    private static String header(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null
                ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String valueJson(byte[] value) {
        try {
            return RecordJson.toJson(value);
        } catch (RuntimeException e) {
            // One record this reader cannot decode (an Avro schema it does not know) must not end
            // the read: show it, raw, and go on.
            return "{\"undecodable\":"
                    + quote(String.valueOf(e.getMessage()))
                    + ",\"base64\":\""
                    + Base64.getEncoder().encodeToString(value)
                    + "\"}";
        }
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    /** Where to start, when to stop, how to print. Mutable builder. */
    public static final class Settings {
        private boolean fromBeginning;
        private long maxRecords = Long.MAX_VALUE;
        private Duration timeout;
        private Duration idleTimeout;
        private boolean printKey;
        private final Map<String, Object> clientProperties = new HashMap<>();

        public static Settings defaults() {
            return new Settings();
        }

        /** Start at the earliest offsets; by default, only records written from now on. */
        public Settings fromBeginning(boolean fromBeginning) {
            this.fromBeginning = fromBeginning;
            return this;
        }

        /** Stop after this many records. */
        public Settings maxRecords(long maxRecords) {
            if (maxRecords < 0) {
                throw new IllegalArgumentException("maxRecords must be >= 0: " + maxRecords);
            }
            this.maxRecords = maxRecords;
            return this;
        }

        /** Stop this long after starting, whatever was read; null (default) for never. */
        public Settings timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Stop when no record came for this long; null (default) for never. */
        public Settings idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Print {@code {"key":..., "value":...}} instead of the value alone. */
        public Settings printKey(boolean printKey) {
            this.printKey = printKey;
            return this;
        }

        /** Any other consumer property; {@code isolation.level} stays {@code read_committed}. */
        public Settings clientProperty(String key, Object value) {
            clientProperties.put(key, value);
            return this;
        }
    }
}
