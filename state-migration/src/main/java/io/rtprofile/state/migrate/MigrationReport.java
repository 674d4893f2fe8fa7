package io.rtprofile.state.migrate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a migration changed: counts by {@link MigrationCount} and name, what happened to each
 * dropped segment's and model's published definition, the max parallelism before and after, the
 * operators rewritten, and warnings (names of the plan the savepoint did not have, and what a
 * restore should be aware of).
 */
public record MigrationReport(
        Path savepoint,
        Path target,
        MigrationPlan plan,
        Map<String, Long> counts,
        Map<String, String> published,
        int maxParallelismBefore,
        int maxParallelismAfter,
        List<String> operatorsRewritten,
        List<String> warnings) {

    public MigrationReport {
        counts = Map.copyOf(counts);
        published = Map.copyOf(new TreeMap<>(published));
        operatorsRewritten = List.copyOf(operatorsRewritten);
        warnings = List.copyOf(warnings);
    }

    /** A count of the whole migration (profiles read, changed, ...). */
    public long count(MigrationCount what) {
        return count(what, "");
    }

    /** A count for one name of the plan. */
    public long count(MigrationCount what, String name) {
        return counts.getOrDefault(what.key(name), 0L);
    }

    /** The report as the CLI prints it, one line each. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("migrated " + savepoint + " -> " + target);
        lines.add(
                "profiles: "
                        + count(MigrationCount.PROFILES_READ)
                        + " keys read, "
                        + count(MigrationCount.PROFILES_CHANGED)
                        + " changed");
        plan.renamedAttributes()
                .forEach(
                        (from, to) ->
                                lines.add(
                                        "attribute "
                                                + from
                                                + " -> "
                                                + to
                                                + ": "
                                                + count(MigrationCount.ATTRIBUTE_RENAMED, from)
                                                + " profiles ("
                                                + count(
                                                        MigrationCount.ATTRIBUTE_RENAME_COLLIDED,
                                                        from)
                                                + " already had "
                                                + to
                                                + ", merged by the merge policy), "
                                                + count(
                                                        MigrationCount.HELD_EVENT_ATTRIBUTE_RENAMED,
                                                        from)
                                                + " held events"));
        for (String name : plan.droppedAttributes()) {
            lines.add(
                    "attribute "
                            + name
                            + " dropped: "
                            + count(MigrationCount.ATTRIBUTE_DROPPED, name)
                            + " profiles, "
                            + count(MigrationCount.HELD_EVENT_ATTRIBUTE_DROPPED, name)
                            + " held events");
        }
        for (String segment : plan.droppedSegments()) {
            lines.add(
                    "segment "
                            + segment
                            + " dropped: "
                            + count(MigrationCount.MEMBERSHIP_DROPPED, segment)
                            + " memberships; definition "
                            + published.getOrDefault("segment:" + segment, "unchanged"));
        }
        for (String model : plan.droppedModels()) {
            lines.add(
                    "model "
                            + model
                            + " dropped: "
                            + count(MigrationCount.SCORE_DROPPED, model)
                            + " scores, "
                            + count(MigrationCount.PENDING_EXAMPLE_DROPPED, model)
                            + " pending examples, "
                            + count(MigrationCount.TRAINER_STATE_DROPPED, model)
                            + " trainer state, "
                            + count(MigrationCount.SCORE_SKETCH_DROPPED, model)
                            + " score sketch; published version "
                            + published.getOrDefault("model:" + model, "unchanged"));
        }
        if (plan.maxParallelism() != null) {
            lines.add(
                    "max parallelism: "
                            + maxParallelismBefore
                            + " -> "
                            + maxParallelismAfter
                            + " ("
                            + count(MigrationCount.EVENT_IDS_CARRIED)
                            + " deduplicator event ids rewritten; single-task operators keep 1)");
        }
        lines.add("operators rewritten: " + String.join(", ", operatorsRewritten));
        warnings.forEach(w -> lines.add("warning: " + w));
        return lines;
    }
}
