package io.rtprofile.jobs.models.definition;

import io.rtprofile.jobs.segments.definition.DefinitionException;
import io.rtprofile.jobs.segments.definition.DefinitionProblem;

import java.util.List;

/** Model definitions were refused, with every reason found. */
public final class ModelDefinitionException extends DefinitionException {

    public ModelDefinitionException(List<DefinitionProblem> problems) {
        super("model", problems);
    }
}
