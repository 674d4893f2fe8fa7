package io.rtprofile.viewer.store;

/**
 * The scores of one model over the profiles that have one: count, mean, and a histogram of {@link
 * #BUCKETS} equal buckets over [0, 1] (scores outside it fall into the end buckets).
 */
public record ScoreDistribution(String modelId, long profiles, double mean, long[] buckets) {
    public static final int BUCKETS = 20;

    static int bucketOf(double score) {
        if (!(score > 0)) {
            return 0; // also NaN
        }
        return Math.min(BUCKETS - 1, (int) (score * BUCKETS));
    }
}
