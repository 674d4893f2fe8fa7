package io.rtprofile.generator;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ZipfDistributionTest {

    @Test
    void samplesFollowTheDistribution() {
        ZipfDistribution zipf = new ZipfDistribution(20, 0.8);
        Random random = new Random(1);
        int samples = 200_000;
        int[] counts = new int[21];
        for (int i = 0; i < samples; i++) {
            counts[zipf.sample(random)]++;
        }
        assertThat(counts[0]).isZero();
        for (int k = 1; k <= 20; k++) {
            assertThat((double) counts[k] / samples)
                    .as("P(%d)", k)
                    .isCloseTo(zipf.probability(k), within(0.005));
        }
    }

    @Test
    void staysInRange() {
        Random random = new Random(2);
        ZipfDistribution one = new ZipfDistribution(1, 0.8);
        ZipfDistribution big = new ZipfDistribution(10_000_000, 1.2);
        for (int i = 0; i < 10_000; i++) {
            assertThat(one.sample(random)).isEqualTo(1);
            assertThat(big.sample(random)).isBetween(1, 10_000_000);
        }
    }

    @Test
    void exponentOneIsHandled() {
        ZipfDistribution zipf = new ZipfDistribution(5, 1.0);
        Random random = new Random(3);
        int ones = 0;
        for (int i = 0; i < 50_000; i++) {
            if (zipf.sample(random) == 1) {
                ones++;
            }
        }
        assertThat(ones / 50_000.0).isCloseTo(zipf.probability(1), within(0.01));
    }
}
