package io.rtprofile.jobs.models.quality;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LogLossTest {
    private static final double EPS = 1e-12;

    @Test
    void meanOfTheNegativeLogLikelihoods() {
        assertThat(LogLoss.mean(new double[] {0.5}, new boolean[] {true}))
                .isCloseTo(Math.log(2), within(EPS));
        // (-ln 0.9 - ln 0.8) / 2
        assertThat(LogLoss.mean(new double[] {0.9, 0.2}, new boolean[] {true, false}))
                .isCloseTo(0.164252033486018, within(EPS));
    }

    @Test
    void certainMistakesAreClippedNotInfinite() {
        double worst = -Math.log(1e-15);
        assertThat(LogLoss.of(0.0, true)).isCloseTo(worst, within(EPS));
        assertThat(LogLoss.of(1.0, false)).isCloseTo(worst, within(1e-3));
        assertThat(LogLoss.of(1.0, true)).isCloseTo(0, within(1e-14));
    }

    @Test
    void needsOneLabelPerProbability() {
        assertThatThrownBy(() -> LogLoss.mean(new double[] {0.5}, new boolean[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
