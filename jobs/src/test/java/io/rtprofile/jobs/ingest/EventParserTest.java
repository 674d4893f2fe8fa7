package io.rtprofile.jobs.ingest;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.json.RecordJson;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static io.rtprofile.jobs.testing.SampleEvents.T0;
import static io.rtprofile.jobs.testing.SampleEvents.bytes;
import static io.rtprofile.jobs.testing.SampleEvents.event;
import static io.rtprofile.jobs.testing.SampleEvents.id;
import static io.rtprofile.jobs.testing.SampleEvents.json;
import static io.rtprofile.jobs.testing.SampleEvents.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** One input record in, a normalized event or a rejection with a reason out. */
class EventParserTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long NOW = 1_800_000_000_000L;
    private static final EventOrigin KAFKA =
            EventOrigin.newBuilder().setTopic("events").setPartition(2).setOffset(4711L).build();

    private final EventParser parser = new EventParser(ProfileJobSettings.defaults());

    @Test
    void contractExampleIsAcceptedWithItsEmailNormalized() throws Exception {
        ExperienceEvent event =
                accept(utf8(io.rtprofile.jobs.testing.SampleEvents.CONTRACT_EXAMPLE));

        assertThat(event.getEventId()).isEqualTo("e-1");
        assertThat(event.getTimestamp()).isEqualTo(T0);
        assertThat(event.getIdentities())
                .containsExactly(id("ecid", "c0ffee"), id("email", "ann@example.com"));
        assertThat(event.getSource()).isEqualTo("web");
        assertThat(event.getAttributes()).containsEntry("country", "FR");
        assertThat(MAPPER.readTree(event.getProperties()).get("sku").asText()).isEqualTo("SK-1");
    }

    @Test
    void emailsAreTrimmedAndLowerCasedOtherIdsUntouched() {
        String json =
                "{\"eventId\":\"e-1\",\"timestamp\":1793527200000,\"type\":\"t\",\"identities\":["
                        + "{\"namespace\":\"email\",\"id\":\" Ann@Example.COM \"},"
                        + "{\"namespace\":\"crm\",\"id\":\" CRM-Ä1 \"},"
                        + "{\"namespace\":\"phone\",\"id\":\"+33 6 12 34 56 78\"},"
                        + "{\"namespace\":\"ecid\",\"id\":\"C0FFEE\"}]}";

        ExperienceEvent event = accept(utf8(json));

        assertThat(event.getIdentities())
                .containsExactly(
                        id("email", "ann@example.com"),
                        id("crm", " CRM-Ä1 "),
                        id("phone", "+33 6 12 34 56 78"),
                        id("ecid", "C0FFEE"));
    }

    @Test
    void duplicateIdentitiesCollapseAfterNormalization() {
        String json =
                "{\"eventId\":\"e-1\",\"timestamp\":1793527200000,\"type\":\"t\",\"identities\":["
                        + "{\"namespace\":\"ecid\",\"id\":\"c0ffee\"},"
                        + "{\"namespace\":\"email\",\"id\":\" Ann@Example.COM \"},"
                        + "{\"namespace\":\"ecid\",\"id\":\"c0ffee\"},"
                        + "{\"namespace\":\"email\",\"id\":\"ann@example.com\"},"
                        + "{\"namespace\":\"ecid\",\"id\":\"C0FFEE\"},"
                        + "{\"namespace\":\"crm\",\"id\":\"c0ffee\"}]}";

        ExperienceEvent event = accept(utf8(json));

        // First sighting order kept; ecid ids are case-sensitive; same id in another namespace
        // is another identity.
        assertThat(event.getIdentities())
                .containsExactly(
                        id("ecid", "c0ffee"),
                        id("email", "ann@example.com"),
                        id("ecid", "C0FFEE"),
                        id("crm", "c0ffee"));
    }

    @Test
    void avroSingleObjectEventIsAcceptedAndNormalized() throws Exception {
        byte[] avro =
                event("e-avro")
                        .at(T0 + 1)
                        .identity("email", "  Bob@Example.ORG")
                        .identity("email", "bob@example.org")
                        .identity("ecid", "AbC")
                        .attribute("tags", Arrays.asList("a", null, 2L))
                        .attribute("country", "FR")
                        .properties("{\"query\":\"red sneakers\",\"value\":129.9}")
                        .avro();

        ExperienceEvent event = accept(avro);

        assertThat(event.getEventId()).isEqualTo("e-avro");
        assertThat(event.getTimestamp()).isEqualTo(T0 + 1);
        assertThat(event.getIdentities())
                .containsExactly(id("email", "bob@example.org"), id("ecid", "AbC"));
        assertThat(event.getAttributes()).containsEntry("country", "FR");
        assertThat(event.getAttributes().get("tags")).isEqualTo(Arrays.asList("a", null, 2L));
        assertThat(event.getProperties()).isEqualTo("{\"query\":\"red sneakers\",\"value\":129.9}");
    }

    @Test
    void badJsonIsRejected() {
        assertRejected(utf8("{\"eventId\": \"e-1\", \"timestamp\": "), "not valid JSON: ");
        assertRejected(utf8("eventId=e-1"), "not valid JSON: ");
    }

    @Test
    void emptyRecordIsRejected() {
        assertRejected(new byte[0], "empty record");
        assertRejected(utf8("   "), "empty record");

        IngestedRecord tombstone = parser.parse(null, KAFKA, NOW);
        assertThat(tombstone.getEvent()).isNull();
        assertThat(tombstone.getRejection().getReason()).isEqualTo("empty record");
        assertThat(bytes(tombstone.getRejection().getOriginal())).isEmpty();
    }

    @Test
    void oversizedRecordIsRejectedAtTheConfiguredLimit() {
        EventParser small =
                new EventParser(io.rtprofile.jobs.testing.SampleEvents.withMaxEventBytes(256));
        String head = json("e-");
        byte[] exactly = utf8(json("e-" + "x".repeat(256 - head.length())));
        byte[] oneMore = utf8(json("e-" + "x".repeat(257 - head.length())));
        assertThat(exactly).hasSize(256);
        assertThat(oneMore).hasSize(257);

        assertThat(small.parse(exactly, KAFKA, NOW).getEvent()).isNotNull();
        IngestedRecord rejected = small.parse(oneMore, KAFKA, NOW);
        assertThat(rejected.getRejection().getReason())
                .isEqualTo("oversized record: 257 bytes, limit 256");
        assertThat(bytes(rejected.getRejection().getOriginal())).isEqualTo(oneMore);

        // The size limit holds for Avro too, before any decoding.
        byte[] bigAvro = event("e-" + "x".repeat(300)).identity("ecid", "c").avro();
        assertThat(small.parse(bigAvro, KAFKA, NOW).getRejection().getReason())
                .startsWith("oversized record: ");
    }

    @Test
    void unknownNamespaceIsRejectedListingTheKnownOnes() {
        String json =
                "{\"eventId\":\"e-1\",\"timestamp\":1793527200000,\"type\":\"t\",\"identities\":["
                        + "{\"namespace\":\"ecid\",\"id\":\"c0ffee\"},"
                        + "{\"namespace\":\"loyalty\",\"id\":\"L-9\"}]}";

        assertRejected(
                utf8(json),
                "identities[1]: unknown namespace 'loyalty' (known: crm, email, phone, ecid)");
        // Namespaces are case-sensitive names, not normalized.
        assertRejected(
                event("e-2").identity("EMAIL", "a@b.c").avro(),
                "identities[0]: unknown namespace 'EMAIL' (known: crm, email, phone, ecid)");
    }

    @Test
    void missingOrEmptyIdentitiesAreRejected() {
        assertRejected(
                utf8("{\"eventId\":\"e-1\",\"timestamp\":1,\"type\":\"t\"}"),
                "missing required field 'identities'");
        assertRejected(
                utf8("{\"eventId\":\"e-1\",\"timestamp\":1,\"type\":\"t\",\"identities\":[]}"),
                "field 'identities' must hold at least one identity");
        assertRejected(event("e-1").avro(), "field 'identities' must hold at least one identity");
        // An email that is only blanks normalizes to nothing.
        assertRejected(
                event("e-1").identity("email", "  \t ").avro(),
                "identities[0].id must not be empty");
    }

    @Test
    void timestampOutOfRangeIsRejected() {
        String template =
                "{\"eventId\":\"e-1\",\"timestamp\":%d,\"type\":\"t\","
                        + "\"identities\":[{\"namespace\":\"ecid\",\"id\":\"c\"}]}";

        assertThat(accept(utf8(String.format(template, EventParser.MAX_TIMESTAMP))).getTimestamp())
                .isEqualTo(253402300799999L);
        assertThat(accept(utf8(String.format(template, EventParser.MIN_TIMESTAMP))).getTimestamp())
                .isEqualTo(-62135596800000L);
        assertRejected(
                utf8(String.format(template, EventParser.MAX_TIMESTAMP + 1)),
                "field 'timestamp' out of range (years 1 to 9999): 253402300800000");
        assertRejected(
                utf8(String.format(template, EventParser.MIN_TIMESTAMP - 1)),
                "field 'timestamp' out of range (years 1 to 9999): -62135596800001");
        assertRejected(
                event("e-1").identity("ecid", "c").at(Long.MAX_VALUE).avro(),
                "field 'timestamp' out of range (years 1 to 9999): " + Long.MAX_VALUE);
    }

    @Test
    void avroWithUnknownFingerprintIsRejected() throws Exception {
        // A profile update produced to the events topic by mistake: well-formed, wrong schema.
        ProfileUpdate update =
                ProfileUpdate.newBuilder()
                        .setProfileId("p-1")
                        .setVersion(1)
                        .setUpdatedAt(T0)
                        .setIdentities(List.of(id("ecid", "c")))
                        .build();
        byte[] value = bytes(update.toByteBuffer());
        String fingerprint =
                Long.toHexString(RecordJson.fingerprint(ProfileUpdate.getClassSchema()));

        assertRejected(
                value,
                "Avro record with unknown schema fingerprint "
                        + fingerprint
                        + " (expected an ExperienceEvent)");
    }

    @Test
    void truncatedAvroIsRejected() {
        byte[] avro = event("e-1").identity("ecid", "c0ffee").avro();

        IngestedRecord rejected = parser.parse(Arrays.copyOf(avro, avro.length - 3), KAFKA, NOW);

        assertThat(rejected.getRejection().getReason())
                .startsWith("malformed Avro ExperienceEvent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"a\": ", "", "   "})
    void avroPropertiesThatAreNotJsonAreRejected(String properties) {
        byte[] avro = event("e-1").identity("ecid", "c").properties(properties).avro();

        IngestedRecord record = parser.parse(avro, KAFKA, NOW);

        assertThat(record.getEvent()).isNull();
        assertThat(record.getRejection().getReason())
                .isIn(
                        "field 'properties' is not valid JSON",
                        "field 'properties' must be a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1, 2]", "\"text\"", "42", "null"})
    void avroPropertiesThatAreNotAnObjectAreRejected(String properties) {
        assertRejected(
                event("e-1").identity("ecid", "c").properties(properties).avro(),
                "field 'properties' must be a JSON object");
    }

    /**
     * Documents an inconsistency between the two input encodings: EventJson refuses a blank
     * identity id and a blank source, but EventParser.validate (lines 96-152) does not check them,
     * so the same event sent as Avro is accepted (a profile is founded by crm id " "). Bytes after
     * the Avro record are ignored too (BinaryMessageDecoder does not check the end), the Avro
     * counterpart of trailing JSON text. Expected: both encodings are held to the same rules.
     */
    @Test
    void avroIsHeldToTheSameRulesAsJson() {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(
                        parser.parse(event("e-1").identity("crm", "  ").avro(), KAFKA, NOW)
                                .getEvent())
                .as("Avro event with a blank crm id")
                .isNull();
        softly.assertThat(
                        parser.parse(
                                        event("e-1").source("").identity("crm", "C-1").avro(),
                                        KAFKA,
                                        NOW)
                                .getEvent())
                .as("Avro event with an empty source")
                .isNull();
        byte[] avro = event("e-1").identity("crm", "C-1").avro();
        byte[] trailing = Arrays.copyOf(avro, avro.length + 3);
        softly.assertThat(parser.parse(trailing, KAFKA, NOW).getEvent())
                .as("Avro event followed by three more bytes")
                .isNull();
        softly.assertAll();
    }

    @Test
    void rejectionCarriesOriginalBytesOriginAndTime() {
        byte[] value = {'{', (byte) 0xFF, (byte) 0xFE, '}'};
        EventOrigin file = EventOrigin.newBuilder().setFile("in.jsonl").setLine(17L).build();

        RejectedEvent kafka = parser.parse(value, KAFKA, NOW).getRejection();
        RejectedEvent fromFile = parser.parse(value, file, NOW + 1).getRejection();

        assertThat(bytes(kafka.getOriginal())).isEqualTo(value);
        assertThat(kafka.getOrigin()).isEqualTo(KAFKA);
        assertThat(kafka.getRejectedAt()).isEqualTo(NOW);
        assertThat(fromFile.getOrigin()).isEqualTo(file);
        assertThat(fromFile.getRejectedAt()).isEqualTo(NOW + 1);
    }

    @Test
    void theParserTravelsWithTheJob() throws Exception {
        EventParser copy =
                org.apache.flink.util.InstantiationUtil.clone(parser, getClass().getClassLoader());

        assertThat(copy.parse(utf8(json("e-1")), KAFKA, NOW).getEvent())
                .isEqualTo(parser.parse(utf8(json("e-1")), KAFKA, NOW).getEvent());
        assertThat(
                        copy.parse(utf8(json("e-1").replace("ecid", "loyalty")), KAFKA, NOW)
                                .getRejection()
                                .getReason())
                .contains("unknown namespace 'loyalty'");
    }

    /**
     * Regression (found by review, fixed): a bug that failed the job on bad input (contract section
     * 7). Jackson accepts a JSON escape of a lone UTF-16 surrogate (backslash, "ud800") and some
     * byte sequences that are not UTF-8 (an encoded surrogate ED A0 80); the parser accepts such an
     * event. Avro writes strings as UTF-8 and turns the lone surrogate into '?', so the eventId
     * after Flink's AvroSerializer (every keyBy) is not the one the sender hashed: with parallelism
     * above 1 the deduplicator then fails with "Key group N is not in KeyGroupRange" (reproduced on
     * a mini-cluster with parallelism 2), on every restart. An accepted event must survive
     * serialization unchanged; rejecting such input is the expected fix.
     */
    @Test
    void acceptedEventsSurviveSerializationUnchanged() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        for (String suffix : List.of("\\ud800", "x\\ud83dy", "\\udfff", "raw:eda080")) {
            IngestedRecord record = parser.parse(jsonWithEventIdSuffix(suffix), KAFKA, NOW);
            if (record.getEvent() != null) {
                ExperienceEvent event = record.getEvent();
                softly.assertThat(throughFlinkAvroSerializer(event).getEventId())
                        .as(
                                "eventId of %s after serialization (UTF-16 %s)",
                                suffix, hex(event.getEventId()))
                        .isEqualTo(event.getEventId());
            }
        }
        softly.assertAll();
    }

    /**
     * Regression (found by review, fixed): contract section 3 says a JSON value is UTF-8, but
     * Jackson decodes overlong forms (C0 AF is an overlong '/', C0 80 an overlong NUL), encoded
     * surrogates (ED A0 80) and code points above U+10FFFF (F4 90 80 80) without complaint, and the
     * parser accepts the event. Overlong forms are the classic way to slip characters past a
     * byte-level filter; the expected behaviour is a rejection, as for an invalid start byte.
     */
    @Test
    void invalidUtf8InsideAStringIsRejected() {
        SoftAssertions softly = new SoftAssertions();
        for (String suffix : List.of("raw:c0af", "raw:c080", "raw:eda080", "raw:f4908080")) {
            IngestedRecord record = parser.parse(jsonWithEventIdSuffix(suffix), KAFKA, NOW);
            softly.assertThat(record.getEvent())
                    .as("an event whose eventId holds invalid UTF-8 (%s)", suffix)
                    .isNull();
        }
        softly.assertAll();
    }

    @Test
    void invalidUtf8StartByteIsRejected() {
        byte[] value = jsonWithEventIdSuffix("raw:ff");

        IngestedRecord record = parser.parse(value, KAFKA, NOW);

        assertThat(record.getRejection().getReason()).startsWith("not valid JSON");
        assertThat(bytes(record.getRejection().getOriginal())).isEqualTo(value);
    }

    private static byte[] jsonWithEventIdSuffix(String suffix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("{\"eventId\":\"e-1"));
        if (suffix.startsWith("raw:")) {
            out.writeBytes(HexFormat.of().parseHex(suffix.substring(4)));
        } else {
            out.writeBytes(utf8(suffix));
        }
        out.writeBytes(
                utf8(
                        "\",\"timestamp\":1793527200000,\"type\":\"t\","
                                + "\"identities\":[{\"namespace\":\"ecid\",\"id\":\"c\"}]}"));
        return out.toByteArray();
    }

    private static ExperienceEvent throughFlinkAvroSerializer(ExperienceEvent event)
            throws Exception {
        AvroSerializer<ExperienceEvent> serializer = new AvroSerializer<>(ExperienceEvent.class);
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(event, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_16BE));
    }

    private ExperienceEvent accept(byte[] value) {
        IngestedRecord record = parser.parse(value, KAFKA, NOW);
        assertThat(record.getRejection())
                .as("rejection of %s", new String(value, StandardCharsets.UTF_8))
                .isNull();
        assertThat(record.getEvent()).isNotNull();
        return record.getEvent();
    }

    private void assertRejected(byte[] value, String reason) {
        IngestedRecord record = parser.parse(value, KAFKA, NOW);
        assertThat(record.getEvent()).isNull();
        RejectedEvent rejection = record.getRejection();
        assertThat(rejection).isNotNull();
        if (reason.endsWith(": ")) {
            assertThat(rejection.getReason()).startsWith(reason);
        } else {
            assertThat(rejection.getReason()).isEqualTo(reason);
        }
        assertThat(bytes(rejection.getOriginal())).isEqualTo(value);
        assertThat(rejection.getOrigin()).isEqualTo(KAFKA);
        assertThat(rejection.getRejectedAt()).isEqualTo(NOW);
    }
}
