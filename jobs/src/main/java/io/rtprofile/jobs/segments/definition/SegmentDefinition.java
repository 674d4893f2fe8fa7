package io.rtprofile.jobs.segments.definition;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One segment: who qualifies ({@link #condition()}), under a stable {@link #id()} that keys the
 * {@code segment-definitions} topic and the profile's {@code segments} map (contract section 5).
 *
 * <p>Instances come from {@link SegmentDefinitions}, which has compiled every CEL expression in the
 * condition tree; they are immutable but not {@code Serializable} (the compiled CEL programs are
 * not), so operators should ship the source text and recompile in {@code open()}.
 */
public record SegmentDefinition(String id, String name, Condition condition) {

    /**
     * The id grammar of the contract: lower-case letters, digits and dashes, not starting with a
     * dash.
     */
    public static final Pattern ID_PATTERN = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public SegmentDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(condition, "condition");
        if (!ID_PATTERN.matcher(id).matches()) {
            throw new IllegalArgumentException("segment id must match " + ID_PATTERN + ": " + id);
        }
    }
}
