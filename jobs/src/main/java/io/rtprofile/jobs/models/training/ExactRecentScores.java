package io.rtprofile.jobs.models.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last two periods' scores, kept exactly: the replay of a bounded run publishes cut points that
 * do not depend on a sketch's random compaction, so the same file gives the same percentiles. Same
 * periods and thresholds as {@link ScoreQuantiles}.
 */
final class ExactRecentScores implements RecentScores {
    private final double[] ring = new double[(int) (2 * ScoreQuantiles.PERIOD)];
    private long count;

    @Override
    public void add(double score) {
        ring[(int) (count % ring.length)] = score;
        count++;
    }

    @Override
    public List<Double> cutPoints() {
        List<Double> cuts = new ArrayList<>(99);
        if (count < ScoreQuantiles.MIN_SCORES) {
            return cuts;
        }
        double[] sorted = Arrays.copyOf(ring, (int) Math.min(count, ring.length));
        Arrays.sort(sorted);
        for (int i = 1; i <= 99; i++) {
            // The smallest score with at least i% of the scores at or below it (inclusive rank).
            int index = (int) Math.ceil(i / 100.0 * sorted.length) - 1;
            cuts.add(sorted[Math.max(0, index)]);
        }
        return cuts;
    }
}
