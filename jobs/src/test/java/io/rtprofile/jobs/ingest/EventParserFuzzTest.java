package io.rtprofile.jobs.ingest;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.testing.SampleEvents;
import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.json.RecordJson;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.local.LocalDataInputStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.rtprofile.jobs.testing.SampleEvents.T0;
import static io.rtprofile.jobs.testing.SampleEvents.bytes;
import static io.rtprofile.jobs.testing.SampleEvents.event;
import static io.rtprofile.jobs.testing.SampleEvents.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Whatever the bytes, the parser returns exactly one of an event or a rejection, never throws and
 * never runs out of memory; a rejection keeps the input byte for byte. Seeds are fixed, so a
 * failure names a case that reproduces.
 */
class EventParserFuzzTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final EventOrigin ORIGIN =
            EventOrigin.newBuilder().setTopic("events").setPartition(0).setOffset(1L).build();
    private static final Set<String> NAMESPACES = Set.of("crm", "email", "phone", "ecid");

    private final EventParser parser = new EventParser(ProfileJobSettings.defaults());

    /** Valid JSON events the mutators start from. */
    private static final List<String> JSON_SEEDS =
            List.of(
                    SampleEvents.CONTRACT_EXAMPLE,
                    SampleEvents.json("e-min"),
                    "{\"eventId\":\"e-2\",\"timestamp\":1793527200000,\"type\":\"commerce.purchase\","
                            + "\"identities\":[{\"namespace\":\"crm\",\"id\":\"C-1\"},"
                            + "{\"namespace\":\"email\",\"id\":\" X@Y.Z \"},"
                            + "{\"namespace\":\"phone\",\"id\":\"+331234\"}],\"source\":\"pos\","
                            + "\"attributes\":{\"tags\":[\"a\",1,2.5,true,null],\"n\":null,"
                            + "\"big\":-9223372036854775808,\"f\":1.0E-300},"
                            + "\"properties\":{\"cart\":[{\"sku\":\"S\",\"q\":2}],\"deep\":"
                            + "{\"a\":{\"b\":{\"c\":[[[]]]}}},\"u\":\"\\u00e9\\ud83d\\ude00\"}}",
                    "{\"timestamp\":\"2026-11-01T11:00:00.5+01:00\",\"type\":\"consent.update\","
                            + "\"eventId\":\"é-3\",\"identities\":[{\"id\":\"c\",\"namespace\":\"ecid\"}],"
                            + "\"attributes\":{\"consent.email\":\"y\"}}");

    @Test
    void randomBytesNeverBreakTheParser() {
        Random random = new Random(20261101L);
        long fingerprint = RecordJson.fingerprint(ExperienceEvent.getClassSchema());
        Tally tally = new Tally();
        for (int i = 0; i < 12_000; i++) {
            byte[] value = new byte[random.nextInt(i % 10 == 0 ? 2000 : 300)];
            random.nextBytes(value);
            int kind = i % 3;
            if (kind > 0 && value.length >= 10) {
                // The single-object marker, then a random or the real fingerprint.
                value[0] = (byte) 0xC3;
                value[1] = 0x01;
                if (kind == 2) {
                    putLongLittleEndian(value, 2, fingerprint);
                }
            }
            check("random bytes #" + i, value, tally);
        }
        assertThat(tally.rejected).isEqualTo(12_000);
    }

    @Test
    void randomJsonNeverBreaksTheParser() {
        Random random = new Random(42L);
        Tally tally = new Tally();
        for (int i = 0; i < 8_000; i++) {
            StringBuilder json = new StringBuilder();
            randomJson(random, json, 0, true);
            byte[] value = utf8(json.toString());
            if (random.nextInt(3) == 0) {
                value = mutateBytes(random, value);
            }
            check("random JSON #" + i, value, tally);
        }
        // The generator writes events often enough to reach the validator, not just the parser.
        assertThat(tally.accepted).isGreaterThan(50);
        assertThat(tally.rejected).isGreaterThan(4_000);
    }

    @Test
    void mutatedJsonEventsNeverBreakTheParser() {
        Random random = new Random(7L);
        Tally tally = new Tally();
        for (int i = 0; i < 20_000; i++) {
            byte[] seed = utf8(JSON_SEEDS.get(i % JSON_SEEDS.size()));
            byte[] value = seed;
            int rounds = 1 + random.nextInt(3);
            for (int r = 0; r < rounds; r++) {
                value = mutateJson(random, value);
            }
            check("JSON mutation #" + i, value, tally);
        }
        assertThat(tally.accepted).isGreaterThan(500);
        assertThat(tally.rejected).isGreaterThan(5_000);
    }

    @Test
    void mutatedAvroEventsNeverBreakTheParser() {
        Random random = new Random(11L);
        List<byte[]> seeds = avroSeeds();
        Tally tally = new Tally();
        for (int i = 0; i < 15_000; i++) {
            byte[] value = seeds.get(i % seeds.size());
            int rounds = 1 + random.nextInt(3);
            for (int r = 0; r < rounds; r++) {
                value = mutateAvro(random, value);
            }
            check("Avro mutation #" + i, value, tally);
        }
        assertThat(tally.accepted).isGreaterThan(100);
        assertThat(tally.rejected).isGreaterThan(5_000);
    }

    /**
     * A few bytes after the header can claim a string of gigabytes or an array of billions of
     * items; Avro allocates before it finds the input short. Each must be a rejection, not an
     * OutOfMemoryError (the test JVM has 1.5 GB; several of these claims are far above it).
     */
    @Test
    void avroClaimingHugeLengthsIsRejectedNotAllocated() {
        long[] claims = {
            1L << 20,
            (1L << 24) - 1,
            (1L << 24) + 1,
            1L << 27,
            1L << 30,
            Integer.MAX_VALUE - 8,
            Integer.MAX_VALUE,
            1L << 31,
            1L << 40,
            Long.MAX_VALUE,
            -1,
            -(1L << 30),
            Long.MIN_VALUE
        };
        // The crafted encoder is right: without a claim it writes a valid event.
        assertThat(parser.parse(craftedAvro(-1, 0), ORIGIN, NOW).getEvent()).isNotNull();

        Tally tally = new Tally();
        for (int position = 0; position < CRAFTED_POSITIONS; position++) {
            for (long claim : claims) {
                check(
                        "claim of " + claim + " at crafted position " + position,
                        craftedAvro(position, claim),
                        tally);
            }
        }
        assertThat(tally.accepted).isZero();
    }

    @Test
    void kafkaDeserializerEmitsExactlyOneRecordWithTheOffset() {
        KafkaEventDeserializer deserializer = new KafkaEventDeserializer(parser);
        Random random = new Random(99L);
        List<byte[]> avro = avroSeeds();
        int accepted = 0;
        for (int i = 0; i < 3_000; i++) {
            byte[] value;
            switch (i % 4) {
                case 0 -> value = utf8(JSON_SEEDS.get(random.nextInt(JSON_SEEDS.size())));
                case 1 -> value = avro.get(random.nextInt(avro.size()));
                case 2 -> value = mutateJson(random, utf8(JSON_SEEDS.get(i % JSON_SEEDS.size())));
                default -> value = mutateAvro(random, avro.get(i % avro.size()));
            }
            int partition = random.nextInt(12);
            long offset = random.nextLong() & Long.MAX_VALUE;
            List<IngestedRecord> out = new ArrayList<>();

            deserializer.deserialize(
                    new ConsumerRecord<>("events", partition, offset, null, value),
                    new ListCollector<>(out));

            assertThat(out).as("records for case %d", i).hasSize(1);
            IngestedRecord record = out.get(0);
            assertExactlyOne("Kafka case " + i, value, record);
            if (i % 4 < 2) {
                assertThat(record.getEvent()).as("valid seed %d", i).isNotNull();
            }
            if (record.getRejection() != null) {
                EventOrigin origin = record.getRejection().getOrigin();
                assertThat(origin.getTopic()).isEqualTo("events");
                assertThat(origin.getPartition()).isEqualTo(partition);
                assertThat(origin.getOffset()).isEqualTo(offset);
                assertThat(origin.getFile()).isNull();
                assertThat(origin.getLine()).isNull();
            } else {
                accepted++;
            }
        }
        assertThat(accepted).isGreaterThan(1_500);

        List<IngestedRecord> tombstone = new ArrayList<>();
        deserializer.deserialize(
                new ConsumerRecord<>("events", 1, 5L, utf8("key"), null),
                new ListCollector<>(tombstone));
        assertThat(tombstone).hasSize(1);
        assertThat(tombstone.get(0).getRejection().getReason()).isEqualTo("empty record");
        assertThat(tombstone.get(0).getRejection().getOrigin().getOffset()).isEqualTo(5L);
    }

    @Test
    void linesFileWithGoodBadBlankAndOversizedLines(@TempDir Path dir) throws IOException {
        int limit = 512;
        EventParser small = new EventParser(SampleEvents.withMaxEventBytes(limit));
        byte[] oversized = utf8(SampleEvents.json("e-" + "x".repeat(2 * limit)));
        byte[] notUtf8 = {'{', (byte) 0xFF, (byte) 0xFE, 'x', '}'};
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(utf8(SampleEvents.json("e-1") + "\n")); // 1
        file.writeBytes(utf8("\n")); // 2 blank
        file.writeBytes(utf8("   \t \n")); // 3 blank
        file.writeBytes(utf8(SampleEvents.json("e-4") + "\r\n")); // 4 CRLF
        file.writeBytes(utf8("{\"eventId\": \"e-5\",\r\n")); // 5 bad JSON
        file.writeBytes(utf8("\r\n")); // 6 blank with CRLF
        file.writeBytes(oversized); // 7 oversized
        file.writeBytes(utf8("\n"));
        file.writeBytes(notUtf8); // 8 not UTF-8
        file.writeBytes(utf8("\n"));
        file.writeBytes(utf8(SampleEvents.json("e-9"))); // 9, no newline at the end
        Path events = dir.resolve("events.jsonl");
        Files.write(events, file.toByteArray());

        List<IngestedRecord> records =
                readAll(new EventLinesFormat("events.jsonl", small, limit), events);

        assertThat(records).hasSize(6);
        // Events carry no origin; rejections name their line, counted over blank lines too.
        assertThat(List.of(records.get(2), records.get(3), records.get(4)))
                .extracting(EventParserFuzzTest::line)
                .containsExactly(5L, 7L, 8L);
        assertThat(records.get(0).getEvent().getEventId()).isEqualTo("e-1");
        assertThat(records.get(1).getEvent().getEventId()).isEqualTo("e-4");
        assertThat(records.get(5).getEvent().getEventId()).isEqualTo("e-9");

        RejectedEvent badJson = records.get(2).getRejection();
        assertThat(badJson.getReason()).startsWith("not valid JSON");
        assertThat(bytes(badJson.getOriginal())).isEqualTo(utf8("{\"eventId\": \"e-5\","));
        assertThat(badJson.getOrigin().getFile()).isEqualTo("events.jsonl");
        assertThat(badJson.getOrigin().getTopic()).isNull();

        // An oversized line is not held in memory: it keeps limit + 1 bytes, its beginning.
        RejectedEvent tooBig = records.get(3).getRejection();
        assertThat(tooBig.getReason()).isEqualTo("oversized record: 513 bytes, limit 512");
        assertThat(bytes(tooBig.getOriginal())).isEqualTo(Arrays.copyOf(oversized, limit + 1));

        RejectedEvent binary = records.get(4).getRejection();
        assertThat(binary.getReason()).startsWith("not valid JSON");
        assertThat(bytes(binary.getOriginal())).isEqualTo(notUtf8);
    }

    @Test
    void fuzzedLinesFileGivesOneRecordPerNonBlankLine(@TempDir Path dir) throws IOException {
        int limit = 4096;
        EventParser small = new EventParser(SampleEvents.withMaxEventBytes(limit));
        Random random = new Random(5L);
        List<byte[]> avro = avroSeeds();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        List<byte[]> expected = new ArrayList<>();
        List<Long> expectedLines = new ArrayList<>();
        long line = 0;
        for (int i = 0; i < 3_000; i++) {
            if (random.nextInt(8) == 0) {
                line++;
                file.writeBytes(utf8(List.of("", " ", "\t", "\r", "  \r").get(random.nextInt(5))));
                file.write('\n');
            }
            byte[] value =
                    switch (i % 5) {
                        case 0 -> utf8(JSON_SEEDS.get(random.nextInt(JSON_SEEDS.size())));
                        case 1 -> mutateJson(random, utf8(JSON_SEEDS.get(i % JSON_SEEDS.size())));
                        case 2 -> mutateAvro(random, avro.get(i % avro.size()));
                        case 3 -> {
                            byte[] noise = new byte[random.nextInt(200)];
                            random.nextBytes(noise);
                            yield noise;
                        }
                        default -> utf8(SampleEvents.json("e-" + "y".repeat(random.nextInt(6000))));
                    };
            value = withoutLineBreaks(value);
            if (isBlank(value)) {
                continue;
            }
            line++;
            file.writeBytes(value);
            file.writeBytes(random.nextBoolean() ? utf8("\r\n") : utf8("\n"));
            expected.add(value);
            expectedLines.add(line);
        }
        Path events = dir.resolve("fuzz.jsonl");
        Files.write(events, file.toByteArray());

        List<IngestedRecord> records =
                readAll(new EventLinesFormat("fuzz.jsonl", small, limit), events);

        assertThat(records).hasSize(expected.size());
        for (int i = 0; i < records.size(); i++) {
            IngestedRecord record = records.get(i);
            byte[] value = expected.get(i);
            assertExactlyOne(
                    "line " + expectedLines.get(i), value.length > limit ? null : value, record);
            if (record.getRejection() != null) {
                assertThat(line(record)).isEqualTo(expectedLines.get(i));
                assertThat(record.getRejection().getOrigin().getFile()).isEqualTo("fuzz.jsonl");
            }
            IngestedRecord direct = small.parse(value, ORIGIN, NOW);
            if (value.length > limit) {
                assertThat(record.getRejection().getReason())
                        .isEqualTo("oversized record: " + (limit + 1) + " bytes, limit " + limit);
                assertThat(bytes(record.getRejection().getOriginal()))
                        .isEqualTo(Arrays.copyOf(value, limit + 1));
            } else if (direct.getEvent() != null) {
                assertThat(record.getEvent()).isEqualTo(direct.getEvent());
            } else {
                // Same reason, up to the JVM: a hot unchecked exception may lose its message
                // (OmitStackTraceInFastThrow), so "unreadable record: X" is compared by X's kind.
                assertThat(reasonKind(record.getRejection().getReason()))
                        .isEqualTo(reasonKind(direct.getRejection().getReason()));
            }
        }
    }

    private static String reasonKind(String reason) {
        if (!reason.startsWith("unreadable record: ")) {
            return reason;
        }
        int end = reason.indexOf(':', "unreadable record: ".length());
        return end < 0 ? reason : reason.substring(0, end);
    }

    /**
     * Regression (found by review, fixed) in EventLinesFormat.Reader.read: the reader keeps the
     * first limit + 1 bytes of a line and then strips one trailing '\r'. When byte limit + 1 of an
     * oversized line is a '\r', what reaches the parser is exactly {@code limit} bytes, so the line
     * is not rejected as oversized; if those bytes are a valid event it is accepted and the rest of
     * the line is dropped without a trace.
     */
    @Test
    void oversizedLineWithACarriageReturnAtTheLimitIsStillRejected(@TempDir Path dir)
            throws IOException {
        int limit = 256;
        EventParser small = new EventParser(SampleEvents.withMaxEventBytes(limit));
        String head = SampleEvents.json("e-");
        byte[] exactlyAtLimit = utf8(SampleEvents.json("e-" + "x".repeat(limit - head.length())));
        assertThat(exactlyAtLimit).hasSize(limit);
        Path events = dir.resolve("cr.jsonl");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(exactlyAtLimit);
        file.writeBytes(utf8("\r" + SampleEvents.json("e-smuggled") + "\n"));
        Files.write(events, file.toByteArray());

        List<IngestedRecord> records =
                readAll(new EventLinesFormat("cr.jsonl", small, limit), events);

        assertThat(records).hasSize(1);
        assertThat(records.get(0).getEvent()).as("event read from an oversized line").isNull();
        assertThat(records.get(0).getRejection().getReason()).startsWith("oversized record");
    }

    // ---------------------------------------------------------------------------------------
    // Invariants

    private static final class Tally {
        int accepted;
        int rejected;
    }

    private void check(String name, byte[] value, Tally tally) {
        IngestedRecord record;
        try {
            record = parser.parse(value, ORIGIN, NOW);
        } catch (Throwable t) {
            fail(name + " threw on " + hex(value), t);
            return;
        }
        assertExactlyOne(name, value, record);
        if (record.getEvent() != null) {
            tally.accepted++;
        } else {
            assertThat(record.getRejection().getOrigin()).isEqualTo(ORIGIN);
            assertThat(record.getRejection().getRejectedAt()).isEqualTo(NOW);
            tally.rejected++;
        }
    }

    /**
     * Exactly one of event and rejection; a rejection has a reason and, when {@code value} is not
     * null, the input's bytes; an event is a valid one.
     */
    private static void assertExactlyOne(String name, byte[] value, IngestedRecord record) {
        if (record == null || (record.getEvent() == null) == (record.getRejection() == null)) {
            fail(
                    name
                            + ": not exactly one of event and rejection: "
                            + record
                            + " for "
                            + hex(value));
            return;
        }
        RejectedEvent rejection = record.getRejection();
        if (rejection != null) {
            if (rejection.getReason() == null || rejection.getReason().isBlank()) {
                fail(name + ": rejection without a reason for " + hex(value));
            }
            if (value != null && !Arrays.equals(bytes(rejection.getOriginal()), value)) {
                fail(name + ": rejection does not keep the original bytes of " + hex(value));
            }
            return;
        }
        ExperienceEvent event = record.getEvent();
        if (event.getEventId().isBlank()
                || event.getType().isBlank()
                || event.getIdentities().isEmpty()
                || event.getTimestamp() < EventParser.MIN_TIMESTAMP
                || event.getTimestamp() > EventParser.MAX_TIMESTAMP) {
            fail(name + ": accepted an invalid event " + event + " from " + hex(value));
        }
        for (Identity identity : event.getIdentities()) {
            if (!NAMESPACES.contains(identity.getNamespace()) || identity.getId().isEmpty()) {
                fail(name + ": accepted identity " + identity + " from " + hex(value));
            }
            if (identity.getNamespace().equals("email")
                    && !identity.getId()
                            .equals(EventParser.normalizeId("email", identity.getId()))) {
                fail(name + ": email not normalized " + identity + " from " + hex(value));
            }
        }
        if (event.getIdentities().stream().distinct().count() != event.getIdentities().size()) {
            fail(name + ": duplicate identities in " + event);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Generators and mutators

    private static final String[] KEYS = {
        "eventId",
        "timestamp",
        "type",
        "identities",
        "namespace",
        "id",
        "source",
        "attributes",
        "properties",
        "x",
        "",
        "eventId\u0000",
        "ΔΣ"
    };

    private static final byte[][] INVALID_UTF8 = {
        {(byte) 0xFF},
        {(byte) 0x80},
        {(byte) 0xC0, (byte) 0x80},
        {(byte) 0xC0, (byte) 0xAF},
        {(byte) 0xE2, (byte) 0x82},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0xC3, 0x01}
    };

    private static void randomJson(Random random, StringBuilder out, int depth, boolean eventLike) {
        int kind = eventLike ? 0 : random.nextInt(depth > 4 ? 5 : 8);
        switch (kind) {
            case 0 -> {
                out.append('{');
                if (eventLike && random.nextInt(4) > 0) {
                    // Mostly an event's shape, with a field or two off.
                    appendEventFields(random, out);
                } else {
                    int n = random.nextInt(5);
                    for (int i = 0; i < n; i++) {
                        if (i > 0) {
                            out.append(',');
                        }
                        out.append('"').append(KEYS[random.nextInt(KEYS.length)]).append("\":");
                        randomJson(random, out, depth + 1, false);
                    }
                }
                out.append('}');
            }
            case 1 -> {
                out.append('[');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    randomJson(random, out, depth + 1, false);
                }
                out.append(']');
            }
            case 2 -> out.append('"').append(randomText(random)).append('"');
            case 3 -> out.append(randomNumber(random));
            case 4 -> out.append(random.nextBoolean() ? "true" : "null");
            case 5 -> {
                out.append("[{\"namespace\":\"")
                        .append(
                                List.of("crm", "email", "phone", "ecid", "web")
                                        .get(random.nextInt(5)))
                        .append("\",\"id\":\"")
                        .append(randomText(random))
                        .append("\"}]");
            }
            case 6 ->
                    out.append('"')
                            .append("2026-11-0")
                            .append(random.nextInt(10))
                            .append("T10:00:00Z\"");
            default -> out.append("false");
        }
    }

    private static void appendEventFields(Random random, StringBuilder out) {
        List<String> fields = new ArrayList<>();
        fields.add("\"eventId\":\"e-" + random.nextInt(1000) + "\"");
        fields.add(
                "\"timestamp\":"
                        + (random.nextBoolean()
                                ? String.valueOf(T0 + random.nextInt(1000))
                                : "\"2026-11-01T10:00:0" + random.nextInt(10) + "Z\""));
        fields.add("\"type\":\"t\"");
        StringBuilder identities = new StringBuilder("\"identities\":");
        randomJson(random, identities, 5, false);
        fields.add(
                random.nextBoolean()
                        ? "\"identities\":[{\"namespace\":\"email\",\"id\":\" A@B.C \"}]"
                        : identities.toString());
        if (random.nextBoolean()) {
            StringBuilder attributes = new StringBuilder("\"attributes\":{\"a\":");
            randomJson(random, attributes, 4, false);
            fields.add(attributes.append('}').toString());
        }
        if (random.nextBoolean()) {
            StringBuilder properties = new StringBuilder("\"properties\":");
            randomJson(random, properties, 2, random.nextBoolean());
            fields.add(properties.toString());
        }
        if (random.nextInt(4) == 0) {
            fields.remove(random.nextInt(fields.size()));
        }
        java.util.Collections.shuffle(fields, random);
        out.append(String.join(",", fields));
    }

    private static String randomText(Random random) {
        String[] pieces = {
            "a",
            "Z",
            " ",
            "é",
            "日本",
            "\\n",
            "\\\"",
            "\\\\",
            "\\u0000",
            "\\ud83d\\ude00",
            "@",
            "-",
            "\\t"
        };
        StringBuilder text = new StringBuilder();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString();
    }

    private static String randomNumber(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> "1" + "0".repeat(random.nextInt(400));
            case 1 -> "1e" + random.nextInt(100_000);
            case 2 -> "-1e-" + random.nextInt(100_000);
            case 3 -> "9223372036854775808";
            case 4 -> "-0.0";
            case 5 -> String.valueOf(random.nextDouble());
            case 6 -> "0" + random.nextInt(10);
            default -> String.valueOf(random.nextLong());
        };
    }

    private static byte[] mutateJson(Random random, byte[] value) {
        return switch (random.nextInt(12)) {
            case 0, 1, 2 -> mutateBytes(random, value);
            case 3 -> removeField(random, value);
            case 4 -> duplicateField(random, value);
            case 5 -> replaceValue(random, value, deepNesting(random));
            case 6 -> replaceValue(random, value, randomNumber(random));
            case 7 -> insert(random, value, INVALID_UTF8[random.nextInt(INVALID_UTF8.length)]);
            case 8 -> {
                StringBuilder json = new StringBuilder();
                randomJson(random, json, 0, false);
                yield replaceValue(random, value, json.toString());
            }
            case 9 -> utf8(deepNesting(random));
            case 10 -> concat(value, random.nextBoolean() ? value : utf8(" x"));
            default ->
                    insert(
                            random,
                            value,
                            utf8(List.of(",", "}", "]", "\"", ":", "\\").get(random.nextInt(6))));
        };
    }

    private static String deepNesting(Random random) {
        int depth = List.of(63, 64, 65, 1_000, 10_000).get(random.nextInt(5));
        return switch (random.nextInt(4)) {
            case 0 -> "[".repeat(depth);
            case 1 -> "[".repeat(depth) + "]".repeat(depth);
            case 2 -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            default -> "[{\"a\":".repeat(depth / 2);
        };
    }

    private static byte[] mutateBytes(Random random, byte[] value) {
        byte[] out = value.clone();
        switch (random.nextInt(6)) {
            case 0 -> {
                if (out.length > 0) {
                    int flips = 1 + random.nextInt(4);
                    for (int i = 0; i < flips; i++) {
                        int at = random.nextInt(out.length);
                        out[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                return out;
            }
            case 1 -> {
                return Arrays.copyOf(out, random.nextInt(out.length + 1));
            }
            case 2 -> {
                return insert(random, out, new byte[] {(byte) random.nextInt(256)});
            }
            case 3 -> {
                if (out.length == 0) {
                    return out;
                }
                int from = random.nextInt(out.length);
                int to = Math.min(out.length, from + 1 + random.nextInt(8));
                return concat(Arrays.copyOf(out, from), Arrays.copyOfRange(out, to, out.length));
            }
            case 4 -> {
                if (out.length == 0) {
                    return out;
                }
                int from = random.nextInt(out.length);
                int to = Math.min(out.length, from + 1 + random.nextInt(32));
                return insert(random, out, Arrays.copyOfRange(out, from, to));
            }
            default -> {
                if (out.length > 0) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
                return out;
            }
        }
    }

    /** Removes one {@code "key":value} pair found by text, so nested fields go too. */
    private static byte[] removeField(Random random, byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        String key = KEYS[random.nextInt(9)];
        int at = text.indexOf("\"" + key + "\"");
        if (at < 0) {
            return value;
        }
        int end = valueEnd(text, text.indexOf(':', at) + 1);
        if (end < 0) {
            return value;
        }
        if (end < text.length() && text.charAt(end) == ',') {
            end++;
        }
        return utf8(text.substring(0, at) + text.substring(end));
    }

    /** Writes a field twice (Jackson keeps the last) or an identity twice. */
    private static byte[] duplicateField(Random random, byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        if (random.nextBoolean()) {
            int at = text.indexOf("{\"namespace\"");
            int end = at < 0 ? -1 : valueEnd(text, at);
            if (end > at) {
                return utf8(text.substring(0, end) + "," + text.substring(at));
            }
        }
        String key = KEYS[random.nextInt(9)];
        int at = text.indexOf("\"" + key + "\"");
        int brace = text.indexOf('{');
        if (at < 0 || brace < 0) {
            return value;
        }
        int end = valueEnd(text, text.indexOf(':', at) + 1);
        if (end < 0) {
            return value;
        }
        String pair = text.substring(at, end);
        return utf8(text.substring(0, brace + 1) + pair + "," + text.substring(brace + 1));
    }

    private static byte[] replaceValue(Random random, byte[] value, String replacement) {
        String text = new String(value, StandardCharsets.UTF_8);
        String key = KEYS[random.nextInt(9)];
        int at = text.indexOf("\"" + key + "\"");
        if (at < 0) {
            return value;
        }
        int start = text.indexOf(':', at) + 1;
        int end = valueEnd(text, start);
        if (start <= 0 || end < 0) {
            return value;
        }
        return utf8(text.substring(0, start) + replacement + text.substring(end));
    }

    /** End (exclusive) of the JSON value starting at {@code start}; -1 when there is none. */
    private static int valueEnd(String text, int start) {
        int i = start;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        int depth = 0;
        boolean inString = false;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static List<byte[]> avroSeeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(event("a-1").identity("ecid", "c0ffee").avro());
        seeds.add(
                event("a-2")
                        .at(T0 + 5)
                        .source("crm")
                        .identity("crm", "C-1")
                        .identity("email", " Ann@Example.COM ")
                        .identity("phone", "+33")
                        .attribute("country", "FR")
                        .attribute("tags", Arrays.asList("a", null, 1L, 2.5, true))
                        .attribute("gone", null)
                        .attribute("ltv", 1290.5)
                        .attribute("vip", false)
                        .properties("{\"query\":\"red sneakers\",\"items\":[{\"sku\":\"SK-1\"}]}")
                        .avro());
        seeds.add(
                event("a-3-é-日本")
                        .type("privacy.delete")
                        .identity("email", "x@y.z")
                        .attribute("n", Long.MIN_VALUE)
                        .properties("{}")
                        .avro());
        return seeds;
    }

    private static byte[] mutateAvro(Random random, byte[] value) {
        switch (random.nextInt(6)) {
            case 0 -> {
                // Flip bits in the body only: the header stays a known fingerprint.
                byte[] out = value.clone();
                if (out.length > 10) {
                    int at = 10 + random.nextInt(out.length - 10);
                    out[at] ^= (byte) (1 << random.nextInt(8));
                }
                return out;
            }
            case 1 -> {
                // A varint somewhere in the body replaced by an arbitrary one.
                int at = 10 + random.nextInt(Math.max(1, value.length - 10));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(value, 0, Math.min(at, value.length));
                writeLong(
                        out, random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(1 << 26));
                if (at + 1 < value.length) {
                    out.write(value, at + 1, value.length - at - 1);
                }
                return out.toByteArray();
            }
            case 2 -> {
                return concat(value, new byte[] {(byte) random.nextInt(256), 0, 0});
            }
            default -> {
                return mutateBytes(random, value);
            }
        }
    }

    private static final int CRAFTED_POSITIONS = 8;

    /**
     * An ExperienceEvent written field by field; at {@code position} a length or count is replaced
     * by {@code claim} and the record ends there. Position -1 writes a valid event.
     */
    private static byte[] craftedAvro(int position, long claim) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        byte[] fingerprint = new byte[8];
        putLongLittleEndian(
                fingerprint, 0, RecordJson.fingerprint(ExperienceEvent.getClassSchema()));
        out.writeBytes(fingerprint);
        if (position == 0) { // eventId length
            writeLong(out, claim);
            return out.toByteArray();
        }
        writeString(out, "e-1");
        writeLong(out, T0);
        if (position == 1) { // type length
            writeLong(out, claim);
            return out.toByteArray();
        }
        writeString(out, "t");
        if (position == 2) { // identities count
            writeLong(out, claim);
            return out.toByteArray();
        }
        if (position == 3) { // a block with a negative count carries its byte size next
            writeLong(out, -Math.abs(claim == Long.MIN_VALUE ? Long.MAX_VALUE : claim));
            writeLong(out, 12);
            return out.toByteArray();
        }
        writeLong(out, 1);
        if (position == 4) { // identity namespace length
            writeLong(out, claim);
            return out.toByteArray();
        }
        writeString(out, "ecid");
        writeString(out, "c");
        writeLong(out, 0);
        writeString(out, "web");
        if (position == 5) { // attributes count
            writeLong(out, claim);
            return out.toByteArray();
        }
        if (position == 6) { // one attribute holding a list that claims many items
            writeLong(out, 1);
            writeString(out, "tags");
            writeLong(out, 5); // union branch: array
            writeLong(out, claim);
            return out.toByteArray();
        }
        writeLong(out, 0);
        if (position == 7) { // properties: the string branch, claiming a length
            writeLong(out, 1);
            writeLong(out, claim);
            return out.toByteArray();
        }
        writeLong(out, 0); // properties: null
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String text) {
        byte[] bytes = utf8(text);
        writeLong(out, bytes.length);
        out.writeBytes(bytes);
    }

    /** Avro's zig-zag varint. */
    private static void writeLong(ByteArrayOutputStream out, long n) {
        long zigzag = (n << 1) ^ (n >> 63);
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
    }

    private static void putLongLittleEndian(byte[] to, int at, long value) {
        for (int i = 0; i < 8; i++) {
            to[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static byte[] insert(Random random, byte[] value, byte[] piece) {
        int at = random.nextInt(value.length + 1);
        byte[] out = new byte[value.length + piece.length];
        System.arraycopy(value, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(value, at, out, at + piece.length, value.length - at);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] withoutLineBreaks(byte[] value) {
        byte[] out = value.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '\n' || out[i] == '\r') {
                out[i] = ' ';
            }
        }
        return out;
    }

    private static boolean isBlank(byte[] value) {
        for (byte b : value) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static List<IngestedRecord> readAll(EventLinesFormat format, Path file)
            throws IOException {
        List<IngestedRecord> records = new ArrayList<>();
        StreamFormat.Reader<IngestedRecord> reader =
                format.createReader(new Configuration(), new LocalDataInputStream(file.toFile()));
        try {
            for (IngestedRecord r = reader.read(); r != null; r = reader.read()) {
                records.add(r);
            }
        } finally {
            reader.close();
        }
        return records;
    }

    /** The line a rejection names; events carry no origin. */
    private static long line(IngestedRecord record) {
        return record.getRejection().getOrigin().getLine();
    }

    private static String hex(byte[] value) {
        if (value == null) {
            return "null";
        }
        String hex = HexFormat.of().formatHex(value, 0, Math.min(value.length, 160));
        return value.length > 160 ? hex + "... (" + value.length + " bytes)" : hex;
    }
}
