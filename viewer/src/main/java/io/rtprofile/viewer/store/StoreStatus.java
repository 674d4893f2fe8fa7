package io.rtprofile.viewer.store;

/**
 * How far the store is: profiles it holds, updates applied, updates skipped as older than the one
 * it had (a replay), and the latest event time it has seen (null before the first update).
 */
public record StoreStatus(
        long profiles, long updatesApplied, long staleSkipped, Long lastUpdatedAt) {}
