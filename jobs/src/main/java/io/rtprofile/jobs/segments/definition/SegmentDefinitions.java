package io.rtprofile.jobs.segments.definition;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads segment definitions (contract section 5) from YAML or JSON and validates them statically:
 * structure, ids, windows, comparisons, CEL (compiled once, here), duplicate ids, references to
 * unknown segments and reference cycles. Every problem found is reported with its file and line;
 * nothing is returned unless there are none.
 */
public final class SegmentDefinitions {

    private static final Set<String> DEFINITION_KEYS = Set.of("id", "name", "condition");
    private static final List<String> CONDITION_KEYS =
            List.of("all", "any", "not", "events", "profile", "sequence", "segment");
    private static final List<String> AGGREGATE_KEYS =
            List.of("count", "sum", "min", "max", "avg", "distinct");
    private static final Set<String> EVENTS_KEYS =
            Set.of("where", "within", "count", "sum", "min", "max", "avg", "distinct", "value");
    private static final Set<String> SEQUENCE_KEYS = Set.of("steps", "within");

    private static final JsonFactory JSON = new JsonFactory();
    private static final YAMLFactory YAML = new YAMLFactory();

    private SegmentDefinitions() {}

    /**
     * Loads a {@code .yaml}, {@code .yml} or {@code .json} file (one definition or a list), or
     * every such file under a directory, in path order.
     *
     * @throws IOException when {@code path} cannot be read at all (missing, unreadable)
     * @throws SegmentDefinitionException listing every problem found
     */
    public static List<SegmentDefinition> load(Path path)
            throws IOException, SegmentDefinitionException {
        return load(path, Set.of());
    }

    /**
     * Like {@link #load(Path)}, where references may also name the segments {@code known} (already
     * published, say): they are checked against those when the definitions are put in force, not
     * here.
     */
    public static List<SegmentDefinition> load(Path path, Set<String> known)
            throws IOException, SegmentDefinitionException {
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                files =
                        walk.filter(Files::isRegularFile)
                                .filter(SegmentDefinitions::isDefinitionFile)
                                .sorted()
                                .toList();
            }
            if (files.isEmpty()) {
                throw new SegmentDefinitionException(
                        List.of(
                                new SegmentProblem(
                                        path.toString(),
                                        0,
                                        "no .yaml, .yml or .json files in this directory")));
            }
        } else {
            if (!Files.exists(path)) {
                throw new NoSuchFileException(path.toString());
            }
            files = List.of(path);
        }
        Loader loader = new Loader();
        loader.knownElsewhere = known;
        for (Path file : files) {
            if (!isDefinitionFile(file)) {
                loader.problem(file.toString(), 0, "not a .yaml, .yml or .json file");
                continue;
            }
            loader.read(file.toString(), Files.readString(file));
        }
        return loader.finish();
    }

    /**
     * Parses definitions from text that did not come from a file (a Kafka record value, a test);
     * {@code origin} names it in problems and chooses JSON when it ends in {@code .json}.
     */
    public static List<SegmentDefinition> parse(String origin, String content)
            throws SegmentDefinitionException {
        Loader loader = new Loader();
        loader.read(origin, content);
        return loader.finish();
    }

    /**
     * Parses one definition text on its own, checking everything except references to other
     * segments, which the caller resolves against the definitions it already holds (the job does,
     * for definitions arriving one by one on the {@code segment-definitions} topic).
     */
    public static List<SegmentDefinition> parseStandalone(String origin, String content)
            throws SegmentDefinitionException {
        Loader loader = new Loader();
        loader.checkReferences = false;
        loader.read(origin, content);
        return loader.finish();
    }

    private static boolean isDefinitionFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    // ---------------------------------------------------------------------------------------
    // A document tree that remembers lines (Jackson's JsonNode does not).

    private sealed interface Node permits MapNode, ListNode, ScalarNode {
        int line();

        default String kind() {
            if (this instanceof MapNode) {
                return "a mapping";
            } else if (this instanceof ListNode) {
                return "a list";
            }
            return ((ScalarNode) this).text == null ? "nothing" : "a single value";
        }
    }

    private record Entry(String key, int keyLine, Node value) {}

    private record MapNode(int line, Map<String, Entry> entries) implements Node {}

    private record ListNode(int line, List<Node> items) implements Node {}

    /** {@code text} is null for an explicit or implicit null. */
    private record ScalarNode(int line, String text) implements Node {}

    private record Reference(String id, String file, int line) {}

    /** One definition as read, kept even when broken so its id still counts for references. */
    private record Parsed(
            String id, String file, int line, SegmentDefinition definition, List<Reference> refs) {}

    private static final class Loader {
        private final SegmentCel cel = new SegmentCel();
        private final List<SegmentProblem> problems = new ArrayList<>();
        private final List<Parsed> parsed = new ArrayList<>();
        private final List<String> files = new ArrayList<>();

        private boolean checkReferences = true;
        private Set<String> knownElsewhere = Set.of();
        private String file;
        private List<Reference> refs;
        private boolean broken;

        void problem(String file, int line, String reason) {
            problems.add(new SegmentProblem(file, line, reason));
        }

        private void problem(int line, String reason) {
            broken = true;
            problem(file, line, reason);
        }

        void read(String file, String content) {
            this.file = file;
            files.add(file);
            boolean json = file.toLowerCase(Locale.ROOT).endsWith(".json");
            List<Node> roots = new ArrayList<>();
            try (JsonParser p = json ? JSON.createParser(content) : YAML.createParser(content)) {
                while (p.nextToken() != null) {
                    roots.add(tree(p));
                }
            } catch (JsonProcessingException e) {
                JsonLocation loc = e.getLocation();
                problem(loc == null ? 0 : loc.getLineNr(), "syntax: " + e.getOriginalMessage());
                return;
            } catch (IOException e) {
                problem(0, "cannot read: " + e.getMessage());
                return;
            }
            if (roots.isEmpty()) {
                problem(0, "no definitions in this file");
            }
            for (Node root : roots) {
                if (root instanceof ListNode list) {
                    if (list.items.isEmpty()) {
                        problem(list.line, "empty list of definitions");
                    }
                    list.items.forEach(this::definition);
                } else {
                    definition(root);
                }
            }
        }

        private Node tree(JsonParser p) throws IOException {
            int line = p.currentTokenLocation().getLineNr();
            JsonToken token = p.currentToken();
            if (token == JsonToken.START_OBJECT) {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    Node value = tree(p);
                    Entry previous = entries.putIfAbsent(key, new Entry(key, keyLine, value));
                    if (previous != null) {
                        problem(
                                keyLine,
                                "duplicate key '"
                                        + key
                                        + "' (first at line "
                                        + previous.keyLine
                                        + ")");
                    }
                }
                return new MapNode(line, entries);
            } else if (token == JsonToken.START_ARRAY) {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(tree(p));
                }
                return new ListNode(line, items);
            } else if (token == JsonToken.VALUE_NULL) {
                return new ScalarNode(line, null);
            } else {
                return new ScalarNode(line, p.getText());
            }
        }

        // -----------------------------------------------------------------------------------
        // Definitions and conditions.

        private void definition(Node node) {
            broken = false;
            refs = new ArrayList<>();
            if (!(node instanceof MapNode map)) {
                problem(
                        node.line(),
                        "expected a definition (a mapping with id, name and condition), found "
                                + node.kind());
                return;
            }
            unknownKeys(map, DEFINITION_KEYS, "a definition");
            String id = string(map, "id", "a definition");
            if (id != null && !SegmentDefinition.ID_PATTERN.matcher(id).matches()) {
                problem(
                        map.entries.get("id").value.line(),
                        "bad id '" + id + "': must match [a-z0-9][a-z0-9-]*");
                id = null;
            }
            String name = string(map, "name", "a definition");
            Condition condition = null;
            Entry c = required(map, "condition", "a definition");
            if (c != null) {
                condition = condition(c.value);
            }
            SegmentDefinition def =
                    broken || id == null || name == null || condition == null
                            ? null
                            : new SegmentDefinition(id, name, condition);
            parsed.add(new Parsed(id, file, map.line, def, List.copyOf(refs)));
        }

        private Condition condition(Node node) {
            if (!(node instanceof MapNode map)) {
                problem(
                        node.line(),
                        "expected a condition (one of "
                                + String.join(", ", CONDITION_KEYS)
                                + "), found "
                                + node.kind());
                return null;
            }
            List<Entry> known = new ArrayList<>();
            for (Entry e : map.entries.values()) {
                if (CONDITION_KEYS.contains(e.key)) {
                    known.add(e);
                } else {
                    problem(
                            e.keyLine,
                            "unknown key '"
                                    + e.key
                                    + "' in a condition (expected one of "
                                    + String.join(", ", CONDITION_KEYS)
                                    + ")");
                }
            }
            if (known.size() > 1) {
                problem(
                        known.get(1).keyLine,
                        "a condition has exactly one of "
                                + String.join(", ", CONDITION_KEYS)
                                + "; found "
                                + known.stream().map(Entry::key).collect(Collectors.joining(", "))
                                + " (combine them with all or any)");
                return null;
            }
            if (known.isEmpty()) {
                if (map.entries.isEmpty()) {
                    problem(map.line, "empty condition");
                }
                return null;
            }
            Entry e = known.get(0);
            return switch (e.key) {
                case "all", "any" -> junction(e);
                case "not" -> {
                    Condition inner = condition(e.value);
                    yield inner == null ? null : new Condition.Not(inner);
                }
                case "events" -> events(e);
                case "profile" -> profile(e);
                case "sequence" -> sequence(e);
                default -> segment(e);
            };
        }

        private Condition junction(Entry e) {
            if (!(e.value instanceof ListNode list) || list.items.isEmpty()) {
                problem(
                        e.value.line(),
                        e.key + " takes a non-empty list of conditions, found " + e.value.kind());
                return null;
            }
            List<Condition> children = new ArrayList<>();
            for (Node item : list.items) {
                children.add(condition(item));
            }
            if (children.contains(null)) {
                return null;
            }
            return e.key.equals("all") ? new Condition.All(children) : new Condition.Any(children);
        }

        private Condition events(Entry e) {
            if (!(e.value instanceof MapNode map)) {
                problem(
                        e.value.line(),
                        "events takes a mapping (where, within, an aggregate), found "
                                + e.value.kind());
                return null;
            }
            boolean ok = unknownKeys(map, EVENTS_KEYS, "events");
            Optional<CelExpression> where = Optional.empty();
            Entry whereEntry = map.entries.get("where");
            if (whereEntry != null) {
                CelExpression w = cel(whereEntry, Kind.EVENT_PREDICATE);
                ok &= w != null;
                where = Optional.ofNullable(w);
            }
            Window within = window(map, "events");
            ok &= within != null;

            List<Entry> aggregates =
                    AGGREGATE_KEYS.stream().map(map.entries::get).filter(x -> x != null).toList();
            Entry value = map.entries.get("value");
            if (aggregates.size() > 1) {
                problem(
                        aggregates.get(1).keyLine,
                        "events takes exactly one aggregate; found "
                                + aggregates.stream()
                                        .map(Entry::key)
                                        .collect(Collectors.joining(", ")));
                return null;
            }
            Aggregate aggregate = Aggregate.COUNT;
            Comparison comparison = Comparison.AT_LEAST_ONE;
            if (aggregates.isEmpty() || aggregates.get(0).key.equals("count")) {
                if (value != null) {
                    problem(
                            value.keyLine,
                            "value is the comparison of sum, min, max, avg or distinct;"
                                    + " for a count write count: \"<comparison>\"");
                    ok = false;
                }
                if (!aggregates.isEmpty()) {
                    comparison = comparison(aggregates.get(0));
                    ok &= comparison != null;
                }
            } else {
                Entry agg = aggregates.get(0);
                Aggregate.Function function =
                        Aggregate.Function.valueOf(agg.key.toUpperCase(Locale.ROOT));
                CelExpression of = cel(agg, Kind.EVENT_VALUE);
                ok &= of != null;
                if (of != null) {
                    aggregate = new Aggregate(function, Optional.of(of));
                }
                if (value == null) {
                    problem(
                            map.line,
                            "missing field 'value' in events: the comparison for "
                                    + agg.key
                                    + ", e.g. value: \"> 500\"");
                    ok = false;
                } else {
                    comparison = comparison(value);
                    ok &= comparison != null;
                }
            }
            return ok ? new Condition.Events(where, within, aggregate, comparison) : null;
        }

        private Condition profile(Entry e) {
            CelExpression expression = cel(e, Kind.PROFILE_PREDICATE);
            return expression == null ? null : new Condition.Profile(expression);
        }

        private Condition sequence(Entry e) {
            if (!(e.value instanceof MapNode map)) {
                problem(
                        e.value.line(),
                        "sequence takes a mapping (steps, within), found " + e.value.kind());
                return null;
            }
            boolean ok = unknownKeys(map, SEQUENCE_KEYS, "sequence");
            Window within = window(map, "sequence");
            ok &= within != null;
            Entry steps = required(map, "steps", "sequence");
            List<CelExpression> compiled = new ArrayList<>();
            if (steps == null) {
                ok = false;
            } else if (!(steps.value instanceof ListNode list) || list.items.size() < 2) {
                problem(
                        steps.value.line(),
                        "steps takes a list of at least two event conditions, found "
                                + (steps.value instanceof ListNode l
                                        ? l.items.size() + " step(s)"
                                        : steps.value.kind())
                                + " (one step is an events condition)");
                ok = false;
            } else {
                for (Node step : list.items) {
                    CelExpression x =
                            cel(new Entry("steps", step.line(), step), Kind.EVENT_PREDICATE);
                    ok &= x != null;
                    compiled.add(x);
                }
            }
            return ok ? new Condition.Sequence(compiled, within) : null;
        }

        private Condition segment(Entry e) {
            String id = scalar(e, "segment");
            if (id == null) {
                return null;
            }
            if (!SegmentDefinition.ID_PATTERN.matcher(id).matches()) {
                problem(
                        e.value.line(),
                        "bad segment reference '" + id + "': ids match [a-z0-9][a-z0-9-]*");
                return null;
            }
            refs.add(new Reference(id, file, e.value.line()));
            return new Condition.SegmentRef(id);
        }

        // -----------------------------------------------------------------------------------
        // Fields.

        private enum Kind {
            EVENT_PREDICATE,
            EVENT_VALUE,
            PROFILE_PREDICATE
        }

        private CelExpression cel(Entry e, Kind kind) {
            String source = scalar(e, e.key);
            if (source == null) {
                return null;
            }
            try {
                return switch (kind) {
                    case EVENT_PREDICATE -> cel.eventPredicate(source);
                    case EVENT_VALUE -> cel.eventValue(source);
                    case PROFILE_PREDICATE -> cel.profilePredicate(source);
                };
            } catch (SegmentCel.CelCompileException ex) {
                problem(e.value.line(), "bad CEL in " + e.key + ": " + ex.getMessage());
                return null;
            }
        }

        private Window window(MapNode map, String context) {
            Entry e = required(map, "within", context);
            String text = e == null ? null : scalar(e, "within");
            if (text == null) {
                return null;
            }
            try {
                return Window.parse(text.trim());
            } catch (IllegalArgumentException ex) {
                problem(e.value.line(), ex.getMessage());
                return null;
            }
        }

        private Comparison comparison(Entry e) {
            String text = scalar(e, e.key);
            if (text == null) {
                return null;
            }
            try {
                return Comparison.parse(text);
            } catch (IllegalArgumentException ex) {
                problem(e.value.line(), ex.getMessage() + " in " + e.key);
                return null;
            }
        }

        private String string(MapNode map, String key, String context) {
            Entry e = required(map, key, context);
            return e == null ? null : scalar(e, key);
        }

        private String scalar(Entry e, String what) {
            if (e.value instanceof ScalarNode s && s.text != null && !s.text.isBlank()) {
                return s.text;
            }
            problem(e.value.line(), what + " takes a single value, found " + e.value.kind());
            return null;
        }

        private Entry required(MapNode map, String key, String context) {
            Entry e = map.entries.get(key);
            if (e == null) {
                problem(map.line, "missing field '" + key + "' in " + context);
            }
            return e;
        }

        private boolean unknownKeys(MapNode map, Set<String> allowed, String context) {
            boolean ok = true;
            for (Entry e : map.entries.values()) {
                if (!allowed.contains(e.key)) {
                    problem(
                            e.keyLine,
                            "unknown key '"
                                    + e.key
                                    + "' in "
                                    + context
                                    + " (expected "
                                    + allowed.stream().sorted().collect(Collectors.joining(", "))
                                    + ")");
                    ok = false;
                }
            }
            return ok;
        }

        // -----------------------------------------------------------------------------------
        // Across definitions: duplicates, references, cycles.

        List<SegmentDefinition> finish() throws SegmentDefinitionException {
            Map<String, Parsed> byId = new LinkedHashMap<>();
            for (Parsed p : parsed) {
                if (p.id == null) {
                    continue;
                }
                Parsed first = byId.putIfAbsent(p.id, p);
                if (first != null) {
                    problem(
                            p.file,
                            p.line,
                            "duplicate id '"
                                    + p.id
                                    + "' (first defined at "
                                    + first.file
                                    + ":"
                                    + first.line
                                    + ")");
                }
            }
            for (Parsed p : parsed) {
                for (Reference r : p.refs) {
                    if (checkReferences
                            && !byId.containsKey(r.id)
                            && !knownElsewhere.contains(r.id)) {
                        problem(r.file, r.line, "unknown segment '" + r.id + "'");
                    }
                }
            }
            findCycles(byId);
            if (!problems.isEmpty()) {
                // Files in the order read, and lines in order within each.
                problems.sort(
                        Comparator.comparingInt((SegmentProblem p) -> files.indexOf(p.file()))
                                .thenComparingInt(SegmentProblem::line));
                throw new SegmentDefinitionException(problems);
            }
            return parsed.stream().map(Parsed::definition).toList();
        }

        /** Depth-first search; a reference to a segment still on the stack closes a cycle. */
        private void findCycles(Map<String, Parsed> byId) {
            Map<String, Integer> state = new HashMap<>(); // absent: new, 1: on stack, 2: done
            for (String id : byId.keySet()) {
                visit(id, byId, state, new ArrayList<>());
            }
        }

        private void visit(
                String id,
                Map<String, Parsed> byId,
                Map<String, Integer> state,
                List<String> stack) {
            Parsed p = byId.get(id);
            if (p == null || state.containsKey(id)) {
                return;
            }
            state.put(id, 1);
            stack.add(id);
            for (Reference r : p.refs) {
                Integer s = state.get(r.id);
                if (s != null && s == 1) {
                    List<String> cycle =
                            new ArrayList<>(stack.subList(stack.indexOf(r.id), stack.size()));
                    cycle.add(r.id);
                    problem(r.file, r.line, "reference cycle: " + String.join(" -> ", cycle));
                } else {
                    visit(r.id, byId, state, stack);
                }
            }
            stack.remove(stack.size() - 1);
            state.put(id, 2);
        }
    }
}
