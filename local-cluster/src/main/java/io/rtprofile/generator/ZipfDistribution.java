package io.rtprofile.generator;

import java.util.Random;

/**
 * Zipf's law over ranks {@code 1..n}: {@code P(k) ∝ 1 / k^exponent}. Sampled in constant time and
 * memory by rejection-inversion (W. Hörmann, G. Derflinger, "Rejection-inversion to generate
 * variates from monotone discrete distributions", 1996), the method of Apache Commons RNG, so that
 * a million customers cost no table.
 */
final class ZipfDistribution {

    private final int n;
    private final double exponent;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double s;

    ZipfDistribution(int n, double exponent) {
        if (n < 1 || !(exponent > 0)) {
            throw new IllegalArgumentException("n >= 1 and exponent > 0 required");
        }
        this.n = n;
        this.exponent = exponent;
        this.hIntegralX1 = hIntegral(1.5) - 1.0;
        this.hIntegralN = hIntegral(n + 0.5);
        this.s = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
    }

    /** A rank in {@code 1..n}; rank 1 is the most likely. */
    int sample(Random random) {
        while (true) {
            double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
            double x = hIntegralInverse(u);
            int k = (int) (x + 0.5);
            if (k < 1) {
                k = 1;
            } else if (k > n) {
                k = n;
            }
            if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) {
                return k;
            }
        }
    }

    /** The exact probability of rank {@code k} (for tests; O(n)). */
    double probability(int k) {
        double norm = 0;
        for (int i = 1; i <= n; i++) {
            norm += StrictMath.pow(i, -exponent);
        }
        return StrictMath.pow(k, -exponent) / norm;
    }

    private double h(double x) {
        return StrictMath.exp(-exponent * StrictMath.log(x));
    }

    private double hIntegral(double x) {
        double logX = StrictMath.log(x);
        return helper2((1.0 - exponent) * logX) * logX;
    }

    private double hIntegralInverse(double x) {
        double t = x * (1.0 - exponent);
        if (t < -1.0) {
            t = -1.0;
        }
        return StrictMath.exp(helper1(t) * x);
    }

    /** {@code log1p(x) / x}, accurate near 0. */
    private static double helper1(double x) {
        if (Math.abs(x) > 1e-8) {
            return StrictMath.log1p(x) / x;
        }
        return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
    }

    /** {@code expm1(x) / x}, accurate near 0. */
    private static double helper2(double x) {
        if (Math.abs(x) > 1e-8) {
            return StrictMath.expm1(x) / x;
        }
        return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
    }
}
