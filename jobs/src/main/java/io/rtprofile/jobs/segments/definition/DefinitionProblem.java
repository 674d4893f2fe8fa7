package io.rtprofile.jobs.segments.definition;

import java.util.Objects;

/**
 * Why a definition (of a segment or a model) was refused, and where.
 *
 * @param file the file as the user named it (or the origin of text that came from elsewhere)
 * @param line 1-based; 0 when the problem is about the file as a whole
 */
public record DefinitionProblem(String file, int line, String reason) {

    public DefinitionProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code file:line: reason}, the form compilers use, so editors can jump to it. */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason;
    }
}
