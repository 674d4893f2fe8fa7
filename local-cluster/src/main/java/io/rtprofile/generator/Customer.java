package io.rtprofile.generator;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One synthetic person: fixed traits drawn once from a seed of their own, plus the little state
 * that makes their behavior consistent over time (which devices are logged in, what the CRM has
 * sent, recent cart adds and searches for {@link PurchaseModel}).
 */
final class Customer {

    /** Bit of {@link #loggedInDevices} for the mobile app; web devices use bits 0..2. */
    static final int APP_DEVICE = 3;

    final int index;
    final String firstName;
    final String lastName;
    final Catalog.Country country;

    /** Canonical email, lower case. */
    final String email;

    /** {@code null} for customers unknown to the CRM. */
    final String crmId;

    /** {@code null} for customers who never gave a phone number. */
    final String phone;

    /** {@code null} for customers who never shop in a store. */
    final String homeStore;

    final boolean hasApp;
    final boolean ios;
    final int webDevices;
    final int birthYear;

    /** Indexes into {@link Catalog#CATEGORIES}, one or two. */
    final int[] interests;

    private final long deviceKey;

    /** The customer's loyalty tier as the CRM holds it, 0 for non-members. */
    int tier;

    /** The tier of the latest CRM record emitted (what the engine can know); 0 before any. */
    int tierSent;

    boolean crmRecordSent;

    /** Devices on which the customer is remembered as logged in. */
    int loggedInDevices;

    boolean appOpened;
    int purchases;

    /** 0 unknown, 1 consented, 2 refused. */
    int emailConsent;

    private final long[] cartAdds = new long[PurchaseModel.CAP];
    private int cartAddsNext;
    private final long[] searches = new long[PurchaseModel.CAP];
    private int searchesNext;

    private Customer(int index, long seed, long idNumber) {
        this.index = index;
        Random r = new Random(mix64(seed ^ mix64(index + 0x5DEECE66DL)));
        this.firstName = pick(r, Catalog.FIRST_NAMES);
        this.lastName = pick(r, Catalog.LAST_NAMES);
        this.country = pickCountry(r);
        String domain = pick(r, Catalog.EMAIL_DOMAINS);
        this.email = ascii(firstName) + "." + ascii(lastName) + idNumber + "@" + domain;
        // Distinct id numbers give distinct ids; each namespace scrambles them its own way
        // (a bijection mod 10^8), so that one id does not give away another.
        this.crmId =
                r.nextDouble() < 0.6
                        ? String.format(
                                Locale.ROOT,
                                "CRM%08d",
                                Math.floorMod(idNumber * 7_654_321L + 1_234_567L, 100_000_000L))
                        : null;
        this.phone =
                r.nextDouble() < 0.35
                        ? String.format(
                                Locale.ROOT,
                                "+%s6%08d",
                                country.callingCode(),
                                Math.floorMod(idNumber * 3_141_593L + 2_718_281L, 100_000_000L))
                        : null;
        this.homeStore =
                r.nextDouble() < 0.3
                        ? Catalog.storeId(country.code(), r.nextInt(Catalog.STORES_PER_COUNTRY))
                        : null;
        this.hasApp = r.nextDouble() < 0.25;
        this.ios = r.nextBoolean();
        double d = r.nextDouble();
        this.webDevices = d < 0.5 ? 1 : d < 0.85 ? 2 : 3;
        this.birthYear = 1950 + (int) Math.round(28 * (r.nextDouble() + r.nextDouble()));
        int first = r.nextInt(Catalog.CATEGORIES.size());
        if (r.nextDouble() < 0.5) {
            int second =
                    (first + 1 + r.nextInt(Catalog.CATEGORIES.size() - 1))
                            % Catalog.CATEGORIES.size();
            this.interests = new int[] {first, second};
        } else {
            this.interests = new int[] {first};
        }
        if (crmId != null) {
            double t = r.nextDouble();
            this.tier = t < 0.6 ? 1 : t < 0.9 ? 2 : 3;
        }
        this.deviceKey = mix64(seed + 0x9E3779B97F4A7C15L);
        Arrays.fill(cartAdds, Long.MIN_VALUE);
        Arrays.fill(searches, Long.MIN_VALUE);
    }

    /**
     * @param idNumber unique per customer, below 10^8: the source of the customer's identities
     */
    static Customer create(int index, long seed, long idNumber) {
        return new Customer(index, seed, idNumber);
    }

    boolean member() {
        return crmId != null;
    }

    /**
     * The ECID of one of the customer's devices, 16 hex digits. Distinct for every (customer,
     * device) within a run: mix64 is a bijection.
     */
    String ecid(int device) {
        String hex = Long.toHexString(mix64(((long) index << 2 | device) ^ deviceKey));
        return "0".repeat(16 - hex.length()) + hex;
    }

    void recordCartAdd(long at) {
        cartAdds[cartAddsNext] = at;
        cartAddsNext = (cartAddsNext + 1) % cartAdds.length;
    }

    void recordSearch(long at) {
        searches[searchesNext] = at;
        searchesNext = (searchesNext + 1) % searches.length;
    }

    /** The inputs of {@link PurchaseModel} at event time {@code at}. */
    PurchaseModel.Features purchaseFeatures(long at) {
        return new PurchaseModel.Features(
                tierSent,
                countWithin(cartAdds, at, PurchaseModel.CART_ADDS_WINDOW.toMillis()),
                countWithin(searches, at, PurchaseModel.SEARCHES_WINDOW.toMillis()));
    }

    private static int countWithin(long[] times, long at, long window) {
        int n = 0;
        for (long t : times) {
            if (t > at - window && t <= at) {
                n++;
            }
        }
        return n;
    }

    /**
     * The email as typed into a form: mostly canonical, sometimes with capitals or stray whitespace
     * (the engine trims and lower-cases emails).
     */
    String typedEmail(Random r) {
        double p = r.nextDouble();
        if (p < 0.8) {
            return email;
        }
        int at = email.indexOf('@');
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        if (p < 0.86) {
            return " "
                    + capitalize(local)
                    + "@"
                    + Character.toUpperCase(domain.charAt(0))
                    + domain.substring(1);
        }
        if (p < 0.92) {
            return capitalize(local) + "@" + domain;
        }
        if (p < 0.96) {
            return email.toUpperCase(Locale.ROOT);
        }
        return email + " ";
    }

    /** Capitalizes each dot-separated part: {@code ann.lee42} becomes {@code Ann.Lee42}. */
    private static String capitalize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            b.append(start ? Character.toUpperCase(c) : c);
            start = c == '.';
        }
        return b.toString();
    }

    /** {@code Chloé} becomes {@code chloe}, {@code O'Neil} becomes {@code oneil}. */
    private static String ascii(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFD)
                .replaceAll("[^A-Za-z]", "")
                .toLowerCase(Locale.ROOT);
    }

    private static <T> T pick(Random r, List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    private static Catalog.Country pickCountry(Random r) {
        double p = r.nextDouble();
        for (Catalog.Country c : Catalog.COUNTRIES) {
            p -= c.weight();
            if (p < 0) {
                return c;
            }
        }
        return Catalog.COUNTRIES.get(0);
    }

    /** The SplitMix64 finalizer: a bijection on longs that scrambles well. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
