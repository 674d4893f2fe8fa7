package io.rtprofile.jobs.segments.definition;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;

import java.util.stream.Collectors;

/**
 * The CEL environments of segment definitions, and the one place expressions are compiled.
 *
 * <p>{@code event} and {@code profile} are declared {@code map(string, dyn)}: the top-level field
 * names are checked as map keys, and everything below them is {@code dyn}, so {@code
 * event.properties.query.contains("sneaker")} and {@code profile.scores["m"].score > 0.5} check
 * while syntax errors, undeclared variables ({@code profile} in an event predicate), unknown
 * functions and provably wrong operand types ({@code 1 + "a"}) are refused at load. Declaring the
 * Avro shapes as CEL object types would catch misspelt fields too; the open-ended {@code
 * properties} and {@code attributes} maps would still be {@code dyn}.
 */
public final class SegmentCel {

    /** The variable of event predicates and aggregate expressions. */
    public static final String EVENT = "event";

    /** The variable of profile predicates. */
    public static final String PROFILE = "profile";

    private static final CelType DOCUMENT = MapType.create(SimpleType.STRING, SimpleType.DYN);

    private final Cel eventPredicates = build(EVENT, SimpleType.BOOL);
    private final Cel eventValues = build(EVENT, null);
    private final Cel profilePredicates = build(PROFILE, SimpleType.BOOL);
    private final Cel profileValues = build(PROFILE, null);

    private static Cel build(String variable, CelType resultType) {
        var builder =
                CelFactory.standardCelBuilder()
                        .setOptions(
                                // 129.9 > 100 must hold: JSON numbers come as int or double.
                                CelOptions.current()
                                        .enableHeterogeneousNumericComparisons(true)
                                        .build())
                        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                        .addVar(variable, DOCUMENT);
        if (resultType != null) {
            builder.setResultType(resultType);
        }
        return builder.build();
    }

    /** A boolean expression over {@code event} ({@code where}, sequence steps). */
    public CelExpression eventPredicate(String source) throws CelCompileException {
        return compile(eventPredicates, EVENT, source);
    }

    /** A value expression over {@code event} (what {@code sum}, {@code distinct}, ... take). */
    public CelExpression eventValue(String source) throws CelCompileException {
        return compile(eventValues, EVENT, source);
    }

    /** A boolean expression over {@code profile}. */
    public CelExpression profilePredicate(String source) throws CelCompileException {
        return compile(profilePredicates, PROFILE, source);
    }

    /** A value expression over {@code profile} (a model feature read from the profile). */
    public CelExpression profileValue(String source) throws CelCompileException {
        return compile(profileValues, PROFILE, source);
    }

    private static CelExpression compile(Cel cel, String variable, String source)
            throws CelCompileException {
        if (source.isBlank()) {
            throw new CelCompileException("empty expression");
        }
        CelValidationResult result = cel.compile(source);
        if (result.hasError()) {
            throw new CelCompileException(
                    result.getErrors().stream()
                            .map(SegmentCel::describe)
                            .collect(Collectors.joining("; ")));
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            CelRuntime.Program program = cel.createProgram(ast);
            return new CelExpression(source, variable, ast, program);
        } catch (dev.cel.common.CelValidationException | CelEvaluationException e) {
            throw new CelCompileException(e.getMessage());
        }
    }

    private static String describe(CelIssue issue) {
        var loc = issue.getSourceLocation();
        String message = issue.getMessage().replace(" (in container '')", "");
        if (loc.getLine() <= 0) {
            return message;
        }
        // CEL counts columns from 0; editors count from 1.
        String column = "column " + (loc.getColumn() + 1);
        return message
                + (loc.getLine() == 1
                        ? " (at " + column + ")"
                        : " (at line " + loc.getLine() + " of the expression, " + column + ")");
    }

    /** An expression that does not parse or type-check; the message is fit for the user. */
    public static final class CelCompileException extends Exception {
        CelCompileException(String message) {
            super(message);
        }
    }
}
