package io.rtprofile.viewer.store;

/** A member of a segment, and since when (the membership's {@code since}, event time). */
public record SegmentMember(String profileId, long since) {}
