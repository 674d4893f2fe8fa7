package io.rtprofile.local.definitions;

import io.rtprofile.jobs.segments.definition.DefinitionProblem;

import java.util.List;

/**
 * Definitions were refused by their kind's checks; {@link #problems()} lists every reason found, in
 * file order. One type for every kind, so that the tooling reports them the same way.
 */
public final class InvalidDefinitionsException extends Exception {

    private final List<DefinitionProblem> problems;

    public InvalidDefinitionsException(List<DefinitionProblem> problems, Throwable cause) {
        super(cause.getMessage(), cause);
        this.problems = List.copyOf(problems);
    }

    public List<DefinitionProblem> problems() {
        return problems;
    }
}
