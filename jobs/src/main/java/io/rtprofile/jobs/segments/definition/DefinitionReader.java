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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the definition language shared by segments and models (contract sections 5 and 6): YAML or
 * JSON into a tree that remembers lines, the conditions of section 5, and the fields they are made
 * of, each compiled and checked once, with every problem recorded with its file and line. A
 * subclass reads its own kind of top-level definition ({@link #definition}) out of the same parts,
 * so a model's features are written, checked and reported exactly as segment conditions are.
 */
public abstract class DefinitionReader {

    static final List<String> CONDITION_KEYS =
            List.of("all", "any", "not", "events", "profile", "sequence", "segment");
    public static final List<String> AGGREGATE_KEYS =
            List.of("count", "sum", "min", "max", "avg", "distinct");
    static final Set<String> EVENTS_KEYS =
            Set.of("where", "within", "count", "sum", "min", "max", "avg", "distinct", "value");
    static final Set<String> SEQUENCE_KEYS = Set.of("steps", "within");

    private static final JsonFactory JSON = new JsonFactory();
    private static final YAMLFactory YAML = new YAMLFactory();

    // ---------------------------------------------------------------------------------------
    // A document tree that remembers lines (Jackson's JsonNode does not).

    public sealed interface Node permits MapNode, ListNode, ScalarNode {
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

    public record Entry(String key, int keyLine, Node value) {}

    public record MapNode(int line, Map<String, Entry> entries) implements Node {}

    public record ListNode(int line, List<Node> items) implements Node {}

    /** {@code text} is null for an explicit or implicit null. */
    public record ScalarNode(int line, String text) implements Node {}

    /**
     * The tree as JSON text, every scalar a string: read again, it gives the same definition (the
     * readers take scalars as text), so it is how one definition of a file travels on its own.
     */
    public static String toJson(Node node) {
        StringBuilder out = new StringBuilder();
        appendJson(node, out);
        return out.toString();
    }

    private static void appendJson(Node node, StringBuilder out) {
        if (node instanceof MapNode map) {
            out.append('{');
            boolean first = true;
            for (Entry e : map.entries.values()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendString(e.key, out);
                out.append(':');
                appendJson(e.value, out);
            }
            out.append('}');
        } else if (node instanceof ListNode list) {
            out.append('[');
            for (int i = 0; i < list.items.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                appendJson(list.items.get(i), out);
            }
            out.append(']');
        } else if (((ScalarNode) node).text == null) {
            out.append("null");
        } else {
            appendString(((ScalarNode) node).text, out);
        }
    }

    private static void appendString(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A reference to a segment, where it was written. */
    public record Reference(String id, String file, int line) {}

    protected final SegmentCel cel = new SegmentCel();
    protected final List<DefinitionProblem> problems = new ArrayList<>();
    protected final List<String> files = new ArrayList<>();

    protected String file;

    /** The segment references of the definition being read. */
    protected List<Reference> refs = new ArrayList<>();

    /** Whether the definition being read has a problem. */
    protected boolean broken;

    protected void problem(String file, int line, String reason) {
        problems.add(new DefinitionProblem(file, line, reason));
    }

    protected void problem(int line, String reason) {
        broken = true;
        problem(file, line, reason);
    }

    /**
     * Reads one file's text; each top-level definition (or item of a top-level list) goes to {@link
     * #definition}.
     */
    public void read(String file, String content) {
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

    protected Node tree(JsonParser p) throws IOException {
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
                            "duplicate key '" + key + "' (first at line " + previous.keyLine + ")");
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

    protected Condition condition(Node node) {
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

    protected Condition junction(Entry e) {
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

    protected Condition events(Entry e) {
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

    protected Condition profile(Entry e) {
        CelExpression expression = cel(e, Kind.PROFILE_PREDICATE);
        return expression == null ? null : new Condition.Profile(expression);
    }

    protected Condition sequence(Entry e) {
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
                CelExpression x = cel(new Entry("steps", step.line(), step), Kind.EVENT_PREDICATE);
                ok &= x != null;
                compiled.add(x);
            }
        }
        return ok ? new Condition.Sequence(compiled, within) : null;
    }

    protected Condition segment(Entry e) {
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

    protected enum Kind {
        EVENT_PREDICATE,
        EVENT_VALUE,
        PROFILE_PREDICATE,
        PROFILE_VALUE
    }

    protected CelExpression cel(Entry e, Kind kind) {
        String source = scalar(e, e.key);
        if (source == null) {
            return null;
        }
        try {
            return switch (kind) {
                case EVENT_PREDICATE -> cel.eventPredicate(source);
                case EVENT_VALUE -> cel.eventValue(source);
                case PROFILE_PREDICATE -> cel.profilePredicate(source);
                case PROFILE_VALUE -> cel.profileValue(source);
            };
        } catch (SegmentCel.CelCompileException ex) {
            problem(e.value.line(), "bad CEL in " + e.key + ": " + ex.getMessage());
            return null;
        }
    }

    protected Window window(MapNode map, String context) {
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

    protected Comparison comparison(Entry e) {
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

    protected String string(MapNode map, String key, String context) {
        Entry e = required(map, key, context);
        return e == null ? null : scalar(e, key);
    }

    protected String scalar(Entry e, String what) {
        if (e.value instanceof ScalarNode s && s.text != null && !s.text.isBlank()) {
            return s.text;
        }
        problem(e.value.line(), what + " takes a single value, found " + e.value.kind());
        return null;
    }

    protected Entry required(MapNode map, String key, String context) {
        Entry e = map.entries.get(key);
        if (e == null) {
            problem(map.line, "missing field '" + key + "' in " + context);
        }
        return e;
    }

    protected boolean unknownKeys(MapNode map, Set<String> allowed, String context) {
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

    /**
     * Reads a {@code .yaml}, {@code .yml} or {@code .json} file, or every such file under a
     * directory in path order. A directory without any, or a file of another kind, is a problem.
     *
     * @throws IOException when {@code path} cannot be read at all (missing, unreadable)
     */
    public void readPath(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            List<Path> found;
            try (Stream<Path> walk = Files.walk(path)) {
                found =
                        walk.filter(Files::isRegularFile)
                                .filter(DefinitionReader::isDefinitionFile)
                                .sorted()
                                .toList();
            }
            if (found.isEmpty()) {
                files.add(path.toString());
                problem(path.toString(), 0, "no .yaml, .yml or .json files in this directory");
            }
            for (Path file : found) {
                read(file.toString(), Files.readString(file));
            }
        } else if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        } else if (!isDefinitionFile(path)) {
            files.add(path.toString());
            problem(path.toString(), 0, "not a .yaml, .yml or .json file");
        } else {
            read(path.toString(), Files.readString(path));
        }
    }

    private static boolean isDefinitionFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    /** Reads one top-level definition; called by {@link #read} for each. */
    protected abstract void definition(Node node);

    /** The problems found so far. */
    public List<DefinitionProblem> problems() {
        return problems;
    }
}
