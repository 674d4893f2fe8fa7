package io.rtprofile.generator;

import io.rtprofile.generator.PurchaseModel.Features;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PurchaseModelTest {

    @Test
    void isTheDocumentedLogisticFormula() {
        Features f = new Features(2, 3, 1);
        double z = -4.0 + 0.5 * 2 + 0.9 * 3 + 0.3 * 1;
        assertThat(PurchaseModel.logit(f)).isCloseTo(z, within(1e-12));
        assertThat(PurchaseModel.probability(f)).isCloseTo(1 / (1 + Math.exp(-z)), within(1e-12));
    }

    @Test
    void countsAreCapped() {
        assertThat(PurchaseModel.logit(new Features(0, 50, 50)))
                .isEqualTo(
                        PurchaseModel.logit(new Features(0, PurchaseModel.CAP, PurchaseModel.CAP)));
    }

    @Test
    void eachFeatureRaisesThePropensity() {
        Features base = new Features(0, 0, 0);
        double p = PurchaseModel.probability(base);
        assertThat(p).isLessThan(0.05);
        assertThat(PurchaseModel.probability(new Features(1, 0, 0))).isGreaterThan(p);
        assertThat(PurchaseModel.probability(new Features(0, 1, 0))).isGreaterThan(p);
        assertThat(PurchaseModel.probability(new Features(0, 0, 1))).isGreaterThan(p);
        assertThat(PurchaseModel.probability(new Features(3, 5, 5))).isGreaterThan(0.9);
    }
}
