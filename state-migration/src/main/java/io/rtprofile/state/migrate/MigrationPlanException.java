package io.rtprofile.state.migrate;

import io.rtprofile.jobs.segments.definition.DefinitionProblem;

import java.util.List;
import java.util.stream.Collectors;

/** A migration plan that cannot be applied: every problem, each with its file and line. */
public final class MigrationPlanException extends Exception {
    private final List<DefinitionProblem> problems;

    public MigrationPlanException(List<DefinitionProblem> problems) {
        super(problems.stream().map(DefinitionProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<DefinitionProblem> problems() {
        return problems;
    }
}
