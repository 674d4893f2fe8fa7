package io.rtprofile.jobs.segments.definition;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.runtime.CelRuntime;

import java.util.Objects;

/**
 * A CEL expression compiled and type-checked once at load, with its program ready to evaluate.
 *
 * <p>Not {@code Serializable}: CEL's AST and program are not. Code that ships definitions to
 * operators ships {@link #source()} (or the whole definition text) and compiles again with {@link
 * SegmentCel} in {@code open()}.
 *
 * @param variable the one variable in scope: {@code event} or {@code profile}
 */
public record CelExpression(
        String source, String variable, CelAbstractSyntaxTree ast, CelRuntime.Program program) {

    public CelExpression {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(variable, "variable");
        Objects.requireNonNull(ast, "ast");
        Objects.requireNonNull(program, "program");
    }

    @Override
    public boolean equals(Object o) {
        // Two compilations of the same text are the same expression.
        return o instanceof CelExpression other
                && source.equals(other.source)
                && variable.equals(other.variable);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, variable);
    }

    @Override
    public String toString() {
        return source;
    }
}
