package io.rtprofile.jobs.segments.definition;

import java.util.List;
import java.util.stream.Collectors;

/** Definitions were refused; {@link #problems()} lists every reason found, in file order. */
public final class SegmentDefinitionException extends Exception {

    private final List<SegmentProblem> problems;

    public SegmentDefinitionException(List<SegmentProblem> problems) {
        super(
                problems.size()
                        + " problem(s) in segment definitions:\n"
                        + problems.stream()
                                .map(SegmentProblem::toString)
                                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<SegmentProblem> problems() {
        return problems;
    }
}
