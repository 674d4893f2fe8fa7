package io.rtprofile.generator;

import java.time.Duration;

/**
 * The model that decides whether a web session ends in a purchase: the ground truth that an
 * online-learned propensity model can be compared with. All of it is here, in one place.
 *
 * <p>When a web session's browsing ends (decision time {@code t}, the timestamp of its last
 * browsing event), the customer buys with probability
 *
 * <pre>
 *   p = 1 / (1 + exp(-z))
 *   z = INTERCEPT
 *       + LOYALTY_TIER * loyaltyTier        (0 none, 1 silver, 2 gold, 3 platinum)
 *       + CART_ADDS    * min(cartAdds1h, 5)
 *       + SEARCHES     * min(searches7d, 5)
 * </pre>
 *
 * <p>The features are what the engine can observe in the events, over the customer's own events:
 *
 * <ul>
 *   <li>{@code loyaltyTier}: the {@code loyaltyTier} attribute of the customer's latest {@code crm}
 *       record emitted before {@code t}; 0 while there is none (non-members stay 0).
 *   <li>{@code cartAdds1h}: {@code commerce.addToCart} events with {@code t - 1h < timestamp <= t},
 *       capped at {@value #CAP}.
 *   <li>{@code searches7d}: {@code web.search} events with {@code t - 7d < timestamp <= t}, capped
 *       at {@value #CAP}.
 * </ul>
 *
 * <p>The label: a purchase decided at {@code t} emits {@code commerce.checkout} and {@code
 * commerce.purchase} (source {@code web}) within {@link #LABEL_HORIZON} after {@code t}. A buyer
 * with nothing in the cart first adds one product, so a purchase is always preceded by a cart add.
 * In-store purchases (source {@code pos}) are not explained by this model: they are background
 * noise at a small constant rate. Features count events per customer (person); the engine sees them
 * per resolved profile, which is the same once the customer's devices have logged in.
 */
public final class PurchaseModel {

    public static final double INTERCEPT = -4.0;
    public static final double LOYALTY_TIER = 0.5;
    public static final double CART_ADDS = 0.9;
    public static final double SEARCHES = 0.3;

    /** Count features are capped here (the generator keeps only this many recent timestamps). */
    public static final int CAP = 5;

    public static final Duration CART_ADDS_WINDOW = Duration.ofHours(1);
    public static final Duration SEARCHES_WINDOW = Duration.ofDays(7);

    /** A decided purchase is emitted within this time after the decision. */
    public static final Duration LABEL_HORIZON = Duration.ofMinutes(30);

    private PurchaseModel() {}

    /** The inputs of the model at decision time. */
    public record Features(int loyaltyTier, int cartAdds1h, int searches7d) {}

    /** The linear score {@code z}. */
    public static double logit(Features f) {
        return INTERCEPT
                + LOYALTY_TIER * f.loyaltyTier()
                + CART_ADDS * Math.min(f.cartAdds1h(), CAP)
                + SEARCHES * Math.min(f.searches7d(), CAP);
    }

    /** The purchase probability {@code σ(z)}. */
    public static double probability(Features f) {
        return 1.0 / (1.0 + StrictMath.exp(-logit(f)));
    }
}
