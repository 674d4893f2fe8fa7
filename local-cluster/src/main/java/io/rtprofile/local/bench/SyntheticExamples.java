package io.rtprofile.local.bench;

import io.rtprofile.generator.PurchaseModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Labelled examples drawn straight from the event generator's ground truth ({@link PurchaseModel}),
 * without events or a pipeline: the features the pipeline computes at decision time, with a
 * plausible distribution, and a label drawn from the model's purchase probability.
 *
 * <ul>
 *   <li>{@value #LOYALTY_TIER}: 0 (none) with probability 0.55, 1 with 0.25, 2 with 0.13, 3 with
 *       0.07;
 *   <li>{@value #CART_ADDS_1H}: geometric with mean {@value #CART_ADDS_MEAN} (a Poisson count whose
 *       rate is itself exponential across sessions: most sessions add nothing, a few add a lot),
 *       capped at {@link PurchaseModel#CAP};
 *   <li>{@value #SEARCHES_7D}: geometric with mean {@value #SEARCHES_MEAN}, capped the same way.
 * </ul>
 *
 * The three are independent, and the features are the capped counts, so the generating model is a
 * logistic regression over exactly these features: both learners can reach it, and the gap to it is
 * estimation error only. Examples are one second apart from {@code start}.
 */
public final class SyntheticExamples {
    public static final String LOYALTY_TIER = "loyalty_tier";
    public static final String CART_ADDS_1H = "cart_adds_1h";
    public static final String SEARCHES_7D = "searches_7d";

    static final double[] TIER_SHARES = {0.55, 0.25, 0.13, 0.07};
    static final double CART_ADDS_MEAN = 0.6;
    static final double SEARCHES_MEAN = 2.0;

    private SyntheticExamples() {}

    /** {@code n} examples from {@code seed}; the same arguments give the same examples. */
    public static List<LabelledExample> draw(int n, long seed, long start) {
        SplittableRandom random = new SplittableRandom(seed);
        List<LabelledExample> examples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int tier = tier(random.nextDouble());
            int cartAdds = Math.min(geometric(random, CART_ADDS_MEAN), PurchaseModel.CAP);
            int searches = Math.min(geometric(random, SEARCHES_MEAN), PurchaseModel.CAP);
            Map<String, Double> features =
                    Map.of(
                            LOYALTY_TIER, (double) tier,
                            CART_ADDS_1H, (double) cartAdds,
                            SEARCHES_7D, (double) searches);
            boolean label = random.nextDouble() < generatingProbability(features);
            examples.add(new LabelledExample(features, label, start + i * 1000L));
        }
        return examples;
    }

    /**
     * The generating model's probability for features named as the pipeline names them (absent ones
     * are 0).
     */
    public static double generatingProbability(Map<String, Double> features) {
        return PurchaseModel.probability(
                new PurchaseModel.Features(
                        (int) Math.round(features.getOrDefault(LOYALTY_TIER, 0.0)),
                        (int) Math.round(features.getOrDefault(CART_ADDS_1H, 0.0)),
                        (int) Math.round(features.getOrDefault(SEARCHES_7D, 0.0))));
    }

    private static int tier(double u) {
        for (int tier = 0; tier < TIER_SHARES.length - 1; tier++) {
            u -= TIER_SHARES[tier];
            if (u < 0) {
                return tier;
            }
        }
        return TIER_SHARES.length - 1;
    }

    /** P(k) = (1 − q)·q^k with q = mean / (1 + mean). */
    private static int geometric(SplittableRandom random, double mean) {
        double q = mean / (1 + mean);
        // 1 − nextDouble() is in (0, 1]: no log of zero.
        return (int) Math.floor(Math.log(1 - random.nextDouble()) / Math.log(q));
    }
}
