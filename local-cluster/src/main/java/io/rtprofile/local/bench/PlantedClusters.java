package io.rtprofile.local.bench;

import java.util.SplittableRandom;

/**
 * Points from k = 4 planted Gaussian clusters in 4 dimensions whose scales differ by up to 10⁴,
 * with the label of the cluster each came from: what online k-means should recover.
 *
 * <p>In unit space the centers are (0,0,0,0), (3,3,0,0), (0,3,3,0) and (3,0,3,3): every pair is 4.2
 * to 5.2 apart; the clusters take 40%, 30%, 20% and 10% of the points, with isotropic deviations
 * 1.0, 0.8, 1.2 and 0.7, so they overlap a little and even the planted model cannot label every
 * point right. Dimension j is then multiplied by {@link #SCALES}[j] and shifted by {@link
 * #OFFSETS}[j], like features in different units (a tier, a count, a rate, an amount).
 */
public final class PlantedClusters {
    public static final int K = 4;
    static final double[][] CENTERS = {{0, 0, 0, 0}, {3, 3, 0, 0}, {0, 3, 3, 0}, {3, 0, 3, 3}};
    static final double[] WEIGHTS = {0.4, 0.3, 0.2, 0.1};
    static final double[] DEVIATIONS = {1.0, 0.8, 1.2, 0.7};
    static final double[] SCALES = {1, 10, 0.1, 1000};
    static final double[] OFFSETS = {2, 50, 0.5, 5000};

    /** The points and the cluster each was drawn from. */
    public record Sample(double[][] points, int[] labels) {}

    private PlantedClusters() {}

    public static int dimensions() {
        return SCALES.length;
    }

    /** {@code n} points from {@code seed}; the same arguments give the same points. */
    public static Sample draw(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] points = new double[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            int c = 0;
            while (c < K - 1 && (u -= WEIGHTS[c]) >= 0) {
                c++;
            }
            labels[i] = c;
            points[i] = new double[SCALES.length];
            for (int j = 0; j < SCALES.length; j++) {
                double unit = CENTERS[c][j] + DEVIATIONS[c] * random.nextGaussian();
                points[i][j] = OFFSETS[j] + SCALES[j] * unit;
            }
        }
        return new Sample(points, labels);
    }

    /**
     * The most probable planted cluster of each point under the true mixture (the Bayes
     * classifier): the best labeling any clustering can hope for.
     */
    public static int[] plantedModelLabels(double[][] points) {
        int[] labels = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < K; c++) {
                double squares = 0;
                for (int j = 0; j < SCALES.length; j++) {
                    double unit = (points[i][j] - OFFSETS[j]) / SCALES[j];
                    squares += (unit - CENTERS[c][j]) * (unit - CENTERS[c][j]);
                }
                double logDensity =
                        Math.log(WEIGHTS[c])
                                - SCALES.length * Math.log(DEVIATIONS[c])
                                - squares / (2 * DEVIATIONS[c] * DEVIATIONS[c]);
                if (logDensity > best) {
                    best = logDensity;
                    labels[i] = c;
                }
            }
        }
        return labels;
    }
}
