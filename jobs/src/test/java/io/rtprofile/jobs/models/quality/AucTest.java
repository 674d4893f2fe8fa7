package io.rtprofile.jobs.models.quality;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AucTest {
    private static final double EPS = 1e-12;

    @Test
    void perfectReversedAndConstantRankings() {
        boolean[] labels = {false, false, true, true};
        assertThat(Auc.of(new double[] {0.1, 0.2, 0.3, 0.4}, labels)).isEqualTo(1.0);
        assertThat(Auc.of(new double[] {0.4, 0.3, 0.2, 0.1}, labels)).isEqualTo(0.0);
        assertThat(Auc.of(new double[] {0.5, 0.5, 0.5, 0.5}, labels)).isEqualTo(0.5);
    }

    @Test
    void theTextbookExample() {
        // scikit-learn's roc_auc_score example: 3 of the 4 positive-negative pairs are ordered.
        assertThat(
                        Auc.of(
                                new double[] {0.1, 0.4, 0.35, 0.8},
                                new boolean[] {false, false, true, true}))
                .isCloseTo(0.75, within(EPS));
    }

    @Test
    void aTiedPairCountsOneHalf() {
        // positives 0.5, 0.9; negatives 0.5, 0.2: pairs 0.5 (tie) + 1 + 1 + 1 of 4.
        assertThat(
                        Auc.of(
                                new double[] {0.5, 0.5, 0.2, 0.9},
                                new boolean[] {true, false, false, true}))
                .isCloseTo(0.875, within(EPS));
    }

    @Test
    void agreesWithCountingEveryPairOnDataWithManyTies() {
        Random random = new Random(3);
        int n = 500;
        double[] scores = new double[n];
        boolean[] labels = new boolean[n];
        for (int i = 0; i < n; i++) {
            scores[i] = random.nextInt(20) / 4.0;
            labels[i] = random.nextDouble() < 0.2 + scores[i] / 10;
        }
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (labels[i] && !labels[j]) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        assertThat(Auc.of(scores, labels)).isCloseTo(wins / pairs, within(EPS));
    }

    @Test
    void isUndefinedForOneClass() {
        assertThatThrownBy(() -> Auc.of(new double[] {0.1, 0.2}, new boolean[] {true, true}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 positives and 0 negatives");
        assertThatThrownBy(() -> Auc.of(new double[] {0.1}, new boolean[] {true, false}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
