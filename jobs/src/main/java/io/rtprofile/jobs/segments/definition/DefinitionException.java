package io.rtprofile.jobs.segments.definition;

import java.util.List;
import java.util.stream.Collectors;

/** Definitions were refused; {@link #problems()} lists every reason found, in file order. */
public abstract class DefinitionException extends Exception {

    private final List<DefinitionProblem> problems;

    /**
     * @param kind what was refused, for the message: "segment", "model"
     */
    protected DefinitionException(String kind, List<DefinitionProblem> problems) {
        super(
                problems.size()
                        + " problem(s) in "
                        + kind
                        + " definitions:\n"
                        + problems.stream()
                                .map(DefinitionProblem::toString)
                                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<DefinitionProblem> problems() {
        return problems;
    }
}
