package io.rtprofile.local.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes a stream of JSON lines to a Kafka topic: one record per non-blank line, value = the line's
 * bytes exactly as read (without the line terminator), no key.
 *
 * <p>Lines are not parsed or validated here: deciding what is a valid event, and rejecting the rest
 * with a reason, is the job's business. Bytes are passed through untouched, so even a line that is
 * not valid UTF-8 reaches the job as it was written. Lines end at {@code \n} or {@code \r\n}; blank
 * lines (only spaces and tabs) are skipped; a UTF-8 byte order mark at the start of the input is
 * dropped.
 *
 * <p>The producer is idempotent with {@code acks=all}: a retried send is neither lost nor
 * duplicated.
 */
public final class JsonLinesProducer implements AutoCloseable {

    private final String topic;
    private final Producer<byte[], byte[]> producer;

    /** How long to wait for the broker to answer whether the topic exists. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Checks that the topic exists, then opens the producer.
     *
     * @param clientProperties extra producer properties (override the defaults here)
     * @throws UnknownTopicOrPartitionException if the topic does not exist: a producer would
     *     otherwise block for a minute on its metadata and then fail
     * @throws TimeoutException if no broker answered within {@link #CONNECT_TIMEOUT}
     */
    public JsonLinesProducer(
            String bootstrapServers, String topic, Map<String, String> clientProperties) {
        this.topic = Objects.requireNonNull(topic, "topic");
        requireTopic(bootstrapServers, topic);
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "rtprofile-produce");
        config.putAll(clientProperties);
        this.producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public JsonLinesProducer(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of());
    }

    /**
     * Sends every non-blank line of {@code in} (read to its end, not closed) and waits until the
     * broker acknowledged all of them.
     *
     * @param sourceName names the input in error messages (a file name, or "stdin")
     * @return the number of records written
     * @throws ProduceException naming the first line the broker refused
     */
    public long send(InputStream in, String sourceName) throws IOException {
        AtomicReference<ProduceException> failure = new AtomicReference<>();
        LineReader lines = new LineReader(in);
        long count = 0;
        byte[] line;
        while ((line = lines.next()) != null) {
            if (lines.lineNumber() == 1) {
                line = stripBom(line);
            }
            if (isBlank(line)) {
                continue;
            }
            if (failure.get() != null) {
                break;
            }
            long lineNumber = lines.lineNumber();
            producer.send(
                    new ProducerRecord<>(topic, null, line),
                    (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(
                                    null,
                                    new ProduceException(
                                            String.format(
                                                    "%s:%d: not written to topic %s: %s",
                                                    sourceName, lineNumber, topic, e.getMessage()),
                                            e));
                        }
                    });
            count++;
        }
        producer.flush();
        if (failure.get() != null) {
            throw failure.get();
        }
        return count;
    }

    @Override
    public void close() {
        producer.close();
    }

    private static void requireTopic(String bootstrapServers, String topic) {
        Map<String, Object> config =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        (int) CONNECT_TIMEOUT.toMillis(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        (int) CONNECT_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            admin.describeTopics(Set.of(topic)).allTopicNames().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UnknownTopicOrPartitionException(
                        "topic '" + topic + "' does not exist at " + bootstrapServers);
            }
            if (e.getCause() instanceof TimeoutException) {
                throw new TimeoutException(
                        "no answer from Kafka at "
                                + bootstrapServers
                                + " within "
                                + CONNECT_TIMEOUT,
                        e.getCause());
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A UTF-8 byte order mark is an artefact of some editors, not part of the first event. */
    private static byte[] stripBom(byte[] line) {
        if (line.length >= 3
                && line[0] == (byte) 0xEF
                && line[1] == (byte) 0xBB
                && line[2] == (byte) 0xBF) {
            return Arrays.copyOfRange(line, 3, line.length);
        }
        return line;
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\f') {
                return false;
            }
        }
        return true;
    }

    /** The broker refused a record; the message names the input and line. */
    public static final class ProduceException extends RuntimeException {
        ProduceException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Splits a byte stream on {@code \n}, dropping a {@code \r} before it. */
    private static final class LineReader {
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private int position;
        private int limit;
        private long lineNumber;

        LineReader(InputStream in) {
            this.in = in;
        }

        long lineNumber() {
            return lineNumber;
        }

        byte[] next() throws IOException {
            ByteArrayOutputStream line = null;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        if (line == null) {
                            return null;
                        }
                        lineNumber++;
                        return stripCr(line.toByteArray());
                    }
                }
                int start = position;
                while (position < limit && buffer[position] != '\n') {
                    position++;
                }
                if (line == null) {
                    line = new ByteArrayOutputStream(Math.max(16, position - start));
                }
                line.write(buffer, start, position - start);
                if (position < limit) {
                    position++; // the '\n'
                    lineNumber++;
                    return stripCr(line.toByteArray());
                }
            }
        }

        private static byte[] stripCr(byte[] line) {
            if (line.length > 0 && line[line.length - 1] == '\r') {
                return Arrays.copyOf(line, line.length - 1);
            }
            return line;
        }
    }
}
