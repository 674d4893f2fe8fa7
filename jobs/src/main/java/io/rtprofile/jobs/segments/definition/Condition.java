package io.rtprofile.jobs.segments.definition;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A node of a segment's condition tree; one record per construct of contract section 5. */
public sealed interface Condition
        permits Condition.All,
                Condition.Any,
                Condition.Not,
                Condition.Events,
                Condition.Profile,
                Condition.Sequence,
                Condition.SegmentRef {

    /** True when every child is true. */
    record All(List<Condition> conditions) implements Condition {
        public All {
            conditions = List.copyOf(conditions);
        }
    }

    /** True when at least one child is true. */
    record Any(List<Condition> conditions) implements Condition {
        public Any {
            conditions = List.copyOf(conditions);
        }
    }

    /** True when the child is false. */
    record Not(Condition condition) implements Condition {
        public Not {
            Objects.requireNonNull(condition, "condition");
        }
    }

    /**
     * A windowed aggregate over this profile's events that satisfy {@code where}, compared with a
     * threshold. {@code where} is absent when every event counts.
     */
    record Events(
            Optional<CelExpression> where,
            Window within,
            Aggregate aggregate,
            Comparison comparison)
            implements Condition {
        public Events {
            Objects.requireNonNull(where, "where");
            Objects.requireNonNull(within, "within");
            Objects.requireNonNull(aggregate, "aggregate");
            Objects.requireNonNull(comparison, "comparison");
        }
    }

    /** A predicate over the profile itself (attributes, scores), not over its events. */
    record Profile(CelExpression expression) implements Condition {
        public Profile {
            Objects.requireNonNull(expression, "expression");
        }
    }

    /** Events matching each step, in this order, all within the window. */
    record Sequence(List<CelExpression> steps, Window within) implements Condition {
        public Sequence {
            steps = List.copyOf(steps);
            Objects.requireNonNull(within, "within");
        }
    }

    /** Current membership in another segment. */
    record SegmentRef(String segmentId) implements Condition {
        public SegmentRef {
            Objects.requireNonNull(segmentId, "segmentId");
        }
    }
}
