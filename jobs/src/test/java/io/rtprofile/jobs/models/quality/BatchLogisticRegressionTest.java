package io.rtprofile.jobs.models.quality;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BatchLogisticRegressionTest {
    private static final BatchLogisticRegression MLE =
            new BatchLogisticRegression(new BatchLogisticRegression.Parameters(0, 1e-10, 100));

    @Test
    void anInterceptAloneIsTheLogOddsOfTheBaseRate() {
        List<Map<String, Double>> x = new ArrayList<>();
        boolean[] y = new boolean[40];
        for (int i = 0; i < 40; i++) {
            x.add(Map.of("(bias)", 1.0));
            y[i] = i < 10;
        }
        BatchLogisticRegression.Model model = MLE.fit(x, y);
        assertThat(model.converged()).isTrue();
        assertThat(model.weights().get("(bias)")).isCloseTo(Math.log(10.0 / 30), within(1e-9));
        assertThat(model.predict(Map.of("(bias)", 1.0))).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void aBinaryFeatureGetsTheLogOddsRatioOfItsTwoGroups() {
        // x = 0: 100 examples, 20 positive; x = 1: 50 examples, 30 positive. The saturated model:
        // bias = logit(0.2) = ln(1/4), w = logit(0.6) - logit(0.2) = ln(3/2) - ln(1/4) = ln 6.
        List<Map<String, Double>> x = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            x.add(Map.of("(bias)", 1.0, "member", 0.0));
            labels.add(i < 20);
        }
        for (int i = 0; i < 50; i++) {
            x.add(Map.of("(bias)", 1.0, "member", 1.0));
            labels.add(i < 30);
        }
        BatchLogisticRegression.Model model = MLE.fit(x, toArray(labels));
        assertThat(model.converged()).isTrue();
        assertThat(model.weights().get("(bias)")).isCloseTo(Math.log(0.25), within(1e-9));
        assertThat(model.weights().get("member")).isCloseTo(Math.log(6), within(1e-9));
        assertThat(model.weights().keySet()).containsExactly("(bias)", "member");
    }

    @Test
    void recoversTheWeightsThatGeneratedTheLabels() {
        Random random = new Random(5);
        int n = 100_000;
        List<Map<String, Double>> x = new ArrayList<>(n);
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            double a = random.nextInt(4);
            double b = Math.min(5, random.nextInt(8));
            double c = random.nextGaussian();
            double z = -2 + 0.5 * a + 0.3 * b - 1.0 * c;
            // Sparse like profiles: a zero feature is simply absent.
            Map<String, Double> features = new HashMap<>();
            features.put("(bias)", 1.0);
            if (a != 0) {
                features.put("a", a);
            }
            if (b != 0) {
                features.put("b", b);
            }
            features.put("c", c);
            x.add(features);
            y[i] = random.nextDouble() < 1 / (1 + Math.exp(-z));
        }
        BatchLogisticRegression.Model model =
                new BatchLogisticRegression(BatchLogisticRegression.Parameters.defaults())
                        .fit(x, y);
        assertThat(model.converged()).isTrue();
        assertThat(model.iterations()).isLessThan(15);
        // Standard errors here are about 0.01-0.03.
        assertThat(model.weights().get("(bias)")).isCloseTo(-2, within(0.1));
        assertThat(model.weights().get("a")).isCloseTo(0.5, within(0.05));
        assertThat(model.weights().get("b")).isCloseTo(0.3, within(0.05));
        assertThat(model.weights().get("c")).isCloseTo(-1.0, within(0.05));
    }

    @Test
    void separableClassesStayFiniteWithL2() {
        List<Map<String, Double>> x =
                List.of(
                        Map.of("(bias)", 1.0, "v", -1.0),
                        Map.of("(bias)", 1.0, "v", -2.0),
                        Map.of("(bias)", 1.0, "v", 1.0),
                        Map.of("(bias)", 1.0, "v", 2.0));
        boolean[] y = {false, false, true, true};
        BatchLogisticRegression.Model model =
                new BatchLogisticRegression(new BatchLogisticRegression.Parameters(0.1, 1e-10, 100))
                        .fit(x, y);
        assertThat(model.converged()).isTrue();
        assertThat(model.weights().get("v")).isPositive().isFinite();
        assertThat(model.weights().get("(bias)")).isCloseTo(0, within(1e-9));
        assertThat(model.predict(Map.of("(bias)", 1.0, "v", 2.0))).isGreaterThan(0.9);
    }

    @Test
    void aFeatureNeverNonZeroGetsNoWeight() {
        List<Map<String, Double>> x = List.of(Map.of("a", 1.0, "z", 0.0), Map.of("a", 1.0));
        BatchLogisticRegression.Model model = MLE.fit(x, new boolean[] {true, false});
        assertThat(model.weights().get("a")).isCloseTo(0, within(1e-9));
        assertThat(model.weights().get("z")).isCloseTo(0, within(1e-9));
    }

    @Test
    void needsOneLabelPerExample() {
        assertThatThrownBy(() -> MLE.fit(List.of(Map.of("a", 1.0)), new boolean[2]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MLE.fit(List.of(), new boolean[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean[] toArray(List<Boolean> labels) {
        boolean[] y = new boolean[labels.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.get(i);
        }
        return y;
    }
}
