package io.rtprofile.jobs.segments.definition;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads segment definitions (contract section 5) from YAML or JSON and validates them statically:
 * structure, ids, windows, comparisons, CEL (compiled once, here), duplicate ids, references to
 * unknown segments and reference cycles. Every problem found is reported with its file and line;
 * nothing is returned unless there are none.
 */
public final class SegmentDefinitions {

    private static final Set<String> DEFINITION_KEYS = Set.of("id", "name", "condition");

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
        Loader loader = new Loader();
        loader.knownElsewhere = known;
        loader.readPath(path);
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

    /** One definition as read, kept even when broken so its id still counts for references. */
    private record Parsed(
            String id,
            String file,
            int line,
            SegmentDefinition definition,
            List<DefinitionReader.Reference> refs) {}

    private static final class Loader extends DefinitionReader {
        private final List<Parsed> parsed = new ArrayList<>();
        private boolean checkReferences = true;
        private Set<String> knownElsewhere = Set.of();

        // -----------------------------------------------------------------------------------
        // Definitions and conditions.

        @Override
        protected void definition(Node node) {
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
                        map.entries().get("id").value().line(),
                        "bad id '" + id + "': must match [a-z0-9][a-z0-9-]*");
                id = null;
            }
            String name = string(map, "name", "a definition");
            Condition condition = null;
            Entry c = required(map, "condition", "a definition");
            if (c != null) {
                condition = condition(c.value());
            }
            SegmentDefinition def =
                    broken || id == null || name == null || condition == null
                            ? null
                            : new SegmentDefinition(id, name, condition);
            parsed.add(new Parsed(id, file, map.line(), def, List.copyOf(refs)));
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
                            && !byId.containsKey(r.id())
                            && !knownElsewhere.contains(r.id())) {
                        problem(r.file(), r.line(), "unknown segment '" + r.id() + "'");
                    }
                }
            }
            findCycles(byId);
            if (!problems.isEmpty()) {
                // Files in the order read, and lines in order within each.
                problems.sort(
                        Comparator.comparingInt((DefinitionProblem p) -> files.indexOf(p.file()))
                                .thenComparingInt(DefinitionProblem::line));
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
                Integer s = state.get(r.id());
                if (s != null && s == 1) {
                    List<String> cycle =
                            new ArrayList<>(stack.subList(stack.indexOf(r.id()), stack.size()));
                    cycle.add(r.id());
                    problem(r.file(), r.line(), "reference cycle: " + String.join(" -> ", cycle));
                } else {
                    visit(r.id(), byId, state, stack);
                }
            }
            stack.remove(stack.size() - 1);
            state.put(id, 2);
        }
    }
}
