package io.rtprofile.jobs.models.kmeans;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BatchKMeansTest {

    @Test
    void lloydConvergesToTheMeansOfWellSeparatedGroups() {
        double[][] points = {{0, 0}, {0, 2}, {2, 0}, {2, 2}, {100, 100}, {100, 102}};
        BatchKMeans.Result result = BatchKMeans.fit(points, 2, false, 1, 100, 0);
        assertThat(result.labels()[0]).isEqualTo(result.labels()[3]);
        assertThat(result.labels()[4])
                .isEqualTo(result.labels()[5])
                .isNotEqualTo(result.labels()[0]);
        double[] small = result.centroids()[result.labels()[0]];
        double[] large = result.centroids()[result.labels()[4]];
        assertThat(small).containsExactly(1.0, 1.0);
        assertThat(large).containsExactly(100.0, 101.0);
        // 4 points at √2 from (1, 1), 2 at 1 from (100, 101).
        assertThat(result.inertia()).isCloseTo(4 * 2 + 2 * 1, within(1e-9));
        assertThat(result.assign(new double[][] {{90, 90}, {-5, 1}}))
                .containsExactly(result.labels()[4], result.labels()[0]);
    }

    @Test
    void standardizationScalesByTheInverseDeviationAndReportsCentroidsInUnits() {
        double[][] points = {{0, 0}, {0, 2000}, {2, 0}, {2, 2000}};
        BatchKMeans.Result result = BatchKMeans.fit(points, 2, true, 2, 100, 0);
        assertThat(result.scale()).containsExactly(1.0, 0.001);
        for (double[] centroid : result.centroids()) {
            assertThat(centroid[0]).isCloseTo(1, within(1e-9));
        }
    }

    @Test
    void kMeansPlusPlusNeverPicksAPointTwice() {
        double[][] points = {{1}, {1}, {1}, {2}, {3}};
        for (long seed = 0; seed < 20; seed++) {
            double[][] seeds = BatchKMeans.kMeansPlusPlus(points, 3, new Random(seed));
            assertThat(new double[] {seeds[0][0], seeds[1][0], seeds[2][0]})
                    .containsExactlyInAnyOrder(1.0, 2.0, 3.0);
        }
        assertThatThrownBy(() -> BatchKMeans.kMeansPlusPlus(points, 4, new Random(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("distinct");
    }
}
