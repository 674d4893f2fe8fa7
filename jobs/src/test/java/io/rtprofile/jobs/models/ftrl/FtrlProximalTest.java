package io.rtprofile.jobs.models.ftrl;

import io.rtprofile.schema.state.FtrlWeights;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** FTRL-Proximal against values computed by hand from the paper's Algorithm 1. */
class FtrlProximalTest {
    private static final double EPS = 1e-12;

    @Test
    void twoUpdatesOfOneFeatureWithoutRegularization() {
        FtrlProximal ftrl = new FtrlProximal(new FtrlProximal.Parameters(0.1, 1.0, 0, 0));
        FtrlWeights w = FtrlProximal.emptyWeights();
        Map<String, Double> x = Map.of("a", 1.0);

        // p = 0.5; g = -0.5; sigma = sqrt(0.25)/0.1 = 5; z = -0.5 - 5*0; n = 0.25
        assertThat(ftrl.update(w, x, true).probability()).isEqualTo(0.5);
        assertThat(w.getZ().get("a")).isCloseTo(-0.5, within(EPS));
        assertThat(w.getN().get("a")).isCloseTo(0.25, within(EPS));
        // w = 0.5 / ((1 + 0.5) / 0.1) = 1/30
        assertThat(ftrl.weight(w, "a")).isCloseTo(1.0 / 30, within(EPS));
        assertThat(ftrl.predict(w, x).probability()).isCloseTo(0.5083325618141193, within(EPS));

        // g = p = 0.50833...; sigma = (sqrt(0.25 + g^2) - 0.5) / 0.1; z += g - sigma/30
        ftrl.update(w, x, false);
        assertThat(w.getZ().get("a")).isCloseTo(-0.06267515040308519, within(EPS));
        assertThat(w.getN().get("a")).isCloseTo(0.5084019934005055, within(EPS));
        assertThat(ftrl.weight(w, "a")).isCloseTo(0.003658745119204526, within(EPS));
        assertThat(ftrl.predict(w, x).probability()).isCloseTo(0.5009146852594383, within(EPS));
        assertThat(w.getExamples()).isEqualTo(2);
    }

    @Test
    void l1AndL2ShrinkWeightsAndContributionsExplainTheScore() {
        FtrlProximal ftrl = new FtrlProximal(new FtrlProximal.Parameters(0.5, 1.0, 0.2, 1.0));
        FtrlWeights w = FtrlProximal.emptyWeights();
        Map<String, Double> x = new LinkedHashMap<>();
        x.put("a", 1.0);
        x.put("b", 2.0);

        ftrl.update(w, x, true);

        // z = (-0.5, -1.0), n = (0.25, 1.0)
        // w_a = (0.5 - 0.2) / ((1 + 0.5)/0.5 + 1) = 0.075; w_b = (1 - 0.2) / ((1 + 1)/0.5 + 1) =
        // 0.16
        assertThat(ftrl.weight(w, "a")).isCloseTo(0.075, within(EPS));
        assertThat(ftrl.weight(w, "b")).isCloseTo(0.16, within(EPS));
        FtrlProximal.Prediction p = ftrl.predict(w, x);
        assertThat(p.logOdds()).isCloseTo(0.075 + 0.32, within(EPS));
        assertThat(p.probability()).isCloseTo(0.5974857658270161, within(EPS));
        assertThat(p.factors())
                .extracting(FtrlProximal.Contribution::feature)
                .containsExactly("b", "a");
        assertThat(p.factors().get(0).contribution()).isCloseTo(0.32, within(EPS));
        assertThat(p.factors().get(0).value()).isEqualTo(2.0);
    }

    @Test
    void l1KeepsAWeightAtExactlyZeroUntilTheFeatureHasEarnedOne() {
        FtrlProximal ftrl = new FtrlProximal(new FtrlProximal.Parameters(0.1, 1.0, 1.0, 0));
        FtrlWeights w = FtrlProximal.emptyWeights();

        ftrl.update(w, Map.of("rare", 1.0), true); // |z| = 0.5 <= 1

        assertThat(ftrl.weight(w, "rare")).isZero();
        assertThat(ftrl.predict(w, Map.of("rare", 1.0)).factors()).isEmpty();
        assertThat(ftrl.weight(w, "never-seen")).isZero();
    }

    @Test
    void learnsASeparableRuleAndStaysFiniteAtExtremeLogOdds() {
        FtrlProximal ftrl = new FtrlProximal(new FtrlProximal.Parameters(0.5, 1.0, 0.01, 0.01));
        FtrlWeights w = FtrlProximal.emptyWeights();
        Random random = new Random(1);
        for (int i = 0; i < 5000; i++) {
            boolean positive = random.nextBoolean();
            ftrl.update(w, Map.of("bias", 1.0, "signal", positive ? 1.0 : -1.0), positive);
        }
        assertThat(ftrl.predict(w, Map.of("bias", 1.0, "signal", 1.0)).probability())
                .isGreaterThan(0.95);
        assertThat(ftrl.predict(w, Map.of("bias", 1.0, "signal", -1.0)).probability())
                .isLessThan(0.05);
        assertThat(FtrlProximal.sigmoid(1000)).isEqualTo(1.0);
        assertThat(FtrlProximal.sigmoid(-1000)).isEqualTo(0.0);
    }

    @Test
    void parametersAreChecked() {
        assertThatThrownBy(() -> new FtrlProximal.Parameters(0, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpha > 0");
        assertThatThrownBy(() -> new FtrlProximal.Parameters(0.1, 1, -1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
