package io.rtprofile.jobs.models.quality;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Values from scikit-learn's adjusted_rand_score documentation, and by hand. */
class AdjustedRandIndexTest {
    private static final double EPS = 1e-12;

    @Test
    void identicalAndRenamedClusteringsScoreOne() {
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 1}))
                .isEqualTo(1.0);
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {1, 1, 0, 0}))
                .isEqualTo(1.0);
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 2, 2}, new int[] {7, 7, -3, 9, 9}))
                .isEqualTo(1.0);
    }

    @Test
    void partialAgreement() {
        // Contingency [[2,0],[0,1],[0,1]]: index 1; rows 1, columns 2; E = 2/6; max 1.5.
        // (1 - 1/3) / (1.5 - 1/3) = 4/7
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 2}, new int[] {0, 0, 1, 1}))
                .isCloseTo(4.0 / 7, within(EPS));
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 2}))
                .isCloseTo(4.0 / 7, within(EPS));
    }

    @Test
    void oneClusterAgainstAllApartScoresZero() {
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 0, 0}, new int[] {0, 1, 2, 3}))
                .isCloseTo(0, within(EPS));
    }

    @Test
    void crossedClusteringsScoreBelowChance() {
        // Every pair together in one is apart in the other: index 0, E = 2·2/6, max 2.
        assertThat(AdjustedRandIndex.of(new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1}))
                .isCloseTo(-0.5, within(EPS));
    }

    @Test
    void independentRandomLabelingsScoreAboutZero() {
        Random random = new Random(11);
        int n = 20_000;
        int[] a = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(4);
            b[i] = random.nextInt(5);
        }
        assertThat(AdjustedRandIndex.of(a, b)).isCloseTo(0, within(0.005));
    }

    @Test
    void needsTheSameItems() {
        assertThatThrownBy(() -> AdjustedRandIndex.of(new int[] {0}, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
