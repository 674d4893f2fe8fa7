package io.rtprofile.viewer.store;

import java.util.List;

/**
 * What one profile update changed, against the update before it: the "recent changes" of a profile.
 * Computed when the update is applied, since the topic keeps only the latest update of a profile
 * (compaction) and a support person asks "what happened to this customer".
 */
public record ProfileChange(
        long version,
        long updatedAt,
        List<AttributeChange> attributes,
        List<IdentityRef> identitiesAdded,
        List<SegmentTransition> segments,
        List<ScoreChange> scores) {

    /** An attribute's value before and after; {@code from} null when new, {@code to} when gone. */
    public record AttributeChange(String name, Object from, Object to) {}

    public record IdentityRef(String namespace, String id) {}

    /** A reported transition: {@code realized} or {@code exited}, at its event time. */
    public record SegmentTransition(String segmentId, String status, long at) {}

    /** A model's score before and after; {@code from} null on the first score. */
    public record ScoreChange(String modelId, Double from, Double to) {}

    boolean isEmpty() {
        return attributes.isEmpty()
                && identitiesAdded.isEmpty()
                && segments.isEmpty()
                && scores.isEmpty();
    }
}
