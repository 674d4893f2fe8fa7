package io.rtprofile.local.kafka;

import io.rtprofile.cli.RtProfileCli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtprofile produce} and {@code consume} against the embedded broker. */
class JsonLinesITCase {

    private static final AtomicInteger TOPICS = new AtomicInteger();

    private static EmbeddedKafka kafka;

    @TempDir Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void producesAFileAndConsumesItBack() throws Exception {
        String topic = newTopic(1);
        Path file = dir.resolve("events.jsonl");
        // Blank lines are skipped; CRLF line ends and a missing last newline are fine.
        Files.writeString(
                file,
                "{\"eventId\":\"e-1\"}\r\n\n   \n{\"eventId\":\"e-2\",\"name\":\"Zoë\"}\nnot json\n{\"eventId\":\"e-3\"}");

        Result produced =
                cli(
                        "produce",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        topic,
                        file.toString());
        assertThat(produced.exitCode).as(produced.err).isZero();
        assertThat(produced.out).contains("Produced 4 records");

        Result consumed = consume(topic, "--from-beginning", "--max", "4", "--timeout", "20s");
        assertThat(consumed.exitCode).as(consumed.err).isZero();
        assertThat(consumed.lines())
                .containsExactly(
                        "{\"eventId\":\"e-1\"}",
                        "{\"eventId\":\"e-2\",\"name\":\"Zoë\"}",
                        "not json",
                        "{\"eventId\":\"e-3\"}");
    }

    @Test
    void consumeSkipsAbortedTransactions() throws Exception {
        String topic = newTopic(1);
        try (KafkaProducer<String, String> producer = transactionalProducer("abort-test")) {
            producer.initTransactions();
            sendInTransaction(producer, topic, "{\"n\":\"committed-1\"}", true);
            sendInTransaction(producer, topic, "{\"n\":\"aborted-1\"}", false);
            sendInTransaction(producer, topic, "{\"n\":\"committed-2\"}", true);
            sendInTransaction(producer, topic, "{\"n\":\"aborted-2\"}", false);
            sendInTransaction(producer, topic, "{\"n\":\"committed-3\"}", true);
        }

        // One partition, so the order is the log's: an aborted record would show up among these.
        Result consumed = consume(topic, "--from-beginning", "--max", "3", "--timeout", "20s");

        assertThat(consumed.exitCode).as(consumed.err).isZero();
        assertThat(consumed.lines())
                .containsExactly(
                        "{\"n\":\"committed-1\"}",
                        "{\"n\":\"committed-2\"}",
                        "{\"n\":\"committed-3\"}");
        // The aborted records are in the log: a read_uncommitted reader does see them.
        assertThat(readUncommitted(topic))
                .containsSubsequence("{\"n\":\"aborted-1\"}", "{\"n\":\"aborted-2\"}");
    }

    @Test
    void idleTimeoutEndsARead() throws Exception {
        String topic = newTopic(2);
        produceLines(topic, "{\"a\":1}", "{\"a\":2}");

        Result consumed =
                consume(topic, "--from-beginning", "--idle-timeout", "1s", "--timeout", "20s");

        assertThat(consumed.exitCode).as(consumed.err).isZero();
        assertThat(consumed.lines()).containsExactlyInAnyOrder("{\"a\":1}", "{\"a\":2}");
    }

    @Test
    void consumeStopsAfterMax() throws Exception {
        String topic = newTopic(1);
        Path file = dir.resolve("five.jsonl");
        Files.writeString(file, "{\"i\":1}\n{\"i\":2}\n{\"i\":3}\n{\"i\":4}\n{\"i\":5}\n");
        assertThat(
                        cli(
                                        "produce",
                                        "--bootstrap-servers",
                                        kafka.bootstrapServers(),
                                        "--topic",
                                        topic,
                                        file.toString())
                                .exitCode)
                .isZero();

        Result consumed = consume(topic, "--from-beginning", "--max", "2", "--timeout", "20s");

        assertThat(consumed.exitCode).as(consumed.err).isZero();
        assertThat(consumed.lines()).containsExactly("{\"i\":1}", "{\"i\":2}");
        assertThat(consumed.err).contains("Consumed 2 records");
    }

    @Test
    void consumeStartsAtTheEndByDefault() throws Exception {
        String topic = newTopic(2);
        produceLines(topic, "{\"old\":true}");

        List<String> lines = new ArrayList<>();
        JsonLinesConsumer.Settings settings =
                JsonLinesConsumer.Settings.defaults().maxRecords(1).timeout(Duration.ofSeconds(20));
        try (JsonLinesConsumer consumer =
                new JsonLinesConsumer(kafka.bootstrapServers(), topic, settings)) {
            produceLines(topic, "{\"new\":true}");
            consumer.run(lines::add);
        }

        assertThat(lines).containsExactly("{\"new\":true}");
    }

    @Test
    void printsKeysAndTombstones() throws Exception {
        String topic = newTopic(1);
        try (KafkaProducer<String, String> producer = plainProducer()) {
            producer.send(new ProducerRecord<>(topic, "p-1", "{\"profileId\":\"p-1\"}")).get();
            producer.send(new ProducerRecord<>(topic, "p-\"2\"", null)).get();
            // As the job writes the tombstone of a profile absorbed by a merge.
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    null,
                                    "p-3",
                                    null,
                                    List.of(
                                            new RecordHeader(
                                                    "rtprofile-tombstone",
                                                    "merged".getBytes(StandardCharsets.UTF_8)),
                                            new RecordHeader(
                                                    "rtprofile-survivor",
                                                    "p-1".getBytes(StandardCharsets.UTF_8)))))
                    .get();
        }

        assertThat(consume(topic, "--from-beginning", "--max", "3", "--timeout", "20s").lines())
                .containsExactly(
                        "{\"profileId\":\"p-1\"}",
                        "{\"key\":\"p-\\\"2\\\"\",\"tombstone\":true}",
                        "{\"key\":\"p-3\",\"tombstone\":true,\"reason\":\"merged\","
                                + "\"survivorId\":\"p-1\"}");
        assertThat(
                        consume(
                                        topic,
                                        "--from-beginning",
                                        "--max",
                                        "3",
                                        "--timeout",
                                        "20s",
                                        "--print-key")
                                .lines())
                .containsExactly(
                        "{\"key\":\"p-1\",\"value\":{\"profileId\":\"p-1\"}}",
                        "{\"key\":\"p-\\\"2\\\"\",\"tombstone\":true}",
                        "{\"key\":\"p-3\",\"tombstone\":true,\"reason\":\"merged\","
                                + "\"survivorId\":\"p-1\"}");
    }

    @Test
    void producesStandardInput() throws Exception {
        String topic = newTopic(1);
        InputStream stdin = System.in;
        Result produced;
        try {
            System.setIn(
                    new ByteArrayInputStream(
                            "{\"a\":1}\n{\"a\":2}\n".getBytes(StandardCharsets.UTF_8)));
            produced =
                    cli(
                            "produce",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--topic",
                            topic,
                            "-");
        } finally {
            System.setIn(stdin);
        }

        assertThat(produced.exitCode).as(produced.err).isZero();
        assertThat(produced.out).contains("Produced 2 records from stdin");
        assertThat(consume(topic, "--from-beginning", "--max", "2", "--timeout", "20s").lines())
                .containsExactly("{\"a\":1}", "{\"a\":2}");
    }

    @Test
    void unusableArgumentsExitWithTwoAndOneClearLine() throws Exception {
        Path file = dir.resolve("one.jsonl");
        Files.writeString(file, "{}\n");
        String b = kafka.bootstrapServers();

        Result unknownTopic =
                cli(
                        "produce",
                        "--bootstrap-servers",
                        b,
                        "--topic",
                        "no-such-topic",
                        file.toString());
        assertThat(unknownTopic.exitCode).isEqualTo(2);
        assertThat(unknownTopic.err.strip())
                .isEqualTo("rtprofile: topic 'no-such-topic' does not exist at " + b);

        Result missingFile =
                cli(
                        "produce",
                        "--bootstrap-servers",
                        b,
                        "--topic",
                        newTopic(1),
                        dir.resolve("nope.jsonl").toString());
        assertThat(missingFile.exitCode).isEqualTo(2);
        assertThat(missingFile.err).contains("no such file: ").contains("nope.jsonl");

        Result badAddress =
                cli("produce", "--bootstrap-servers", "nonsense", "--topic", "t", file.toString());
        assertThat(badAddress.exitCode).isEqualTo(2);
        assertThat(badAddress.err).startsWith("rtprofile: bad --bootstrap-servers nonsense");

        Result consumeUnknown = consume("no-such-topic", "--max", "1");
        assertThat(consumeUnknown.exitCode).isEqualTo(2);
        assertThat(consumeUnknown.err).contains("topic 'no-such-topic' does not exist");

        Result badDuration = consume("whatever", "--timeout", "soon");
        assertThat(badDuration.exitCode).isEqualTo(2);
        assertThat(badDuration.err).contains("'soon' is not a duration");
    }

    // ---------------------------------------------------------------------------------------

    private record Result(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static Result cli(String... args) {
        CommandLine cli = RtProfileCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    private static Result consume(String topic, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "consume",
                                "--bootstrap-servers",
                                kafka.bootstrapServers(),
                                "--topic",
                                topic));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    private static String newTopic(int partitions) {
        String topic = "json-lines-" + TOPICS.incrementAndGet();
        kafka.createTopic(topic, partitions, Map.of());
        return topic;
    }

    private static void produceLines(String topic, String... lines) throws Exception {
        try (JsonLinesProducer producer = new JsonLinesProducer(kafka.bootstrapServers(), topic)) {
            producer.send(
                    new ByteArrayInputStream(
                            String.join("\n", lines).getBytes(StandardCharsets.UTF_8)),
                    "test");
        }
    }

    private static void sendInTransaction(
            KafkaProducer<String, String> producer, String topic, String value, boolean commit)
            throws Exception {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, value)).get();
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String transactionalId) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        transactionalId,
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        60_000),
                new StringSerializer(),
                new StringSerializer());
    }

    private static KafkaProducer<String, String> plainProducer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
    }

    private static List<String> readUncommitted(String topic) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
            }
            return values;
        }
    }
}
