package io.rtprofile.jobs.models.kmeans;

import io.rtprofile.jobs.models.quality.AdjustedRandIndex;
import io.rtprofile.schema.state.KMeansState;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OnlineKMeansTest {
    private static final double EPS = 1e-12;

    @Test
    void eachPointMovesItsNearestCentroidToTheMeanOfItsPoints() {
        OnlineKMeans kMeans = new OnlineKMeans(new OnlineKMeans.Parameters(2, 1.0, 2, 0, false));
        KMeansState state = OnlineKMeans.emptyState(List.of("x", "y"));

        assertThat(kMeans.update(state, new double[] {0, 0})).isEmpty();
        assertThat(kMeans.assign(state, new double[] {0, 0})).isEmpty();
        // The second point completes the seed buffer: the two points are the two centroids.
        OnlineKMeans.Assignment ten = kMeans.update(state, new double[] {10, 0}).orElseThrow();
        assertThat(ten.distance()).isEqualTo(0.0);
        assertThat(state.getSeeds()).isEmpty();
        int far = ten.cluster();
        int near = 1 - far;
        assertThat(OnlineKMeans.sizes(state)).containsExactly(1.0, 1.0);

        // (2, 0) is 2 from (0, 0): weight 2, centroid (0 + (2 - 0) / 2) = (1, 0).
        OnlineKMeans.Assignment two = kMeans.update(state, new double[] {2, 0}).orElseThrow();
        assertThat(two.cluster()).isEqualTo(near);
        assertThat(two.distance()).isCloseTo(2, within(EPS));
        assertThat(OnlineKMeans.centroids(state)[near]).containsExactly(1.0, 0.0);
        // (4, 3) is √(9 + 9) from (1, 0): weight 3, centroid (1 + 3/3, 0 + 3/3) = (2, 1),
        // the mean of (0, 0), (2, 0), (4, 3).
        OnlineKMeans.Assignment four = kMeans.update(state, new double[] {4, 3}).orElseThrow();
        assertThat(four.cluster()).isEqualTo(near);
        assertThat(four.distance()).isCloseTo(Math.sqrt(18), within(EPS));
        assertThat(OnlineKMeans.centroids(state)[near]).containsExactly(2.0, 1.0);
        assertThat(OnlineKMeans.centroids(state)[far]).containsExactly(10.0, 0.0);
        assertThat(OnlineKMeans.sizes(state)[near]).isEqualTo(3.0);
        assertThat(state.getExamples()).isEqualTo(4);

        // assign does not learn.
        assertThat(kMeans.assign(state, new double[] {9, 0}).orElseThrow().cluster())
                .isEqualTo(far);
        assertThat(OnlineKMeans.centroids(state)[far]).containsExactly(10.0, 0.0);
    }

    @Test
    void theScaleIsTheInverseRunningStandardDeviation() {
        OnlineKMeans kMeans = new OnlineKMeans(new OnlineKMeans.Parameters(1, 1.0, 10, 0, true));
        KMeansState state = OnlineKMeans.emptyState(List.of("a", "b", "constant"));
        double[][] points = {{1, 100, 5}, {2, 300, 5}, {3, 200, 5}, {6, 400, 5}};
        for (double[] p : points) {
            kMeans.update(state, p);
        }
        // a: mean 3, squares 4+1+0+9 = 14, variance 3.5; b: mean 250, variance 12500.
        double[] scale = kMeans.scale(state);
        assertThat(scale[0]).isCloseTo(1 / Math.sqrt(3.5), within(EPS));
        assertThat(scale[1]).isCloseTo(1 / Math.sqrt(12500), within(EPS));
        assertThat(scale[2]).isEqualTo(1.0);
        assertThat(state.getFeatureMeans()).containsExactly(3.0, 250.0, 5.0);
    }

    @Test
    void standardizingFindsClustersThatALargeScaleFeatureWouldHide() {
        // Two clusters apart in `small` (0 or 1, noise 0.1); `large` is noise in thousands.
        Random random = new Random(1);
        int n = 5_000;
        double[][] points = new double[n][];
        int[] planted = new int[n];
        for (int i = 0; i < n; i++) {
            planted[i] = random.nextInt(2);
            points[i] =
                    new double[] {
                        planted[i] + 0.1 * random.nextGaussian(), 1000 * random.nextGaussian()
                    };
        }
        assertThat(ari(stream(points, 2, true), points, planted)).isGreaterThan(0.95);
        assertThat(ari(stream(points, 2, false), points, planted)).isLessThan(0.1);
    }

    @Test
    void recoversPlantedClustersLikeBatchKMeans() {
        Random random = new Random(2);
        double[][] centers = {{0, 0, 0}, {6, 0, 0}, {0, 60, 0}, {0, 0, 0.6}};
        double[] spread = {1, 10, 0.1};
        int n = 20_000;
        double[][] points = new double[n][3];
        int[] planted = new int[n];
        for (int i = 0; i < n; i++) {
            planted[i] = random.nextInt(4);
            for (int j = 0; j < 3; j++) {
                points[i][j] = centers[planted[i]][j] + spread[j] * random.nextGaussian();
            }
        }
        double online = ari(stream(points, 4, true), points, planted);
        BatchKMeans.Result batch = BatchKMeans.fit(points, 4, true, 3, 100, 0);
        double offline = AdjustedRandIndex.of(batch.assign(points), planted);
        assertThat(offline).isGreaterThan(0.9);
        assertThat(online).isGreaterThan(0.9).isCloseTo(offline, within(0.02));
    }

    @Test
    void forgettingFollowsAClusterThatMoves() {
        double[][] before = new double[1000][];
        double[][] after = new double[1000][];
        for (int i = 0; i < 1000; i++) {
            before[i] = new double[] {i % 2};
            after[i] = new double[] {10 + i % 2};
        }
        for (double decay : new double[] {1.0, 0.99}) {
            OnlineKMeans kMeans =
                    new OnlineKMeans(new OnlineKMeans.Parameters(1, decay, 2, 0, true));
            KMeansState state = OnlineKMeans.emptyState(List.of("x"));
            for (double[] p : before) {
                kMeans.update(state, p);
            }
            for (double[] p : after) {
                kMeans.update(state, p);
            }
            double centroid = OnlineKMeans.centroids(state)[0][0];
            if (decay == 1.0) {
                // The mean of everything: 5.5.
                assertThat(centroid).isCloseTo(5.5, within(1e-9));
            } else {
                // Remembers about 100 points: all of them from after the move.
                assertThat(centroid).isCloseTo(10.5, within(0.05));
                assertThat(OnlineKMeans.sizes(state)[0]).isCloseTo(100, within(0.01));
            }
        }
    }

    @Test
    void buffersUntilItHasKDistinctPoints() throws IOException {
        OnlineKMeans kMeans = new OnlineKMeans(new OnlineKMeans.Parameters(2, 1.0, 3, 0, true));
        KMeansState state = OnlineKMeans.emptyState(List.of("x"));
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                // Restored seeds are Avro arrays: duplicates are still recognized.
                state = roundTrip(state);
            }
            assertThat(kMeans.update(state, new double[] {1})).isEmpty();
        }
        // Three copies were buffered; further copies were not.
        assertThat(state.getSeeds()).hasSize(3);
        assertThat(kMeans.update(state, new double[] {4})).isPresent();
        assertThat(OnlineKMeans.centroids(state)).hasNumberOfRows(2);
        assertThat(OnlineKMeans.sizes(state)).containsExactlyInAnyOrder(3.0, 1.0);
    }

    @Test
    void theSamePointsInTheSameOrderGiveTheSameModel() throws IOException {
        Random random = new Random(9);
        double[][] points = new double[500][];
        for (int i = 0; i < points.length; i++) {
            points[i] = new double[] {random.nextGaussian(), 5 * random.nextInt(3)};
        }
        OnlineKMeans kMeans = new OnlineKMeans(OnlineKMeans.Parameters.of(3));
        KMeansState a = OnlineKMeans.emptyState(List.of("u", "v"));
        KMeansState b = OnlineKMeans.emptyState(List.of("u", "v"));
        for (int i = 0; i < points.length; i++) {
            kMeans.update(a, points[i]);
            kMeans.update(b, points[i]);
            if (i == 10 || i == 250) {
                // A checkpoint and restore, while seeding or after, changes nothing.
                b = roundTrip(b);
            }
        }
        assertThat(b).isEqualTo(a);
    }

    @Test
    void refusesPointsOfTheWrongDimension() {
        OnlineKMeans kMeans = new OnlineKMeans(OnlineKMeans.Parameters.of(2));
        KMeansState state = OnlineKMeans.emptyState(List.of("a", "b"));
        assertThatThrownBy(() -> kMeans.update(state, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 2 coordinates; got 1");
        assertThatThrownBy(() -> new OnlineKMeans.Parameters(3, 1.0, 2, 0, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OnlineKMeans.Parameters(3, 0, 10, 0, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A model and its state after streaming points through it once. */
    private record Fitted(OnlineKMeans model, KMeansState state) {}

    private static Fitted stream(double[][] points, int k, boolean standardize) {
        OnlineKMeans kMeans =
                new OnlineKMeans(new OnlineKMeans.Parameters(k, 1.0, 50 * k, 0, standardize));
        List<String> features = new ArrayList<>();
        for (int j = 0; j < points[0].length; j++) {
            features.add("f" + j);
        }
        KMeansState state = OnlineKMeans.emptyState(features);
        for (double[] p : points) {
            kMeans.update(state, p);
        }
        return new Fitted(kMeans, state);
    }

    private static double ari(Fitted fitted, double[][] points, int[] planted) {
        int[] labels = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            labels[i] = fitted.model().assign(fitted.state(), points[i]).orElseThrow().cluster();
        }
        return AdjustedRandIndex.of(labels, planted);
    }

    private static KMeansState roundTrip(KMeansState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(KMeansState.class).write(state, encoder);
        encoder.flush();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null);
        return new SpecificDatumReader<>(KMeansState.class).read(null, decoder);
    }
}
