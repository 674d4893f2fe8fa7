package io.rtprofile.jobs.segments.definition;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The test an aggregate must pass, written {@code ">= 1"}, {@code "> 500"}, {@code "!= 0"}, ... */
public record Comparison(Operator operator, BigDecimal threshold) {

    /** Comparison operators, with their symbol. */
    public enum Operator {
        GE(">="),
        GT(">"),
        EQ("=="),
        NE("!="),
        LE("<="),
        LT("<");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /** What an {@code events} condition means when it gives no comparison: at least one event. */
    public static final Comparison AT_LEAST_ONE = new Comparison(Operator.GE, BigDecimal.ONE);

    private static final Pattern SYNTAX =
            Pattern.compile(
                    "\\s*(>=|<=|==|!=|>|<)\\s*([-+]?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\\s*");

    public Comparison {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(threshold, "threshold");
    }

    /**
     * Parses {@code "<op> <number>"}.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static Comparison parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "bad comparison '"
                            + text
                            + "': expected an operator (>=, >, ==, !=, <=, <) and a number,"
                            + " e.g. \">= 1\"");
        }
        Operator op = null;
        for (Operator candidate : Operator.values()) {
            if (candidate.symbol.equals(m.group(1))) {
                op = candidate;
            }
        }
        return new Comparison(op, new BigDecimal(m.group(2)));
    }

    /** Whether {@code value} passes; the caller handles "no value" (false, contract section 5). */
    public boolean test(double value) {
        // Primitive comparisons: -0.0 equals 0, and NaN passes nothing.
        double t = threshold.doubleValue();
        return switch (operator) {
            case GE -> value >= t;
            case GT -> value > t;
            case EQ -> value == t;
            case NE -> value != t && !Double.isNaN(value);
            case LE -> value <= t;
            case LT -> value < t;
        };
    }

    @Override
    public String toString() {
        return operator.symbol + " " + threshold.toPlainString();
    }
}
