package io.rtprofile.viewer.store;

/**
 * One bucket of a segment's history, by event time: the net change of its population (members added
 * minus members removed, whether by exit, merge or erasure) and the transitions reported in it. The
 * population at the end of a bucket is the sum of the changes up to it.
 */
public record HistoryBucket(long start, long populationChange, long realized, long exited) {}
