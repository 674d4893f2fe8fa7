package io.rtprofile.jobs.segments.definition;

import java.util.Objects;
import java.util.Optional;

/**
 * A value read from a profile at an instant, in the language of segment conditions: what a model
 * feature is (docs/models.md). Measures are compiled into the same plan as segments, so a feature
 * over the events of a window shares its aggregate, and the aggregate's state, with every segment
 * condition over the same events.
 */
public sealed interface Measure {

    /**
     * An aggregate over the profile's events in a window: {@code COUNT}, {@code SUM}, {@code AVG}
     * or {@code DISTINCT} (the number of distinct values, counted up to {@code cap}).
     */
    record EventAggregate(
            Optional<CelExpression> where, Window within, Aggregate aggregate, int cap)
            implements Measure {
        public EventAggregate {
            Objects.requireNonNull(where, "where");
            Objects.requireNonNull(within, "within");
            Objects.requireNonNull(aggregate, "aggregate");
            if (aggregate.function() == Aggregate.Function.MIN
                    || aggregate.function() == Aggregate.Function.MAX) {
                throw new IllegalArgumentException("min and max are not measures: " + aggregate);
            }
        }
    }

    /** Whether a segment condition holds (1) or not (0). */
    record Holds(Condition condition) implements Measure {
        public Holds {
            Objects.requireNonNull(condition, "condition");
        }
    }

    /** A CEL value over the profile: a number, a boolean, or a string (a category). */
    record ProfileValue(CelExpression expression) implements Measure {
        public ProfileValue {
            Objects.requireNonNull(expression, "expression");
        }
    }
}
