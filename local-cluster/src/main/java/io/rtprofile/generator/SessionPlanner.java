package io.rtprofile.generator;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Plans one session at a time: who acts, through which channel, and the events that follow, with
 * their timestamps. A session is a short burst of one customer's events: a web visit (views,
 * searches, cart, maybe a login and a purchase), an app open, a store purchase, a consent change or
 * a CRM record.
 */
final class SessionPlanner {

    /** Share of sessions that are the CRM import of a customer not imported yet. */
    static final double CRM_IMPORT_SHARE = 0.2;

    /** Out-of-order delivery: the longest an event arrives after its timestamp. */
    static final long MAX_DELAY_MILLIS = 5_000;

    private final Random random;
    private final CustomerBase customers;
    private final double gapScale;
    private final long end;
    private final String orderTag;
    private long orders;

    // The session being planned.
    private List<EventDraft> drafts;
    private long clock;

    SessionPlanner(Random random, CustomerBase customers, double gapScale, long end, long seed) {
        this.random = random;
        this.orderTag = Long.toString(seed);
        this.customers = customers;
        this.gapScale = gapScale;
        this.end = end;
    }

    /** The events of the next session, starting at {@code start}, in timestamp order. */
    List<EventDraft> plan(long start) {
        drafts = new ArrayList<>(12);
        clock = Math.min(start, end);
        if (random.nextDouble() < CRM_IMPORT_SHARE) {
            Customer c = customers.nextToImport();
            if (c != null) {
                crmRecord(c);
                return drafts;
            }
        }
        Customer c = customers.active(random);
        double r = random.nextDouble();
        if (r < 0.06 && c.homeStore != null) {
            storePurchase(c);
        } else if (r < 0.16 && c.hasApp) {
            appOpen(c);
        } else if (r < 0.19) {
            consent(c);
        } else if (c.member() && (r < 0.23 || (c.tier != c.tierSent && r < 0.5))) {
            crmRecord(c);
        } else {
            webVisit(c);
        }
        return drafts;
    }

    // ---------------------------------------------------------------- web

    private void webVisit(Customer c) {
        int device = random.nextInt(c.webDevices);
        String ecid = c.ecid(device);
        boolean remembered = (c.loggedInDevices & (1 << device)) != 0;
        String email = remembered && random.nextDouble() < 0.8 ? c.typedEmail(random) : null;
        Catalog.Category focus = interestingCategory(c);
        List<Catalog.Product> cart = new ArrayList<>();
        Catalog.Product lastViewed = null;

        EventDraft landing = web(c, "web.pageView", ecid, email, false);
        if (random.nextDouble() < 0.6) {
            landing.property("page", "home").property("url", "https://shop.example.com/");
        } else {
            landing.property("page", "category/" + focus.id())
                    .property("url", "https://shop.example.com/" + focus.id());
        }
        String referrer = pick(Catalog.REFERRERS);
        if (!referrer.isEmpty()) {
            landing.property("referrer", referrer);
        }
        if (random.nextDouble() < 0.25) {
            // Web geo-location: mostly home, sometimes travelling.
            landing.attribute(
                    "country",
                    random.nextDouble() < 0.95 ? c.country.code() : pick(Catalog.COUNTRIES).code());
        }

        int steps = 1;
        while (steps < 20 && random.nextDouble() < 0.75) {
            steps++;
        }
        double loginChance = c.member() ? 0.35 : 0.2;
        int loginAt =
                email == null && random.nextDouble() < loginChance ? random.nextInt(steps) : -1;
        for (int step = 0; step < steps; step++) {
            advance(gap());
            if (step == loginAt) {
                email = login(c, device, ecid);
                advance(gap());
            }
            double r = random.nextDouble();
            boolean view;
            if (r < 0.3) {
                focus = interestingCategory(c);
                String query = pick(focus.queries());
                web(c, "web.search", ecid, email, false)
                        .property("query", query)
                        .property("results", 3 + random.nextInt(46));
                c.recordSearch(clock);
                view = random.nextDouble() < 0.75;
                if (view) {
                    advance(gap());
                }
            } else {
                view = r < 0.8;
                if (!view) {
                    focus = interestingCategory(c);
                    web(c, "web.pageView", ecid, email, false)
                            .property("page", "category/" + focus.id())
                            .property("url", "https://shop.example.com/" + focus.id());
                }
            }
            if (view) {
                Catalog.Product p = pick(focus.products());
                lastViewed = p;
                web(c, "web.productView", ecid, email, false)
                        .property("sku", p.sku())
                        .property("name", p.name())
                        .property("category", focus.id())
                        .property("value", p.price())
                        .property("currency", c.country.currency());
                double addChance = isInterest(c, focus) ? 0.22 : 0.12;
                if (random.nextDouble() < addChance) {
                    advance(gap());
                    addToCart(c, ecid, email, p);
                    cart.add(p);
                }
            }
        }

        PurchaseModel.Features features = c.purchaseFeatures(clock);
        if (random.nextDouble() < PurchaseModel.probability(features)) {
            if (email == null && (c.member() || random.nextBoolean())) {
                advance(shortGap());
                email = login(c, device, ecid);
            }
            String checkoutEmail = email != null ? email : c.typedEmail(random); // guest
            if (cart.isEmpty()) {
                Catalog.Product p = lastViewed != null ? lastViewed : pick(focus.products());
                advance(shortGap());
                addToCart(c, ecid, checkoutEmail, p);
                cart.add(p);
            }
            BigDecimal total = total(cart);
            advance(shortGap());
            web(c, "commerce.checkout", ecid, checkoutEmail, true)
                    .property("value", total)
                    .property("currency", c.country.currency())
                    .property("items", cart.size());
            advance(shortGap());
            web(c, "commerce.purchase", ecid, checkoutEmail, true)
                    .property("orderId", orderId())
                    .property("sku", cart.get(0).sku())
                    .property("value", total)
                    .property("currency", c.country.currency())
                    .property("items", cart.size());
            purchased(c);
        } else if (!cart.isEmpty() && random.nextDouble() < 0.35) {
            // Abandoned checkout.
            advance(shortGap());
            web(c, "commerce.checkout", ecid, email, true)
                    .property("value", total(cart))
                    .property("currency", c.country.currency())
                    .property("items", cart.size());
        }
    }

    private String login(Customer c, int device, String ecid) {
        String email = c.typedEmail(random);
        web(c, "web.login", ecid, email, false).property("method", "password");
        if (random.nextDouble() < 0.7) {
            c.loggedInDevices |= 1 << device; // "remember me"
        }
        return email;
    }

    private void addToCart(Customer c, String ecid, String email, Catalog.Product p) {
        web(c, "commerce.addToCart", ecid, email, true)
                .property("sku", p.sku())
                .property("value", p.price())
                .property("currency", c.country.currency())
                .property("quantity", 1);
        c.recordCartAdd(clock);
    }

    /** A web event; logged-in commerce events of CRM members also carry the CRM id. */
    private EventDraft web(Customer c, String type, String ecid, String email, boolean commerce) {
        EventDraft e = draft(c, type, "web", 0.01);
        e.identity("ecid", ecid);
        if (email != null) {
            e.identity("email", email);
            if (commerce && c.member()) {
                e.identity("crm", c.crmId);
            }
        }
        return e;
    }

    // ---------------------------------------------------------------- app, store, consent, CRM

    private void appOpen(Customer c) {
        String ecid = c.ecid(Customer.APP_DEVICE);
        boolean known = (c.loggedInDevices & (1 << Customer.APP_DEVICE)) != 0;
        if (!known && random.nextDouble() < 0.7) {
            c.loggedInDevices |= 1 << Customer.APP_DEVICE;
            known = true;
        }
        int opens = random.nextDouble() < 0.2 ? 2 : 1;
        for (int i = 0; i < opens; i++) {
            if (i > 0) {
                advance(gap() * 4);
            }
            // Mobile events are sent in batches: a third arrive a little late.
            EventDraft e = draft(c, "app.open", "app", 0.3);
            e.identity("ecid", ecid);
            if (known) {
                if (c.phone != null) {
                    e.identity("phone", c.phone);
                } else {
                    e.identity("email", c.email);
                }
            }
            e.property("appVersion", pick(Catalog.APP_VERSIONS)).property("screen", "home");
            if (!c.appOpened) {
                e.attribute("platform", c.ios ? "ios" : "android");
                c.appOpened = true;
            }
            if (random.nextDouble() < 0.15) {
                List<String> interests = new ArrayList<>(c.interests.length);
                for (int k : c.interests) {
                    interests.add(Catalog.CATEGORIES.get(k).interest());
                }
                e.attribute("interests", interests);
            }
        }
    }

    private void storePurchase(Customer c) {
        EventDraft e = draft(c, "commerce.purchase", "pos", 0.0);
        if (c.member() && random.nextDouble() < 0.85) {
            e.identity("crm", c.crmId); // loyalty card
            if (c.phone != null && random.nextDouble() < 0.3) {
                e.identity("phone", c.phone);
            }
        } else if (c.phone != null) {
            e.identity("phone", c.phone);
        } else {
            e.identity("email", c.typedEmail(random)); // e-receipt
        }
        String store =
                random.nextDouble() < 0.85
                        ? c.homeStore
                        : Catalog.storeId(
                                c.country.code(), random.nextInt(Catalog.STORES_PER_COUNTRY));
        List<Catalog.Product> items = new ArrayList<>();
        int n = 1 + (random.nextDouble() < 0.3 ? 1 + random.nextInt(2) : 0);
        for (int i = 0; i < n; i++) {
            items.add(pick(interestingCategory(c).products()));
        }
        e.property("orderId", orderId())
                .property("storeId", store)
                .property("sku", items.get(0).sku())
                .property("value", total(items))
                .property("currency", c.country.currency())
                .property("items", n);
        if (random.nextDouble() < 0.4) {
            e.attribute("preferredStore", c.homeStore);
        }
        purchased(c);
    }

    private void consent(Customer c) {
        if (c.hasApp && c.phone != null && random.nextDouble() < 0.2) {
            draft(c, "consent.update", "app", 0.3)
                    .identity("ecid", c.ecid(Customer.APP_DEVICE))
                    .identity("phone", c.phone)
                    .attribute("consentSms", random.nextDouble() < 0.6)
                    .property("channel", "sms")
                    .property("method", "app-settings");
            return;
        }
        boolean value;
        if (c.emailConsent == 0) {
            value = random.nextDouble() < 0.85;
        } else {
            boolean current = c.emailConsent == 1;
            value = random.nextDouble() < 0.3 ? !current : current;
        }
        c.emailConsent = value ? 1 : 2;
        if (c.member() && random.nextDouble() < 0.4) {
            draft(c, "consent.update", "crm", 0.0)
                    .identity("crm", c.crmId)
                    .identity("email", c.email)
                    .attribute("consentEmail", value)
                    .property("channel", "email")
                    .property("method", "crm-sync");
        } else {
            // A newsletter form: also links the device to the email.
            draft(c, "consent.update", "web", 0.01)
                    .identity("ecid", c.ecid(random.nextInt(c.webDevices)))
                    .identity("email", c.typedEmail(random))
                    .attribute("consentEmail", value)
                    .property("channel", "email")
                    .property("method", "newsletter-form");
        }
    }

    private void crmRecord(Customer c) {
        EventDraft e = draft(c, "crm.record", "crm", 0.0);
        String email = c.email;
        if (random.nextDouble() < 0.1) {
            email = c.typedEmail(random); // legacy CRM data is not always clean
        }
        e.identity("crm", c.crmId).identity("email", email);
        if (!c.crmRecordSent) {
            if (c.phone != null && random.nextDouble() < 0.7) {
                e.identity("phone", c.phone);
            }
            e.attribute("firstName", c.firstName)
                    .attribute("lastName", c.lastName)
                    .attribute("loyaltyTier", Catalog.TIERS.get(c.tier))
                    .attribute("country", c.country.code())
                    .attribute("birthYear", c.birthYear)
                    .property("operation", "create");
            c.crmRecordSent = true;
        } else {
            e.attribute("loyaltyTier", Catalog.TIERS.get(c.tier)).property("operation", "update");
        }
        c.tierSent = c.tier;
    }

    private void purchased(Customer c) {
        c.purchases++;
        if (c.member() && c.tier < 3 && c.purchases % 4 == 0) {
            c.tier++; // the CRM tells the world in its next record
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A new event at the current clock. {@code lateChance}: probability that it arrives up to
     * {@link #MAX_DELAY_MILLIS} after its timestamp (network, batching).
     */
    private EventDraft draft(Customer c, String type, String source, double lateChance) {
        EventDraft e = new EventDraft(c.index, clock, type, source);
        e.arrival = clock;
        if (lateChance > 0 && random.nextDouble() < lateChance) {
            e.arrival += 100 + (long) (random.nextDouble() * (MAX_DELAY_MILLIS - 100));
        }
        drafts.add(e);
        return e;
    }

    private void advance(double millis) {
        clock = Math.min(end, clock + Math.max(1, Math.round(millis * gapScale)));
    }

    /** Time between two steps of a visit: log-normal, median 20 s, from 0.5 s to 15 min. */
    private double gap() {
        double g = 20_000 * StrictMath.exp(0.9 * random.nextGaussian());
        return Math.max(500, Math.min(900_000, g));
    }

    /** Time between two steps of checking out: 5 s to 2 min. */
    private double shortGap() {
        return 5_000 + random.nextDouble() * 115_000;
    }

    private Catalog.Category interestingCategory(Customer c) {
        if (random.nextDouble() < 0.75) {
            return Catalog.CATEGORIES.get(c.interests[random.nextInt(c.interests.length)]);
        }
        return pick(Catalog.CATEGORIES);
    }

    private static boolean isInterest(Customer c, Catalog.Category category) {
        for (int k : c.interests) {
            if (Catalog.CATEGORIES.get(k) == category) {
                return true;
            }
        }
        return false;
    }

    private static BigDecimal total(List<Catalog.Product> products) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Catalog.Product p : products) {
            sum = sum.add(p.price());
        }
        return sum;
    }

    private String orderId() {
        return "o-" + orderTag + "-" + (++orders);
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
