package io.rtprofile.jobs.segments.definition;

import java.util.List;
import java.util.stream.Collectors;

/** Definitions were refused; {@link #problems()} lists every reason found, in file order. */
public final class SegmentDefinitionException extends Exception {

    private final List<DefinitionProblem> problems;

    public SegmentDefinitionException(List<DefinitionProblem> problems) {
        super(
                problems.size()
                        + " problem(s) in segment definitions:\n"
                        + problems.stream()
                                .map(DefinitionProblem::toString)
                                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<DefinitionProblem> problems() {
        return problems;
    }
}
