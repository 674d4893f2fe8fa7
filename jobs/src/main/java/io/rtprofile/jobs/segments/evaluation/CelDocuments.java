package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.json.Timestamps;
import io.rtprofile.schema.state.AttributeState;
import io.rtprofile.schema.state.IdentityState;
import io.rtprofile.schema.state.ProfileState;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.values.NullValue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code event} and {@code profile} values CEL expressions see: the contract's JSON shapes as
 * maps, lists, {@code Long}, {@code Double}, {@code String}, {@code Boolean} and CEL's null, which
 * is what CEL's runtime accepts for {@code map(string, dyn)}. Timestamps are ISO-8601 strings, as
 * in the JSON ({@code timestamp(event.timestamp)} makes a CEL timestamp of one).
 */
final class CelDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CelDocuments() {}

    static Map<String, Object> event(ExperienceEvent event) {
        Map<String, Object> doc = new HashMap<>(8);
        doc.put("eventId", event.getEventId());
        doc.put("timestamp", Timestamps.format(event.getTimestamp()));
        doc.put("type", event.getType());
        doc.put("source", event.getSource());
        List<Object> identities = new ArrayList<>(event.getIdentities().size());
        for (Identity identity : event.getIdentities()) {
            identities.add(Map.of("namespace", identity.getNamespace(), "id", identity.getId()));
        }
        doc.put("identities", identities);
        Map<String, Object> attributes = new HashMap<>();
        event.getAttributes().forEach((k, v) -> attributes.put(k, scalar(v)));
        doc.put("attributes", attributes);
        doc.put("properties", properties(event.getProperties()));
        return doc;
    }

    static Map<String, Object> profile(ProfileState profile) {
        Map<String, Object> doc = new HashMap<>(8);
        doc.put("profileId", profile.getProfileId());
        List<Object> identities = new ArrayList<>(profile.getIdentities().size());
        for (IdentityState identity : profile.getIdentities()) {
            identities.add(Map.of("namespace", identity.getNamespace(), "id", identity.getId()));
        }
        doc.put("identities", identities);
        Map<String, Object> attributes = new HashMap<>();
        for (Map.Entry<String, AttributeState> a : profile.getAttributes().entrySet()) {
            if (a.getValue().getValue() != null) {
                attributes.put(a.getKey(), scalar(a.getValue().getValue()));
            }
        }
        doc.put("attributes", attributes);
        Map<String, Object> segments = new HashMap<>();
        profile.getSegments()
                .forEach(
                        (id, since) ->
                                segments.put(
                                        id,
                                        Map.of(
                                                "status",
                                                "existing",
                                                "since",
                                                Timestamps.format(since))));
        doc.put("segments", segments);
        Map<String, Object> scores = new HashMap<>();
        profile.getScores()
                .forEach(
                        (model, score) -> {
                            Map<String, Object> s = new HashMap<>(4);
                            s.put("score", score.getScore());
                            s.put("modelVersion", score.getModelVersion());
                            s.put(
                                    "percentile",
                                    score.getPercentile() == null
                                            ? NullValue.NULL_VALUE
                                            : (Object) score.getPercentile().longValue());
                            scores.put(model, s);
                        });
        doc.put("scores", scores);
        return doc;
    }

    private static Object scalar(Object value) {
        if (value == null) {
            return NullValue.NULL_VALUE;
        } else if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(item -> out.add(scalar(item)));
            return out;
        } else if (value instanceof Integer i) {
            return i.longValue();
        } else if (value instanceof Float f) {
            return f.doubleValue();
        } else if (value instanceof CharSequence text) {
            return text.toString();
        }
        return value;
    }

    private static Map<String, Object> properties(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            JsonNode node = JSON.readTree(json);
            Object value = fromJson(node);
            return value instanceof Map<?, ?> ? castMap(value) : Map.of();
        } catch (IOException e) {
            // The parser validated the properties when the event came in.
            throw new IllegalStateException("stored event properties are not JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }

    private static Object fromJson(JsonNode node) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    map.put(field.getKey(), fromJson(field.getValue()));
                }
                return map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(item -> list.add(fromJson(item)));
                return list;
            }
            case STRING -> {
                return node.textValue();
            }
            case BOOLEAN -> {
                return node.booleanValue();
            }
            case NUMBER -> {
                return node.isIntegralNumber() && node.canConvertToLong()
                        ? (Object) node.longValue()
                        : (Object) node.doubleValue();
            }
            default -> {
                return NullValue.NULL_VALUE;
            }
        }
    }
}
