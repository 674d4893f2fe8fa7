package io.rtprofile.viewer.bench;

import io.rtprofile.schema.AttributeOrigin;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.ScoreFactor;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Profiles shaped like the demo's, for the viewer benchmark: a crm id, an email and a device id,
 * eight attributes with their origins, up to three of ten segments, two model scores with factors.
 * Profile {@code i} is the same for a given seed, so lookups can name any of them.
 */
final class SyntheticProfiles {
    private static final String[] COUNTRIES = {"FR", "DE", "ES", "IT", "NL", "GB", "US", "PL"};
    private static final String[] TIERS = {"bronze", "silver", "gold", "platinum"};
    private static final String[] FIRST = {"ann", "omar", "mateo", "lena", "yuki", "ines", "raj"};
    private static final String[] SOURCES = {"crm", "web", "pos", "app"};
    static final int SEGMENTS = 10;
    static final long T0 = 1_793_527_200_000L; // 2026-11-01T10:00:00Z

    private final long seed;

    SyntheticProfiles(long seed) {
        this.seed = seed;
    }

    static String profileId(long i) {
        return String.format("p-%016x", i * 0x9E3779B97F4A7C15L);
    }

    static String email(long i) {
        return FIRST[(int) (i % FIRST.length)] + ".n" + i + "@example.com";
    }

    ProfileUpdate profile(long i) {
        SplittableRandom random = new SplittableRandom(seed * 31 + i);
        long at = T0 + random.nextLong(30L * 86_400_000L);
        List<Identity> identities =
                List.of(
                        new Identity("crm", String.format("CRM%08d", i)),
                        new Identity("email", email(i)),
                        new Identity("ecid", Long.toHexString(random.nextLong())));
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("firstName", FIRST[(int) (i % FIRST.length)]);
        attributes.put("lastName", "Name" + random.nextInt(5000));
        attributes.put("country", COUNTRIES[random.nextInt(COUNTRIES.length)]);
        attributes.put("loyaltyTier", TIERS[random.nextInt(TIERS.length)]);
        attributes.put("birthYear", 1950L + random.nextInt(55));
        attributes.put("consentEmail", random.nextBoolean());
        attributes.put("lifetimeValue", Math.round(random.nextDouble() * 500000) / 100.0);
        attributes.put("interests", List.of("shoes", "bags"));
        Map<String, AttributeOrigin> origins = new HashMap<>();
        for (String name : attributes.keySet()) {
            origins.put(
                    name,
                    new AttributeOrigin(
                            SOURCES[random.nextInt(SOURCES.length)],
                            at - random.nextLong(86_400_000L),
                            "e-" + i + "-" + name));
        }
        Map<String, SegmentMembership> segments = new HashMap<>();
        int memberships = random.nextInt(4);
        for (int s = 0; s < memberships; s++) {
            segments.put(
                    "segment-" + random.nextInt(SEGMENTS),
                    new SegmentMembership(
                            SegmentStatus.existing, at - random.nextLong(86_400_000L)));
        }
        Map<String, Score> scores = new HashMap<>();
        for (String model : List.of("purchase-propensity", "churn-risk")) {
            List<ScoreFactor> factors = new ArrayList<>();
            for (String feature : List.of("visits_7d", "cart_adds_30d", "purchases_90d")) {
                factors.add(
                        new ScoreFactor(
                                feature, (double) random.nextInt(20), random.nextDouble() * 2 - 1));
            }
            scores.put(
                    model, new Score(random.nextDouble(), random.nextInt(100), 7L, factors, null));
        }
        return ProfileUpdate.newBuilder()
                .setProfileId(profileId(i))
                .setVersion(1 + random.nextInt(40))
                .setUpdatedAt(at)
                .setIdentities(identities)
                .setAttributes(attributes)
                .setAttributeOrigins(origins)
                .setSegments(segments)
                .setSegmentChanges(List.of())
                .setScores(scores)
                .build();
    }
}
