package io.rtprofile.jobs.models.quality;

import java.util.HashMap;
import java.util.Map;

/**
 * The adjusted Rand index of two clusterings of the same items (Hubert and Arabie 1985): the share
 * of item pairs on which they agree (both together or both apart), corrected for chance so that
 * random labelings score about 0 and identical ones (up to renaming the clusters) score 1. It can
 * be negative. Cluster labels are arbitrary ints; they need not be dense or shared.
 *
 * <pre>
 * ARI = (Σ_ij C(n_ij,2) − E) / (½(Σ_i C(a_i,2) + Σ_j C(b_j,2)) − E),
 * E   = Σ_i C(a_i,2) · Σ_j C(b_j,2) / C(n,2)
 * </pre>
 *
 * over the contingency table n_ij and its row and column sums a_i and b_j. When the denominator is
 * zero (both clusterings put everything in one cluster, or everything apart) the two agree on every
 * pair and the index is 1, as in scikit-learn.
 */
public final class AdjustedRandIndex {
    private AdjustedRandIndex() {}

    public static double of(int[] a, int[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "ARI compares clusterings of the same items; got "
                            + a.length
                            + " and "
                            + b.length
                            + " labels");
        }
        int n = a.length;
        Map<Long, Long> cells = new HashMap<>();
        Map<Integer, Long> rows = new HashMap<>();
        Map<Integer, Long> columns = new HashMap<>();
        for (int i = 0; i < n; i++) {
            cells.merge(((long) a[i] << 32) | (b[i] & 0xffffffffL), 1L, Long::sum);
            rows.merge(a[i], 1L, Long::sum);
            columns.merge(b[i], 1L, Long::sum);
        }
        double index = 0;
        for (long c : cells.values()) {
            index += pairs(c);
        }
        double rowPairs = 0;
        for (long c : rows.values()) {
            rowPairs += pairs(c);
        }
        double columnPairs = 0;
        for (long c : columns.values()) {
            columnPairs += pairs(c);
        }
        double expected = n < 2 ? 0 : rowPairs * columnPairs / pairs(n);
        double max = (rowPairs + columnPairs) / 2;
        if (max == expected) {
            return 1.0;
        }
        return (index - expected) / (max - expected);
    }

    private static double pairs(long count) {
        return count * (count - 1) / 2.0;
    }
}
