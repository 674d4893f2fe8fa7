package io.rtprofile.jobs.segments.definition;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a definition back in the contract's language, as one JSON object that {@link
 * SegmentDefinitions#parse} reads into an equal definition. This is the value {@code segments
 * publish} puts on the {@code segment-definitions} topic, and the form in which operators receive
 * the definitions the job was started with (CEL programs themselves do not serialize).
 */
public final class SegmentDefinitionJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SegmentDefinitionJson() {}

    public static String render(SegmentDefinition definition) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", definition.id());
        root.put("name", definition.name());
        root.set("condition", condition(definition.condition()));
        return root.toString();
    }

    private static ObjectNode condition(Condition condition) {
        ObjectNode node = MAPPER.createObjectNode();
        if (condition instanceof Condition.All all) {
            node.set("all", list(all.conditions()));
        } else if (condition instanceof Condition.Any any) {
            node.set("any", list(any.conditions()));
        } else if (condition instanceof Condition.Not not) {
            node.set("not", condition(not.condition()));
        } else if (condition instanceof Condition.Profile profile) {
            node.put("profile", profile.expression().source());
        } else if (condition instanceof Condition.SegmentRef ref) {
            node.put("segment", ref.segmentId());
        } else if (condition instanceof Condition.Sequence sequence) {
            ObjectNode body = node.putObject("sequence");
            ArrayNode steps = body.putArray("steps");
            sequence.steps().forEach(step -> steps.add(step.source()));
            body.put("within", sequence.within().text());
        } else if (condition instanceof Condition.Events events) {
            ObjectNode body = node.putObject("events");
            events.where().ifPresent(where -> body.put("where", where.source()));
            body.put("within", events.within().text());
            Aggregate aggregate = events.aggregate();
            if (aggregate.function() == Aggregate.Function.COUNT) {
                body.put("count", events.comparison().toString());
            } else {
                body.put(aggregate.function().key(), aggregate.of().orElseThrow().source());
                body.put("value", events.comparison().toString());
            }
        }
        return node;
    }

    private static ArrayNode list(java.util.List<Condition> conditions) {
        ArrayNode array = MAPPER.createArrayNode();
        conditions.forEach(c -> array.add(condition(c)));
        return array;
    }
}
