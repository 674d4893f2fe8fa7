package io.rtprofile.jobs.segments.definition;

import java.util.List;

/** Segment definitions were refused, with every reason found. */
public final class SegmentDefinitionException extends DefinitionException {

    public SegmentDefinitionException(List<DefinitionProblem> problems) {
        super("segment", problems);
    }
}
