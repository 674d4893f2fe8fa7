package io.rtprofile.jobs.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** Seeded random events in the contract's JSON, shared by the jobs and local-cluster tests. */
public final class TestEvents {
    private TestEvents() {}

    /**
     * Events over a pool of customers: each has a device id and maybe an email (the routing
     * identity), attributes from several sources with colliding timestamps, so that merge ties are
     * exercised.
     */
    public static List<String> random(Random random, int count, int customers) {
        return random(random, count, customers, false);
    }

    /**
     * As {@link #random(Random, int, int)}; with {@code anonymous}, half the events carry only the
     * customer's device, so each device founds a profile of its own until an event carrying it with
     * the email links them: identity merges, in every order.
     */
    public static List<String> random(Random random, int count, int customers, boolean anonymous) {
        String[] sources = {"web", "crm", "pos", "app", "partner"};
        String[] tiers = {"bronze", "silver", "gold"};
        List<String> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int customer = random.nextInt(customers);
            long timestamp = 1_700_000_000_000L + random.nextInt(500) * 1000L;
            StringBuilder identities = new StringBuilder();
            if (anonymous && random.nextBoolean()) {
                identities.append(device(customer, random));
            } else {
                identities.append(
                        String.format(
                                Locale.ROOT,
                                "{\"namespace\":\"email\",\"id\":\" C%d@Example.com\"}",
                                customer));
                if (random.nextBoolean()) {
                    identities.append(',').append(device(customer, random));
                }
            }
            Map<String, String> attributes = new HashMap<>();
            if (random.nextInt(3) == 0) {
                attributes.put("loyaltyTier", "\"" + tiers[random.nextInt(tiers.length)] + "\"");
            }
            if (random.nextInt(4) == 0) {
                attributes.put("score", String.valueOf(random.nextInt(5)));
            }
            if (random.nextInt(10) == 0) {
                attributes.put("interests", "[\"run\",\"hike\"]");
            }
            if (random.nextInt(20) == 0) {
                attributes.put("nickname", "null");
            }
            StringBuilder attributeJson = new StringBuilder("{");
            attributes.forEach(
                    (k, v) ->
                            attributeJson
                                    .append(attributeJson.length() > 1 ? "," : "")
                                    .append('"')
                                    .append(k)
                                    .append("\":")
                                    .append(v));
            attributeJson.append('}');
            events.add(
                    String.format(
                            Locale.ROOT,
                            "{\"eventId\":\"e-%d\",\"timestamp\":%d,\"type\":\"web.pageView\","
                                    + "\"identities\":[%s],\"source\":\"%s\","
                                    + "\"attributes\":%s,\"properties\":{\"page\":\"/p/%d\"}}",
                            i,
                            timestamp,
                            identities,
                            sources[random.nextInt(sources.length)],
                            attributeJson,
                            random.nextInt(100)));
        }
        return events;
    }

    private static String device(int customer, Random random) {
        return String.format(
                Locale.ROOT,
                "{\"namespace\":\"ecid\",\"id\":\"dev-%d-%d\"}",
                customer,
                random.nextInt(3));
    }
}
