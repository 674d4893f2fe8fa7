package io.rtprofile.generator;

import java.util.Random;

/**
 * All customers of a run, created on first use. Who acts is skewed: web, app and store activity
 * picks customers by {@link ZipfDistribution} (a few very active, most rarely seen), while the CRM
 * import walks through all customers in a scrambled order, as a nightly sync would.
 */
final class CustomerBase {

    /**
     * Zipf exponent of activity. 0.8 gives the top 10% of customers about half of all activity
     * (1,000 customers: 53%; 100,000: 60%) and the single most active one 2-7%.
     */
    static final double ACTIVITY_EXPONENT = 0.8;

    private final long seed;
    private final Customer[] customers;
    private final ZipfDistribution activity;

    /** Customer index to a unique id number below {@link #idModulus}: {@code (a*i + b) mod m}. */
    private final long idModulus;

    private final long idMultiplier;
    private final long idOffset;

    /** The CRM import order: {@code (step * importMultiplier + importOffset) mod n}. */
    private final long importMultiplier;

    private final long importOffset;
    private long importStep;

    CustomerBase(int profiles, long seed) {
        this.seed = seed;
        this.customers = new Customer[profiles];
        this.activity = new ZipfDistribution(profiles, ACTIVITY_EXPONENT);
        Random r = new Random(Customer.mix64(seed ^ 0x1D5L));
        long m = 10_000;
        while (m < 10L * profiles) {
            m *= 10;
        }
        this.idModulus = m;
        // Coprime with 10^k: odd and not a multiple of 5, so i -> a*i+b is a bijection mod 10^k.
        long a;
        do {
            a = 1 + r.nextInt((int) Math.min(m - 1, Integer.MAX_VALUE));
        } while (a % 2 == 0 || a % 5 == 0);
        this.idMultiplier = a;
        this.idOffset = Math.floorMod(r.nextLong(), m);
        long c;
        do {
            c = 1 + r.nextInt(Math.max(1, profiles));
        } while (gcd(c, profiles) != 1);
        this.importMultiplier = c;
        this.importOffset = r.nextInt(profiles);
    }

    int size() {
        return customers.length;
    }

    Customer get(int index) {
        Customer c = customers[index];
        if (c == null) {
            long idNumber = Math.floorMod(idMultiplier * index + idOffset, idModulus);
            c = Customer.create(index, seed, idNumber);
            customers[index] = c;
        }
        return c;
    }

    /** A customer by activity: rank 1 (index 0) is the most active. */
    Customer active(Random random) {
        return get(activity.sample(random) - 1);
    }

    /** The next CRM member whose record was not imported yet, or {@code null} when all were. */
    Customer nextToImport() {
        while (importStep < customers.length) {
            int index = (int) ((importStep++ * importMultiplier + importOffset) % customers.length);
            Customer c = get(index);
            if (c.member() && !c.crmRecordSent) {
                return c;
            }
        }
        return null;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
