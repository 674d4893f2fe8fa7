package io.rtprofile.jobs.models.kmeans;

import io.rtprofile.schema.state.KMeansState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Streaming k-means over a fixed feature set: each point moves its nearest centroid towards it by 1
 * / (the cluster's weight), MacQueen's sequential k-means, so a centroid is the mean of the points
 * it has taken. Pure math over the model's {@link KMeansState} record, so it is tested by
 * hand-computed values and checkpointed as Avro.
 *
 * <p><b>Initialization.</b> The first {@code seedPoints} points are buffered in the state; then
 * k-means++ seeds drawn with {@code new Random(seed)} and Lloyd's iterations over the buffer place
 * the k centroids, each weighted by the buffered points it took, and the buffer is dropped. So the
 * same points in the same order give the same model. Until then there is no assignment. If the
 * buffer holds fewer than k distinct points, only points not in it yet are added until it does.
 *
 * <p><b>Scale.</b> Centroids are kept in the features' own units (they are published as they are).
 * Distances, with {@code standardize}, divide each feature by its running standard deviation, kept
 * in the state by Welford's algorithm, so that a count in thousands does not drown a tier from 0 to
 * 3. Rescaling changes only the metric, never a centroid, so the slow drift of the statistics does
 * not corrupt what the centroids have learned.
 *
 * <p><b>Forgetting.</b> With {@code decay} d &lt; 1, every update first multiplies all cluster
 * weights (and the weight behind the feature statistics) by d, so the model remembers about 1 / (1
 * − d) points and follows drift; at d = 1 it never forgets and converges. A cluster that stops
 * receiving points keeps its centroid while its weight fades, so the next point it takes moves it
 * far.
 */
public final class OnlineKMeans implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Lloyd's iterations over the seed buffer at initialization, at most. */
    static final int SEED_ITERATIONS = 100;

    /**
     * k clusters; forgetting factor per point in (0, 1]; points buffered before initialization (at
     * least k); the k-means++ seed; whether distances standardize the features.
     */
    public record Parameters(int k, double decay, int seedPoints, long seed, boolean standardize)
            implements Serializable {
        public Parameters {
            if (k < 1 || !(decay > 0 && decay <= 1) || seedPoints < k) {
                throw new IllegalArgumentException(
                        "k-means needs k >= 1, 0 < decay <= 1 and seedPoints >= k; got " + this);
            }
        }

        /** No forgetting, 20·k seed points, seed 0, standardized. */
        public static Parameters of(int k) {
            return new Parameters(k, 1.0, 20 * k, 0L, true);
        }
    }

    /** A point's cluster and its distance to the centroid (in standardized units if so). */
    public record Assignment(int cluster, double distance) {}

    private final Parameters parameters;

    public OnlineKMeans(Parameters parameters) {
        this.parameters = parameters;
    }

    public Parameters parameters() {
        return parameters;
    }

    /** A model over {@code features} (a point's coordinates, in order) that has seen nothing. */
    public static KMeansState emptyState(List<String> features) {
        List<Double> zeros = new ArrayList<>(features.size());
        for (int j = 0; j < features.size(); j++) {
            zeros.add(0.0);
        }
        return KMeansState.newBuilder()
                .setFeatures(new ArrayList<>(features))
                .setCentroids(new ArrayList<>())
                .setCounts(new ArrayList<>())
                .setFeatureMeans(new ArrayList<>(zeros))
                .setFeatureSquares(new ArrayList<>(zeros))
                .setStatisticsWeight(0)
                .setSeeds(new ArrayList<>())
                .setExamples(0)
                .build();
    }

    /** Whether the centroids exist (the seed buffer has been used). */
    public static boolean initialized(KMeansState state) {
        return !state.getCentroids().isEmpty();
    }

    /** The nearest centroid to {@code x}, or empty before initialization. Does not learn. */
    public Optional<Assignment> assign(KMeansState state, double[] x) {
        checkDimensions(state, x);
        if (!initialized(state)) {
            return Optional.empty();
        }
        return Optional.of(nearest(state, x, scale(state)));
    }

    /**
     * Learns from one point in place.
     *
     * @return the point's cluster and its distance to that centroid before it moved, or empty while
     *     the seed buffer fills (the point that completes it gets its assignment)
     */
    public Optional<Assignment> update(KMeansState state, double[] x) {
        checkDimensions(state, x);
        state.setExamples(state.getExamples() + 1);
        updateStatistics(state, x);
        if (!initialized(state)) {
            List<List<Double>> seeds = state.getSeeds();
            List<Double> point = toList(x);
            if (seeds.size() < parameters.seedPoints() || !seeds.contains(point)) {
                seeds.add(point);
            }
            if (seeds.size() >= parameters.seedPoints() && distinct(seeds) >= parameters.k()) {
                initialize(state);
                return assign(state, x);
            }
            return Optional.empty();
        }
        Assignment assignment = nearest(state, x, scale(state));
        List<Double> counts = state.getCounts();
        if (parameters.decay() < 1) {
            for (int c = 0; c < counts.size(); c++) {
                counts.set(c, counts.get(c) * parameters.decay());
            }
        }
        int c = assignment.cluster();
        double weight = counts.get(c) + 1;
        counts.set(c, weight);
        List<Double> centroid = state.getCentroids().get(c);
        for (int j = 0; j < x.length; j++) {
            double value = centroid.get(j);
            centroid.set(j, value + (x[j] - value) / weight);
        }
        return Optional.of(assignment);
    }

    /** The centroids in the features' units (k rows; none before initialization). */
    public static double[][] centroids(KMeansState state) {
        double[][] centroids = new double[state.getCentroids().size()][];
        for (int c = 0; c < centroids.length; c++) {
            centroids[c] = toArray(state.getCentroids().get(c));
        }
        return centroids;
    }

    /** The weight of each cluster: the points it took, decayed. */
    public static double[] sizes(KMeansState state) {
        return toArray(state.getCounts());
    }

    /** What each feature is multiplied by in a distance: 1 / its running deviation, or 1. */
    public double[] scale(KMeansState state) {
        int dims = state.getFeatures().size();
        if (!parameters.standardize() || state.getStatisticsWeight() <= 0) {
            return BatchKMeans.ones(dims);
        }
        double[] scale = new double[dims];
        for (int j = 0; j < dims; j++) {
            scale[j] =
                    BatchKMeans.inverseDeviation(
                            state.getFeatureSquares().get(j) / state.getStatisticsWeight());
        }
        return scale;
    }

    private Assignment nearest(KMeansState state, double[] x, double[] scale) {
        List<List<Double>> centroids = state.getCentroids();
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.size(); c++) {
            List<Double> centroid = centroids.get(c);
            double d = 0;
            for (int j = 0; j < x.length; j++) {
                double diff = (x[j] - centroid.get(j)) * scale[j];
                d += diff * diff;
            }
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return new Assignment(best, Math.sqrt(bestDistance));
    }

    /** Welford's running mean and M2, with every earlier point's weight multiplied by decay. */
    private void updateStatistics(KMeansState state, double[] x) {
        double weight = state.getStatisticsWeight() * parameters.decay() + 1;
        state.setStatisticsWeight(weight);
        List<Double> means = state.getFeatureMeans();
        List<Double> squares = state.getFeatureSquares();
        for (int j = 0; j < x.length; j++) {
            double mean = means.get(j);
            double delta = x[j] - mean;
            double next = mean + delta / weight;
            means.set(j, next);
            squares.set(j, squares.get(j) * parameters.decay() + delta * (x[j] - next));
        }
    }

    private void initialize(KMeansState state) {
        double[][] points = new double[state.getSeeds().size()][];
        for (int i = 0; i < points.length; i++) {
            points[i] = toArray(state.getSeeds().get(i));
        }
        double[] scale = scale(state);
        double[][] scaled = BatchKMeans.scaled(points, scale);
        double[][] centroids =
                BatchKMeans.kMeansPlusPlus(scaled, parameters.k(), new Random(parameters.seed()));
        int[] labels = BatchKMeans.lloyd(scaled, centroids, SEED_ITERATIONS);
        double[][] unscaled = BatchKMeans.unscaled(centroids, scale);
        List<List<Double>> stateCentroids = new ArrayList<>();
        List<Double> counts = new ArrayList<>();
        for (double[] centroid : unscaled) {
            stateCentroids.add(toList(centroid));
            counts.add(0.0);
        }
        for (int label : labels) {
            counts.set(label, counts.get(label) + 1);
        }
        state.setCentroids(stateCentroids);
        state.setCounts(counts);
        state.setSeeds(new ArrayList<>());
    }

    private static void checkDimensions(KMeansState state, double[] x) {
        if (x.length != state.getFeatures().size()) {
            throw new IllegalArgumentException(
                    "k-means over "
                            + state.getFeatures()
                            + " needs "
                            + state.getFeatures().size()
                            + " coordinates; got "
                            + x.length);
        }
    }

    private static int distinct(List<List<Double>> points) {
        Set<List<Double>> distinct = new HashSet<>(points);
        return distinct.size();
    }

    private static List<Double> toList(double[] x) {
        List<Double> list = new ArrayList<>(x.length);
        for (double v : x) {
            list.add(v);
        }
        return list;
    }

    private static double[] toArray(List<Double> list) {
        double[] x = new double[list.size()];
        for (int j = 0; j < x.length; j++) {
            x[j] = list.get(j);
        }
        return x;
    }
}
