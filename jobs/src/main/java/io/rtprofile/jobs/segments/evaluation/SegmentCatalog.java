package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.jobs.segments.definition.SegmentDefinitionException;
import io.rtprofile.jobs.segments.definition.SegmentDefinitionJson;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Segment definitions by id, as text: what the job is started with, and what it holds in broadcast
 * state as definitions arrive on {@code segment-definitions}. Text, because compiled CEL does not
 * serialize; every operator compiles it again with {@link #resolve}.
 */
public final class SegmentCatalog implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, String> texts;

    private SegmentCatalog(Map<String, String> texts) {
        this.texts = new TreeMap<>(texts);
    }

    public static SegmentCatalog empty() {
        return new SegmentCatalog(Map.of());
    }

    /** The catalog of already validated definitions (say, loaded with --segments). */
    public static SegmentCatalog of(List<SegmentDefinition> definitions) {
        Map<String, String> texts = new TreeMap<>();
        definitions.forEach(d -> texts.put(d.id(), SegmentDefinitionJson.render(d)));
        return new SegmentCatalog(texts);
    }

    /** A catalog of texts not yet validated (they are resolved where they are used). */
    public static SegmentCatalog ofTexts(Map<String, String> texts) {
        return new SegmentCatalog(texts);
    }

    /** This catalog with {@code changes} applied: a text replaces, a null removes. */
    public SegmentCatalog with(Map<String, String> changes) {
        Map<String, String> merged = new TreeMap<>(texts);
        changes.forEach(
                (id, text) -> {
                    if (text == null) {
                        merged.remove(id);
                    } else {
                        merged.put(id, text);
                    }
                });
        return new SegmentCatalog(merged);
    }

    /** Definition text by segment id. */
    public Map<String, String> texts() {
        return Collections.unmodifiableMap(texts);
    }

    /** What a set of definition texts amounts to: the usable ones, and why the others are not. */
    public record Resolution(List<SegmentDefinition> active, List<String> refused) {}

    /**
     * Compiles every text on its own, then keeps those whose references resolve, transitively,
     * among the kept ones without a cycle. A definition may arrive before one it refers to; it
     * becomes active when that one does.
     */
    public static Resolution resolve(Map<String, String> texts) {
        List<String> refused = new ArrayList<>();
        Map<String, SegmentDefinition> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(texts).entrySet()) {
            String id = entry.getKey();
            try {
                List<SegmentDefinition> definitions =
                        SegmentDefinitions.parseStandalone(
                                "segment-definitions/" + id, entry.getValue());
                if (definitions.size() != 1) {
                    refused.add(id + ": a record holds exactly one definition");
                } else if (!definitions.get(0).id().equals(id)) {
                    refused.add(
                            id
                                    + ": the record's key differs from its id '"
                                    + definitions.get(0).id()
                                    + "'");
                } else {
                    parsed.put(id, definitions.get(0));
                }
            } catch (SegmentDefinitionException e) {
                refused.add(id + ": " + e.getMessage());
            }
        }
        // Kahn's algorithm: a definition is usable once everything it refers to is.
        Set<String> usable = new HashSet<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (SegmentDefinition d : parsed.values()) {
                if (!usable.contains(d.id())
                        && usable.containsAll(
                                SegmentPlan.references(d.condition(), new ArrayList<>()))) {
                    usable.add(d.id());
                    progress = true;
                }
            }
        }
        List<SegmentDefinition> active = new ArrayList<>();
        for (SegmentDefinition d : parsed.values()) {
            if (usable.contains(d.id())) {
                active.add(d);
            } else {
                List<String> missing = new ArrayList<>();
                for (String ref : SegmentPlan.references(d.condition(), new ArrayList<>())) {
                    if (!usable.contains(ref)) {
                        missing.add(ref);
                    }
                }
                refused.add(
                        d.id()
                                + ": waits for segments "
                                + missing
                                + " (unknown, refused, or in a reference cycle)");
            }
        }
        return new Resolution(active, refused);
    }
}
