package io.rtprofile.state.migrate;

import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.segments.definition.DefinitionProblem;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code rtprofile state migrate} does to a savepoint (docs/state-toolkit.md), read from a
 * YAML or JSON file:
 *
 * <pre>{@code
 * attributes:
 *   rename: {loyaltyTier: tier}
 *   drop: [legacyScore]
 * segments:
 *   drop: [summer-sale]
 * models:
 *   drop: [old-propensity]
 * maxParallelism: 256
 * }</pre>
 *
 * <p>Every part is optional, but a plan must change something. What each part means:
 *
 * <ul>
 *   <li><b>attributes.rename</b> (old: new): the attribute moves to the new name with its value and
 *       what it won by (timestamp, source, event id), in every profile and in every event the
 *       profile operator still holds for the watermark. Where a profile already has the new name,
 *       the winner is chosen by the job's merge policy, exactly as if both values had arrived under
 *       the new name (by default the later timestamp). Several old names may go to one new name. In
 *       a held event that carries both names, the new name's own value is kept (it is that event's
 *       value under the new name). A rename onto a name that is itself renamed or dropped is
 *       refused: renames are not chained. Definitions are the deployment's text: a segment or model
 *       that reads {@code profile.attributes.<old>} must be republished with the new name.
 *   <li><b>attributes.drop</b>: the attribute is removed from every profile and held event.
 *   <li><b>segments.drop</b>: every membership of the segment is removed (no exited transition is
 *       reported: drop a segment after it was removed, when the job has already exited its
 *       members), and its published definition in the operator's broadcast state is replaced by the
 *       removal marker the job writes itself, so a definition the deployment still starts with
 *       cannot bring it back unnoticed. Window aggregates only it used are freed by the job at each
 *       profile's next evaluation ({@code SegmentEvaluator}), as after any removal.
 *   <li><b>models.drop</b>: the model's scores and pending training examples leave every profile;
 *       its published version in broadcast state becomes a removal (a version without definition);
 *       the trainer's state for it becomes the job's own removal state (no weights, no counts, the
 *       version counter kept, so a model defined again later continues the numbers as
 *       docs/models.md promises), and its score sketch leaves the trainer's operator state.
 *   <li><b>maxParallelism</b> (1 to 32768): the key groups of the savepoint's keyed operators (the
 *       profile operator and the deduplicator) are rewritten for it, and every operator that had
 *       the savepoint's max parallelism takes it; the single-task operators (identity resolver,
 *       model trainer) keep max parallelism 1. The job must then run with the same {@code
 *       pipeline.max-parallelism}.
 * </ul>
 *
 * <p>Names the savepoint does not have are not errors: they are reported as not found, so a plan
 * can be applied to several deployments, and twice.
 */
public record MigrationPlan(
        Map<String, String> renamedAttributes,
        Set<String> droppedAttributes,
        Set<String> droppedSegments,
        Set<String> droppedModels,
        Integer maxParallelism)
        implements Serializable {

    /** Flink's upper bound for the max parallelism (key groups are numbered in 15 bits). */
    public static final int UPPER_BOUND_MAX_PARALLELISM = 1 << 15;

    private static final Set<String> TOP_KEYS =
            Set.of("attributes", "segments", "models", "maxParallelism");
    private static final Pattern ATTRIBUTE = Pattern.compile("\\S(.*\\S)?");

    public MigrationPlan {
        renamedAttributes = Collections.unmodifiableMap(new LinkedHashMap<>(renamedAttributes));
        droppedAttributes = Collections.unmodifiableSet(new LinkedHashSet<>(droppedAttributes));
        droppedSegments = Collections.unmodifiableSet(new LinkedHashSet<>(droppedSegments));
        droppedModels = Collections.unmodifiableSet(new LinkedHashSet<>(droppedModels));
    }

    /** Whether profile attributes change. */
    public boolean changesAttributes() {
        return !renamedAttributes.isEmpty() || !droppedAttributes.isEmpty();
    }

    /** Reads a plan file ({@code .json} as JSON, anything else as YAML). */
    public static MigrationPlan read(Path file) throws MigrationPlanException {
        String content;
        try {
            content = Files.readString(file);
        } catch (IOException e) {
            throw new MigrationPlanException(
                    List.of(new DefinitionProblem(file.toString(), 0, "cannot read: " + e)));
        }
        return parse(file.toString(), content);
    }

    /** Reads a plan from text; {@code file} names it in problems and chooses JSON or YAML. */
    public static MigrationPlan parse(String file, String content) throws MigrationPlanException {
        return new Reader(file).plan(content);
    }

    // ---------------------------------------------------------------------------------------

    /** A document tree that remembers lines (Jackson's JsonNode does not). */
    private sealed interface Node permits MapNode, ListNode, Scalar {
        int line();
    }

    private record MapNode(int line, Map<String, Node> entries, Map<String, Integer> keyLines)
            implements Node {}

    private record ListNode(int line, List<Node> items) implements Node {}

    /** {@code text} is null for an explicit or implicit null. */
    private record Scalar(int line, String text) implements Node {}

    private static final class Reader {
        private final String file;
        private final List<DefinitionProblem> problems = new ArrayList<>();

        Reader(String file) {
            this.file = file;
        }

        MigrationPlan plan(String content) throws MigrationPlanException {
            boolean json = file.toLowerCase(Locale.ROOT).endsWith(".json");
            Node root = null;
            try (JsonParser p =
                    json
                            ? new JsonFactory().createParser(content)
                            : new YAMLFactory().createParser(content)) {
                if (p.nextToken() != null) {
                    root = tree(p);
                    if (p.nextToken() != null) {
                        problem(
                                p.currentTokenLocation().getLineNr(),
                                "one plan per file: a second document follows");
                    }
                }
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                problem(
                        at == null ? 0 : at.getLineNr(),
                        "syntax: " + oneLine(e.getOriginalMessage()));
                throw new MigrationPlanException(problems);
            } catch (IOException e) {
                problem(0, "cannot read: " + e.getMessage());
                throw new MigrationPlanException(problems);
            }
            if (!(root instanceof MapNode top)) {
                problem(
                        root == null ? 0 : root.line(),
                        "a plan is a mapping of attributes, segments, models and maxParallelism");
                throw new MigrationPlanException(problems);
            }
            unknownKeys(top, TOP_KEYS);
            Map<String, String> renamed = new LinkedHashMap<>();
            Set<String> droppedAttributes = new LinkedHashSet<>();
            Set<String> droppedSegments = new LinkedHashSet<>();
            Set<String> droppedModels = new LinkedHashSet<>();
            Map<String, Integer> lines = new LinkedHashMap<>();

            MapNode attributes = section(top, "attributes", Set.of("rename", "drop"));
            if (attributes != null) {
                Node rename = attributes.entries().get("rename");
                if (rename != null) {
                    if (rename instanceof MapNode pairs) {
                        for (Map.Entry<String, Node> e : pairs.entries().entrySet()) {
                            int line = pairs.keyLines().get(e.getKey());
                            String to = text(e.getValue(), "the new name of " + e.getKey());
                            if (!attributeName(line, e.getKey()) || to == null) {
                                continue;
                            }
                            if (attributeName(e.getValue().line(), to)) {
                                if (to.equals(e.getKey())) {
                                    problem(line, "attribute '" + to + "' is renamed to itself");
                                    continue;
                                }
                                renamed.put(e.getKey(), to);
                                lines.put("rename:" + e.getKey(), line);
                            }
                        }
                        if (pairs.entries().isEmpty()) {
                            problem(rename.line(), "attributes.rename is empty");
                        }
                    } else {
                        problem(
                                rename.line(),
                                "attributes.rename must be a mapping of old name: new name");
                    }
                }
                ids(attributes, "drop", "attributes.drop", null, droppedAttributes, lines);
            }
            MapNode segments = section(top, "segments", Set.of("drop"));
            if (segments != null) {
                ids(
                        segments,
                        "drop",
                        "segments.drop",
                        SegmentDefinition.ID_PATTERN,
                        droppedSegments,
                        lines);
            }
            MapNode models = section(top, "models", Set.of("drop"));
            if (models != null) {
                ids(
                        models,
                        "drop",
                        "models.drop",
                        ModelDefinition.ID_PATTERN,
                        droppedModels,
                        lines);
            }
            Integer maxParallelism = null;
            Node max = top.entries().get("maxParallelism");
            if (max != null) {
                String text = text(max, "maxParallelism");
                if (text != null) {
                    try {
                        maxParallelism = Integer.parseInt(text.trim());
                    } catch (NumberFormatException e) {
                        maxParallelism = -1;
                    }
                    if (maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
                        problem(
                                max.line(),
                                "maxParallelism must be a whole number from 1 to "
                                        + UPPER_BOUND_MAX_PARALLELISM
                                        + ", not '"
                                        + text
                                        + "'");
                        maxParallelism = null;
                    }
                }
            }

            // Renames are applied at once, not one after the other: a chain would depend on order.
            for (Map.Entry<String, String> e : renamed.entrySet()) {
                int line = lines.get("rename:" + e.getKey());
                if (renamed.containsKey(e.getValue())) {
                    problem(
                            line,
                            "attribute '"
                                    + e.getKey()
                                    + "' is renamed to '"
                                    + e.getValue()
                                    + "', which is renamed itself: renames are not chained");
                }
                if (droppedAttributes.contains(e.getValue())) {
                    problem(
                            line,
                            "attribute '"
                                    + e.getKey()
                                    + "' is renamed to '"
                                    + e.getValue()
                                    + "', which is dropped");
                }
                if (droppedAttributes.contains(e.getKey())) {
                    problem(
                            lines.get("attributes.drop:" + e.getKey()),
                            "attribute '" + e.getKey() + "' is both renamed and dropped");
                }
            }
            if (problems.isEmpty()
                    && renamed.isEmpty()
                    && droppedAttributes.isEmpty()
                    && droppedSegments.isEmpty()
                    && droppedModels.isEmpty()
                    && maxParallelism == null) {
                problem(top.line(), "the plan changes nothing");
            }
            if (!problems.isEmpty()) {
                throw new MigrationPlanException(problems);
            }
            return new MigrationPlan(
                    renamed, droppedAttributes, droppedSegments, droppedModels, maxParallelism);
        }

        /** SnakeYAML's messages quote the text with a caret over several lines; keep the words. */
        private static String oneLine(String message) {
            List<String> words = new ArrayList<>();
            for (String line : message.split("\\R")) {
                String trimmed = line.trim();
                if (!trimmed.isEmpty()
                        && !trimmed.startsWith("in 'reader'")
                        && !trimmed.equals("^")
                        && !line.startsWith("    ")) {
                    words.add(trimmed);
                }
            }
            return words.isEmpty() ? message.trim() : String.join("; ", words);
        }

        private MapNode section(MapNode top, String key, Set<String> allowed) {
            Node node = top.entries().get(key);
            if (node == null) {
                return null;
            }
            if (!(node instanceof MapNode map)) {
                problem(
                        node.line(),
                        key + " must be a mapping with " + String.join(" and ", sorted(allowed)));
                return null;
            }
            unknownKeys(map, allowed);
            return map;
        }

        private void ids(
                MapNode section,
                String key,
                String where,
                Pattern pattern,
                Set<String> into,
                Map<String, Integer> lines) {
            Node node = section.entries().get(key);
            if (node == null) {
                return;
            }
            List<Node> items;
            if (node instanceof ListNode list) {
                items = list.items();
            } else if (node instanceof Scalar s && s.text() != null) {
                items = List.of(s);
            } else {
                problem(node.line(), where + " must be a list of names");
                return;
            }
            if (items.isEmpty()) {
                problem(node.line(), where + " is empty");
            }
            for (Node item : items) {
                String id = text(item, "an item of " + where);
                if (id == null) {
                    continue;
                }
                if (pattern != null && !pattern.matcher(id).matches()) {
                    problem(
                            item.line(),
                            "bad id '" + id + "' in " + where + ": ids match " + pattern);
                } else if (pattern == null && !attributeName(item.line(), id)) {
                    continue;
                } else if (!into.add(id)) {
                    problem(item.line(), "'" + id + "' is listed twice in " + where);
                } else {
                    lines.put(where + ":" + id, item.line());
                }
            }
        }

        private boolean attributeName(int line, String name) {
            if (!ATTRIBUTE.matcher(name).matches()) {
                problem(line, "bad attribute name '" + name + "': empty or padded with spaces");
                return false;
            }
            return true;
        }

        private String text(Node node, String what) {
            if (node instanceof Scalar s && s.text() != null) {
                return s.text();
            }
            problem(node.line(), what + " must be a single value");
            return null;
        }

        private void unknownKeys(MapNode map, Set<String> allowed) {
            for (Map.Entry<String, Integer> key : map.keyLines().entrySet()) {
                if (!allowed.contains(key.getKey())) {
                    problem(
                            key.getValue(),
                            "unknown key '"
                                    + key.getKey()
                                    + "' (expected "
                                    + String.join(", ", sorted(allowed))
                                    + ")");
                }
            }
        }

        private static List<String> sorted(Set<String> keys) {
            List<String> list = new ArrayList<>(keys);
            Collections.sort(list);
            return list;
        }

        private Node tree(JsonParser p) throws IOException {
            int line = p.currentTokenLocation().getLineNr();
            JsonToken token = p.currentToken();
            if (token == JsonToken.START_OBJECT) {
                Map<String, Node> entries = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    Node value = tree(p);
                    if (entries.containsKey(key)) {
                        problem(keyLine, "duplicate key '" + key + "'");
                        continue;
                    }
                    entries.put(key, value);
                    keyLines.put(key, keyLine);
                }
                return new MapNode(line, entries, keyLines);
            }
            if (token == JsonToken.START_ARRAY) {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(tree(p));
                }
                return new ListNode(line, items);
            }
            return new Scalar(line, token == JsonToken.VALUE_NULL ? null : p.getText());
        }

        private void problem(int line, String reason) {
            problems.add(new DefinitionProblem(file, line, reason));
        }
    }
}
