package io.rtprofile.schema.json;

import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract's event JSON (section 3): what parses, what is refused and why, and round trips. */
class EventJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** 2026-11-01T10:00:00Z in epoch milliseconds. */
    private static final long T0 = 1_793_527_200_000L;

    /** The example of contract section 3, verbatim. */
    static final String CONTRACT_EXAMPLE =
            "{\"eventId\": \"e-1\", \"timestamp\": \"2026-11-01T10:00:00Z\", \"type\": \"web.search\",\n"
                    + " \"identities\": [{\"namespace\": \"ecid\", \"id\": \"c0ffee\"},"
                    + " {\"namespace\": \"email\", \"id\": \"Ann@Example.com\"}],\n"
                    + " \"source\": \"web\",\n"
                    + " \"attributes\": {\"country\": \"FR\", \"loyaltyTier\": \"gold\"},\n"
                    + " \"properties\": {\"query\": \"red sneakers\", \"value\": 129.90, \"sku\": \"SK-1\"}}";

    @Test
    void contractExampleParses() throws Exception {
        ExperienceEvent event = parse(CONTRACT_EXAMPLE);

        assertThat(event.getEventId()).isEqualTo("e-1");
        assertThat(event.getTimestamp()).isEqualTo(T0);
        assertThat(event.getType()).isEqualTo("web.search");
        // Shape only: normalizing emails is the job's validator, not the JSON mapping.
        assertThat(event.getIdentities())
                .containsExactly(
                        new Identity("ecid", "c0ffee"), new Identity("email", "Ann@Example.com"));
        assertThat(event.getSource()).isEqualTo("web");
        assertThat(event.getAttributes())
                .containsExactlyInAnyOrderEntriesOf(Map.of("country", "FR", "loyaltyTier", "gold"));
        assertThat(MAPPER.readTree(event.getProperties()))
                .isEqualTo(
                        MAPPER.readTree(
                                "{\"query\": \"red sneakers\", \"value\": 129.9, \"sku\": \"SK-1\"}"));
    }

    @Test
    void optionalFieldsTakeTheirDefaults() throws Exception {
        ExperienceEvent event = parse(minimal().toString());

        assertThat(event.getSource()).isEqualTo("default");
        assertThat(event.getAttributes()).isEmpty();
        assertThat(event.getProperties()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"eventId", "timestamp", "type", "identities"})
    void missingRequiredFieldIsNamed(String field) {
        ObjectNode event = minimal();
        event.remove(field);
        assertRefused(event.toString(), "missing required field '" + field + "'");

        event.putNull(field);
        assertRefused(event.toString(), "missing required field '" + field + "'");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "eventId    | 42                          | field 'eventId' must be a string, not number",
                "eventId    | {}                          | field 'eventId' must be a string, not object",
                "eventId    | '\"  \"'                    | field 'eventId' must not be empty",
                "type       | []                          | field 'type' must be a string, not array",
                "type       | '\"\"'                      | field 'type' must not be empty",
                "timestamp  | true                        | field 'timestamp' must be ISO-8601 with a zone or epoch milliseconds",
                "timestamp  | 1.5                         | field 'timestamp' must be ISO-8601 with a zone or epoch milliseconds",
                "timestamp  | '\"yesterday\"'             | field 'timestamp' is not ISO-8601 with a zone: 'yesterday'",
                "timestamp  | '\"2026-11-01T10:00:00\"'   | field 'timestamp' is not ISO-8601 with a zone: '2026-11-01T10:00:00'",
                "timestamp  | '\"2026-11-01\"'            | field 'timestamp' is not ISO-8601 with a zone: '2026-11-01'",
                "identities | '\"ecid:c0ffee\"'           | field 'identities' must be a list",
                "identities | {}                          | field 'identities' must be a list",
                "identities | []                          | field 'identities' must hold at least one identity",
                "identities | '[\"c0ffee\"]'              | identities[0] must be an object {namespace, id}",
                "identities | '[{\"namespace\": \"ecid\"}]' | identities[0].id must be a non-empty string",
                "identities | '[{\"namespace\": \"ecid\", \"id\": \"x\"}, {\"id\": \"y\"}]' | identities[1].namespace must be a non-empty string",
                "identities | '[{\"namespace\": 7, \"id\": \"x\"}]' | identities[0].namespace must be a non-empty string",
                "identities | '[{\"namespace\": \"ecid\", \"id\": \" \"}]' | identities[0].id must be a non-empty string",
                "source     | 5                           | field 'source' must be a non-empty string",
                "source     | '\"\"'                      | field 'source' must be a non-empty string",
                "attributes | '[1, 2]'                    | field 'attributes' must be a JSON object",
                "attributes | '\"FR\"'                    | field 'attributes' must be a JSON object",
                "attributes | '{\"\": 1}'                 | attribute names must not be empty",
                "properties | '\"query=red\"'             | field 'properties' must be a JSON object",
                "properties | '[{\"query\": \"red\"}]'     | field 'properties' must be a JSON object",
            })
    void wrongTypeGivesClearReason(String field, String json, String reason) throws Exception {
        ObjectNode event = minimal();
        event.set(field, MAPPER.readTree(json));
        assertRefused(event.toString(), reason);
    }

    @Test
    void notAnObjectIsRefused() {
        assertRefused("[1, 2]", "an event must be a JSON object, not array");
        assertRefused("\"event\"", "an event must be a JSON object, not string");
        assertRefused("null", "an event must be a JSON object, not null");
    }

    @Test
    void notJsonIsRefused() {
        assertThatThrownBy(() -> parse("{\"eventId\": \"e-1\", "))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("not valid JSON: ");
        assertThatThrownBy(() -> parse("eventId=e-1"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("not valid JSON: ");
    }

    @Test
    void nothingButWhitespaceIsAnEmptyRecord() {
        assertRefused("", "empty record");
        assertRefused(" \n\t ", "empty record");
    }

    /**
     * Regression (found by review, fixed): Jackson's readTree stops after the first JSON value and
     * EventJson does not enable FAIL_ON_TRAILING_TOKENS, so text after the event object is silently
     * ignored. Two events on one line (a producer that forgot a separator) lose the second without
     * a rejection, against contract section 3 ("nothing is dropped silently").
     */
    @Test
    void textAfterTheEventObjectIsRefused() {
        String one = minimal().toString();
        String two = minimal().put("eventId", "e-2").toString();

        assertThatThrownBy(() -> parse(one + two))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("not valid JSON");
        assertThatThrownBy(() -> parse(one + " trailing garbage"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"2026-11-01T10:00:00Z\"",
                "\"2026-11-01T11:00:00+01:00\"",
                "\"2026-11-01T05:00:00-05:00\"",
                "\"2026-11-01T10:00:00.000Z\"",
                "1793527200000"
            })
    void timestampIsIsoWithZoneOrEpochMillis(String timestamp) throws Exception {
        ObjectNode event = minimal();
        event.set("timestamp", MAPPER.readTree(timestamp));

        assertThat(parse(event.toString()).getTimestamp()).isEqualTo(T0);
    }

    @Test
    void timestampKeepsMillisecondsAndNegativeEpochs() throws Exception {
        assertThat(parse(minimal().put("timestamp", "2026-11-01T10:00:00.123Z").toString()))
                .extracting(ExperienceEvent::getTimestamp)
                .isEqualTo(T0 + 123);
        assertThat(parse(minimal().put("timestamp", -1000L).toString()).getTimestamp())
                .isEqualTo(-1000L);
        assertThat(parse(minimal().put("timestamp", "1969-12-31T23:59:59Z").toString()))
                .extracting(ExperienceEvent::getTimestamp)
                .isEqualTo(-1000L);
    }

    /**
     * Regression (found by review, fixed): a timestamp java.time can parse but epoch milliseconds
     * cannot hold makes {@code Instant.toEpochMilli()} throw ArithmeticException ("long overflow")
     * out of {@link EventJson#parse(byte[])}, whose contract is that every way an event can be
     * wrong is an InvalidEventException (Timestamps.parseIso, called from EventJson.timestamp,
     * catches only DateTimeException). In the job it surfaces as the unclear reason "unreadable
     * record: ArithmeticException: long overflow".
     */
    @Test
    void timestampBeyondEpochMillisIsRefusedWithAReason() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        minimal()
                                                .put("timestamp", "+1000000000-01-01T00:00:00Z")
                                                .toString()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("timestamp");
    }

    @Test
    void attributesAreScalarsOrListsOfScalars() throws Exception {
        ObjectNode event = minimal();
        event.set(
                "attributes",
                MAPPER.readTree(
                        "{\"country\": \"FR\", \"vip\": true, \"visits\": 12,"
                                + " \"ltv\": 129.9, \"optOut\": null, \"big\": 9223372036854775807,"
                                + " \"tags\": [\"a\", 1, 2.5, false, null], \"none\": []}"));

        Map<String, Object> attributes = parse(event.toString()).getAttributes();

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("country", "FR");
        expected.put("vip", true);
        expected.put("visits", 12L);
        expected.put("ltv", 129.9);
        expected.put("optOut", null);
        expected.put("big", Long.MAX_VALUE);
        expected.put("tags", Arrays.asList("a", 1L, 2.5, false, null));
        expected.put("none", List.of());
        assertThat(attributes).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void objectAttributesAreRefused() throws Exception {
        ObjectNode event = minimal();
        event.set("attributes", MAPPER.readTree("{\"address\": {\"city\": \"Paris\"}}"));
        assertRefused(
                event.toString(),
                "attributes.address: must be a scalar or a list of scalars, not an object");

        event.set("attributes", MAPPER.readTree("{\"tags\": [\"a\", {\"b\": 1}]}"));
        assertRefused(
                event.toString(),
                "attributes.tags: lists may hold only scalars, not objects or lists");

        event.set("attributes", MAPPER.readTree("{\"tags\": [[1]]}"));
        assertRefused(
                event.toString(),
                "attributes.tags: lists may hold only scalars, not objects or lists");
    }

    @Test
    void numbersBeyondDoubleAreRefused() {
        String event =
                minimal().toString().replaceFirst("\\}$", ", \"attributes\": {\"x\": 1e400}}");
        assertRefused(event, "attributes.x: number out of range");
    }

    @Test
    void propertiesAreKeptAsJsonObjectText() throws Exception {
        String properties =
                "{\"query\": \"red \\\"sneakers\\\"\", \"value\": 129.5, \"count\": 3,"
                        + " \"cart\": [{\"sku\": \"SK-1\", \"qty\": 2}, null, true],"
                        + " \"nested\": {\"a\": {\"b\": {\"c\": []}}}, \"empty\": {}}";
        ObjectNode event = minimal();
        event.set("properties", MAPPER.readTree(properties));

        String kept = parse(event.toString()).getProperties();

        JsonNode tree = MAPPER.readTree(kept);
        assertThat(tree.isObject()).isTrue();
        assertThat(tree).isEqualTo(MAPPER.readTree(properties));
        assertThat(kept).doesNotContain("\n");
    }

    @Test
    void toJsonParsesBackToTheSameEvent() throws Exception {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("country", "FR");
        attributes.put("visits", 12L);
        attributes.put("ltv", 0.1);
        attributes.put("huge", Long.MIN_VALUE);
        attributes.put("vip", false);
        attributes.put("gone", null);
        attributes.put("tags", Arrays.asList("x", null, 3L, 4.25, true));
        attributes.put("ünïcödé ✓", "日本語 \"quoted\" \\ \n newline");
        ExperienceEvent event =
                ExperienceEvent.newBuilder()
                        .setEventId("e-\u00e9-1")
                        .setTimestamp(T0 + 7)
                        .setType("commerce.purchase")
                        .setIdentities(
                                List.of(new Identity("crm", "C-1"), new Identity("ecid", "c0ffee")))
                        .setSource("pos")
                        .setAttributes(attributes)
                        .setProperties("{\"value\":129.9,\"items\":[{\"sku\":\"SK-1\"}]}")
                        .build();

        String json = EventJson.toJson(event);

        assertThat(json).contains("\"timestamp\":\"2026-11-01T10:00:00.007Z\"");
        assertThat(parse(json)).isEqualTo(event);
        // And once more: the text is a fixed point.
        assertThat(EventJson.toJson(parse(json))).isEqualTo(json);
    }

    @Test
    void toJsonWithoutPropertiesOmitsThem() throws Exception {
        ExperienceEvent event = parse(minimal().toString());

        String json = EventJson.toJson(event);

        assertThat(MAPPER.readTree(json).has("properties")).isFalse();
        assertThat(parse(json)).isEqualTo(event);
    }

    private static ObjectNode minimal() {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("eventId", "e-1");
        event.put("timestamp", "2026-11-01T10:00:00Z");
        event.put("type", "web.search");
        event.putArray("identities").addObject().put("namespace", "ecid").put("id", "c0ffee");
        return event;
    }

    private static ExperienceEvent parse(String json) throws InvalidEventException {
        return EventJson.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(String json, String reason) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage(reason);
    }
}
