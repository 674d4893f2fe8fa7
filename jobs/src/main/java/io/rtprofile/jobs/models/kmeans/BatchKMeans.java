package io.rtprofile.jobs.models.kmeans;

import java.util.Arrays;
import java.util.Random;

/**
 * Batch k-means (Lloyd's algorithm from k-means++ seeds, Arthur and Vassilvitskii 2007): the
 * offline baseline {@link OnlineKMeans} is measured against, and what {@link OnlineKMeans} runs
 * over its seed buffer to place its first centroids.
 *
 * <p>Distances are Euclidean after multiplying feature j by a scale s_j; with standardization s_j =
 * 1 / (standard deviation of feature j over the points), so a feature in thousands and one in
 * fractions weigh alike. Centroids are returned in the features' own units.
 */
public final class BatchKMeans {
    private BatchKMeans() {}

    /**
     * Centroids in the features' units, the scale of each feature in distances, each fitted point's
     * cluster, and the within-cluster sum of squared scaled distances.
     */
    public record Result(double[][] centroids, double[] scale, int[] labels, double inertia) {
        /** The nearest centroid of each of {@code points}, under the fit's scaling. */
        public int[] assign(double[][] points) {
            return BatchKMeans.assign(centroids, points, scale);
        }
    }

    /**
     * The best of {@code restarts} runs (lowest inertia), each from k-means++ seeds drawn with
     * {@code new Random(seed + run)} and iterated until no point changes cluster or {@code
     * maxIterations}.
     *
     * @throws IllegalArgumentException if there are fewer than k distinct points
     */
    public static Result fit(
            double[][] points,
            int k,
            boolean standardize,
            int restarts,
            int maxIterations,
            long seed) {
        if (k < 1 || restarts < 1 || maxIterations < 1 || points.length < k) {
            throw new IllegalArgumentException(
                    "k-means needs k, restarts, maxIterations >= 1 and at least k points");
        }
        double[] scale = standardize ? standardScale(points) : ones(points[0].length);
        double[][] scaled = scaled(points, scale);
        Result best = null;
        for (int run = 0; run < restarts; run++) {
            double[][] centroids = kMeansPlusPlus(scaled, k, new Random(seed + run));
            int[] labels = lloyd(scaled, centroids, maxIterations);
            double inertia = 0;
            for (int i = 0; i < scaled.length; i++) {
                inertia += squaredDistance(scaled[i], centroids[labels[i]]);
            }
            if (best == null || inertia < best.inertia()) {
                best = new Result(unscaled(centroids, scale), scale, labels, inertia);
            }
        }
        return best;
    }

    /** The nearest of {@code centroids} (features' units) to {@code x} under {@code scale}. */
    static int nearest(double[][] centroids, double[] x, double[] scale) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double d = 0;
            for (int j = 0; j < x.length; j++) {
                double diff = (x[j] - centroids[c][j]) * scale[j];
                d += diff * diff;
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    static int[] assign(double[][] centroids, double[][] points, double[] scale) {
        int[] labels = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            labels[i] = nearest(centroids, points[i], scale);
        }
        return labels;
    }

    /** k-means++: the first seed uniform, each next one with probability ∝ D² to the nearest. */
    static double[][] kMeansPlusPlus(double[][] points, int k, Random random) {
        int n = points.length;
        double[][] centroids = new double[k][];
        centroids[0] = points[random.nextInt(n)].clone();
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d2[i] = squaredDistance(points[i], centroids[0]);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double d : d2) {
                total += d;
            }
            if (!(total > 0)) {
                throw new IllegalArgumentException(
                        "k-means needs at least k = " + k + " distinct points; got " + c);
            }
            double target = random.nextDouble() * total;
            int chosen = -1;
            for (int i = 0; i < n; i++) {
                if (d2[i] > 0) {
                    chosen = i;
                    target -= d2[i];
                    if (target < 0) {
                        break;
                    }
                }
            }
            centroids[c] = points[chosen].clone();
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], squaredDistance(points[i], centroids[c]));
            }
        }
        return centroids;
    }

    /**
     * Lloyd's iterations in place over {@code centroids}: assign, move each centroid to its mean (a
     * cluster left empty keeps its centroid), until stable.
     *
     * @return each point's cluster
     */
    static int[] lloyd(double[][] points, double[][] centroids, int maxIterations) {
        int n = points.length;
        int k = centroids.length;
        int dims = centroids[0].length;
        double[] ones = ones(dims);
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int c = nearest(centroids, points[i], ones);
                if (c != labels[i]) {
                    labels[i] = c;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            double[][] sums = new double[k][dims];
            int[] sizes = new int[k];
            for (int i = 0; i < n; i++) {
                sizes[labels[i]]++;
                for (int j = 0; j < dims; j++) {
                    sums[labels[i]][j] += points[i][j];
                }
            }
            for (int c = 0; c < k; c++) {
                if (sizes[c] > 0) {
                    for (int j = 0; j < dims; j++) {
                        centroids[c][j] = sums[c][j] / sizes[c];
                    }
                }
            }
        }
        return labels;
    }

    /** 1 / the population standard deviation of each feature (1 for a constant feature). */
    static double[] standardScale(double[][] points) {
        int dims = points[0].length;
        double[] scale = new double[dims];
        for (int j = 0; j < dims; j++) {
            double mean = 0;
            for (double[] p : points) {
                mean += p[j];
            }
            mean /= points.length;
            double squares = 0;
            for (double[] p : points) {
                squares += (p[j] - mean) * (p[j] - mean);
            }
            scale[j] = inverseDeviation(squares / points.length);
        }
        return scale;
    }

    /** 1 / √variance, or 1 where the variance is (numerically) zero. */
    static double inverseDeviation(double variance) {
        return variance > 1e-24 ? 1 / Math.sqrt(variance) : 1;
    }

    static double squaredDistance(double[] a, double[] b) {
        double d = 0;
        for (int j = 0; j < a.length; j++) {
            d += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return d;
    }

    static double[][] scaled(double[][] points, double[] scale) {
        double[][] scaled = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            scaled[i] = new double[scale.length];
            for (int j = 0; j < scale.length; j++) {
                scaled[i][j] = points[i][j] * scale[j];
            }
        }
        return scaled;
    }

    static double[][] unscaled(double[][] points, double[] scale) {
        double[][] unscaled = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            unscaled[i] = new double[scale.length];
            for (int j = 0; j < scale.length; j++) {
                unscaled[i][j] = points[i][j] / scale[j];
            }
        }
        return unscaled;
    }

    static double[] ones(int dims) {
        double[] ones = new double[dims];
        Arrays.fill(ones, 1);
        return ones;
    }
}
