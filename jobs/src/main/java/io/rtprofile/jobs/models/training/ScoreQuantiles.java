package io.rtprofile.jobs.models.training;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

import java.util.ArrayList;
import java.util.List;

/**
 * The distribution of one model's recent scores, for percentiles: two KLL sketches (Apache
 * DataSketches; about 1.7% rank error at k = 200), the current period's and the previous one's. A
 * period ends after {@link #PERIOD} scores; percentiles are over both sketches, so they follow the
 * scores of the last one to two periods rather than of all time.
 */
final class ScoreQuantiles implements RecentScores {

    /** Scores per period. */
    static final long PERIOD = 20_000;

    private static final int K = 200;

    /** Ranks of the published cut points: the 1st to the 99th percentile. */
    private static final double[] RANKS = new double[99];

    static {
        for (int i = 0; i < RANKS.length; i++) {
            RANKS[i] = (i + 1) / 100.0;
        }
    }

    /** Scores needed before cut points are published: fewer would not rank anything well. */
    static final long MIN_SCORES = 200;

    private KllDoublesSketch current;
    private KllDoublesSketch previous;

    ScoreQuantiles() {
        this.current = KllDoublesSketch.newHeapInstance(K);
    }

    static ScoreQuantiles restore(byte[] current, byte[] previous) {
        ScoreQuantiles q = new ScoreQuantiles();
        q.current = KllDoublesSketch.heapify(Memory.wrap(current));
        q.previous = previous == null ? null : KllDoublesSketch.heapify(Memory.wrap(previous));
        return q;
    }

    @Override
    public void add(double score) {
        if (current.getN() >= PERIOD) {
            previous = current;
            current = KllDoublesSketch.newHeapInstance(K);
        }
        current.update(score);
    }

    @Override
    public List<Double> cutPoints() {
        KllDoublesSketch all = KllDoublesSketch.newHeapInstance(K);
        all.merge(current);
        if (previous != null) {
            all.merge(previous);
        }
        List<Double> cuts = new ArrayList<>(RANKS.length);
        if (all.getN() < MIN_SCORES) {
            return cuts;
        }
        for (double q : all.getQuantiles(RANKS, QuantileSearchCriteria.INCLUSIVE)) {
            cuts.add(q);
        }
        return cuts;
    }

    byte[] currentBytes() {
        return current.toByteArray();
    }

    byte[] previousBytes() {
        return previous == null ? null : previous.toByteArray();
    }
}
