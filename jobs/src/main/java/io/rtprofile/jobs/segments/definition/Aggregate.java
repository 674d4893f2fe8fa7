package io.rtprofile.jobs.segments.definition;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link Condition.Events} condition computes over the matching events in its window.
 *
 * @param of the CEL expression over {@code event} that is summed, minimised, ...; empty for {@link
 *     Function#COUNT}
 */
public record Aggregate(Function function, Optional<CelExpression> of) {

    /** The aggregate functions; their YAML key is the lower-case name. */
    public enum Function {
        COUNT,
        SUM,
        MIN,
        MAX,
        AVG,
        DISTINCT;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Aggregate COUNT = new Aggregate(Function.COUNT, Optional.empty());

    public Aggregate {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(of, "of");
        if ((function == Function.COUNT) != of.isEmpty()) {
            throw new IllegalArgumentException(
                    "count takes no expression; every other aggregate takes one: " + function);
        }
    }
}
