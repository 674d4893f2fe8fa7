package io.rtprofile.viewer.store;

/**
 * A segment's audience as the store has seen it: members now, and the transitions reported since
 * the store began (realized and exited counts from the updates' segment changes).
 */
public record SegmentCounts(String segmentId, long population, long realized, long exited) {}
