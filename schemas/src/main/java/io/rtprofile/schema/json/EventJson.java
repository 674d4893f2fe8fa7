package io.rtprofile.schema.json;

import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract's event JSON (section 3) to and from {@link ExperienceEvent}. Parsing checks the
 * shape only; what depends on configuration (known namespaces, size limits) and normalization are
 * the job's {@code EventValidator}.
 */
public final class EventJson {
    private EventJson() {}

    /** Parses one JSON event; every way it can be wrong is an {@link InvalidEventException}. */
    public static ExperienceEvent parse(byte[] utf8) throws InvalidEventException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(strictUtf8(utf8));
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidEventException("not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidEventException("empty record");
        }
        return parse(root);
    }

    /** Parses an already-read JSON tree. */
    public static ExperienceEvent parse(JsonNode root) throws InvalidEventException {
        if (!root.isObject()) {
            throw new InvalidEventException(
                    "an event must be a JSON object, not " + describe(root.getNodeType()));
        }
        ExperienceEvent.Builder event = ExperienceEvent.newBuilder();
        event.setEventId(requiredText(root, "eventId"));
        event.setTimestamp(timestamp(root.get("timestamp")));
        event.setType(requiredText(root, "type"));
        event.setIdentities(identities(root.get("identities")));
        JsonNode source = root.get("source");
        if (source == null || source.isNull()) {
            event.setSource("default");
        } else if (source.isTextual() && !source.textValue().isBlank()) {
            event.setSource(source.textValue());
        } else {
            throw new InvalidEventException("field 'source' must be a non-empty string");
        }
        event.setAttributes(attributes(root.get("attributes")));
        JsonNode properties = root.get("properties");
        if (properties == null || properties.isNull()) {
            event.setProperties(null);
        } else if (properties.isObject()) {
            event.setProperties(properties.toString());
        } else {
            throw new InvalidEventException("field 'properties' must be a JSON object");
        }
        return event.build();
    }

    /**
     * Decodes UTF-8 strictly. Jackson's own decoder accepts overlong forms and encoded surrogates,
     * which would let two different byte strings name the same id, or produce strings that Avro
     * cannot encode faithfully.
     */
    private static String strictUtf8(byte[] bytes) throws InvalidEventException {
        String text = Json.strictUtf8OrNull(bytes);
        if (text == null) {
            throw new InvalidEventException("not valid JSON: the record is not valid UTF-8");
        }
        return text;
    }

    private static String requiredText(JsonNode root, String field) throws InvalidEventException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidEventException("missing required field '" + field + "'");
        }
        if (!node.isTextual()) {
            throw new InvalidEventException(
                    "field '" + field + "' must be a string, not " + describe(node.getNodeType()));
        }
        if (node.textValue().isBlank()) {
            throw new InvalidEventException("field '" + field + "' must not be empty");
        }
        return node.textValue();
    }

    private static long timestamp(JsonNode node) throws InvalidEventException {
        if (node == null || node.isNull()) {
            throw new InvalidEventException("missing required field 'timestamp'");
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            try {
                return Timestamps.parseIso(node.textValue());
            } catch (DateTimeException e) {
                throw new InvalidEventException(
                        "field 'timestamp' is not ISO-8601 with a zone: '"
                                + abbreviate(node.textValue())
                                + "'");
            }
        }
        throw new InvalidEventException(
                "field 'timestamp' must be ISO-8601 with a zone or epoch milliseconds");
    }

    private static List<Identity> identities(JsonNode node) throws InvalidEventException {
        if (node == null || node.isNull()) {
            throw new InvalidEventException("missing required field 'identities'");
        }
        if (!node.isArray()) {
            throw new InvalidEventException("field 'identities' must be a list");
        }
        if (node.isEmpty()) {
            throw new InvalidEventException("field 'identities' must hold at least one identity");
        }
        List<Identity> identities = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode identity = node.get(i);
            String where = "identities[" + i + "]";
            if (!identity.isObject()) {
                throw new InvalidEventException(where + " must be an object {namespace, id}");
            }
            identities.add(
                    new Identity(
                            requiredText(identity, "namespace", where),
                            requiredText(identity, "id", where)));
        }
        return identities;
    }

    private static String requiredText(JsonNode object, String field, String where)
            throws InvalidEventException {
        JsonNode node = object.get(field);
        if (node == null || node.isNull() || !node.isTextual() || node.textValue().isBlank()) {
            throw new InvalidEventException(where + "." + field + " must be a non-empty string");
        }
        return node.textValue();
    }

    private static Map<String, Object> attributes(JsonNode node) throws InvalidEventException {
        if (node == null || node.isNull()) {
            return new LinkedHashMap<>();
        }
        if (!node.isObject()) {
            throw new InvalidEventException("field 'attributes' must be a JSON object");
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().isEmpty()) {
                throw new InvalidEventException("attribute names must not be empty");
            }
            attributes.put(
                    field.getKey(),
                    AttributeValues.fromJson(
                            field.getValue(), "attributes." + abbreviate(field.getKey())));
        }
        return attributes;
    }

    /** The contract's JSON for an event (properties written back as the object they were). */
    public static String toJson(ExperienceEvent event) {
        return Json.render(out -> write(out, event));
    }

    static void write(JsonGenerator out, ExperienceEvent event) throws IOException {
        out.writeStartObject();
        out.writeStringField("eventId", event.getEventId());
        out.writeStringField("timestamp", Timestamps.format(event.getTimestamp()));
        out.writeStringField("type", event.getType());
        out.writeArrayFieldStart("identities");
        for (Identity identity : event.getIdentities()) {
            writeIdentity(out, identity);
        }
        out.writeEndArray();
        out.writeStringField("source", event.getSource());
        out.writeObjectFieldStart("attributes");
        for (Map.Entry<String, Object> attribute : event.getAttributes().entrySet()) {
            out.writeFieldName(attribute.getKey());
            AttributeValues.write(out, attribute.getValue());
        }
        out.writeEndObject();
        if (event.getProperties() != null) {
            out.writeFieldName("properties");
            out.writeRawValue(event.getProperties());
        }
        out.writeEndObject();
    }

    static void writeIdentity(JsonGenerator out, Identity identity) throws IOException {
        out.writeStartObject();
        out.writeStringField("namespace", identity.getNamespace());
        out.writeStringField("id", identity.getId());
        out.writeEndObject();
    }

    static String describe(Object nodeType) {
        return String.valueOf(nodeType).toLowerCase(java.util.Locale.ROOT);
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return abbreviate(newline < 0 ? message : message.substring(0, newline));
    }
}
