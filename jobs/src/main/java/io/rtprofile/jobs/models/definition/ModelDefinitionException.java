package io.rtprofile.jobs.models.definition;

import io.rtprofile.jobs.segments.definition.DefinitionProblem;

import java.util.List;
import java.util.stream.Collectors;

/** Model definitions were refused; {@link #problems()} lists every reason found, in file order. */
public final class ModelDefinitionException extends Exception {

    private final List<DefinitionProblem> problems;

    public ModelDefinitionException(List<DefinitionProblem> problems) {
        super(
                problems.size()
                        + " problem(s) in model definitions:\n"
                        + problems.stream()
                                .map(DefinitionProblem::toString)
                                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<DefinitionProblem> problems() {
        return problems;
    }
}
