package io.rtprofile.jobs.models.quality;

import java.util.Arrays;

/**
 * The area under the ROC curve of scores against binary labels, by the rank statistic (Mann-Whitney
 * U): the probability that a random positive scores above a random negative, a tie counting one
 * half. Sorting makes it O(n log n); tied scores share their mean rank, which is what counts a tied
 * positive-negative pair as one half.
 */
public final class Auc {
    private Auc() {}

    /**
     * The AUC of {@code scores} (any monotone score: probabilities, log-odds) for {@code labels}.
     *
     * @throws IllegalArgumentException if the arrays differ in length, a score is NaN, or the
     *     labels are all of one class (the AUC is undefined)
     */
    public static double of(double[] scores, boolean[] labels) {
        int n = scores.length;
        if (labels.length != n) {
            throw new IllegalArgumentException(
                    "AUC needs one label per score; got " + n + " scores, " + labels.length);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("AUC of a NaN score (index " + i + ")");
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        long positives = 0;
        double positiveRankSum = 0;
        int i = 0;
        while (i < n) {
            // A run of equal scores, ranks i+1..j (1-based), all get the mean rank.
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double meanRank = (i + 1 + j + 1) / 2.0;
            for (int r = i; r <= j; r++) {
                if (labels[order[r]]) {
                    positives++;
                    positiveRankSum += meanRank;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException(
                    "AUC is undefined with "
                            + positives
                            + " positives and "
                            + negatives
                            + " negatives");
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double) positives * negatives);
    }
}
