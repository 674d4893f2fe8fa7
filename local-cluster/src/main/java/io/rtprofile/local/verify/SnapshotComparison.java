package io.rtprofile.local.verify;

import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the profiles that exist at the end of a run with the snapshot of a fault-free run over
 * the same events ({@code rtprofile run --snapshot}), as they stand ({@link
 * ProfileMerger#standing}: memberships {@code existing}, no segment changes).
 *
 * <p>Profiles are matched by their first identity (the highest-priority one), and compared without
 * {@code profileId} and {@code version}: the contract makes the final profile independent of the
 * order events arrive in, except for these two. The id of a merged profile is the id of the side
 * that survived, which depends on the order its links arrived in, and the version counts the
 * updates emitted, which depends on the order too (docs/profiles.md). A Kafka job with two
 * partitions and a bounded file run read the same events in different orders, so both may
 * legitimately differ; {@link #idsDiffering} and {@link #versionsDiffering} count how often they
 * did, for the report.
 */
public final class SnapshotComparison {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fields shown per differing profile. */
    private static final int FIELDS_SHOWN = 3;

    /** Characters shown of a differing value. */
    private static final int VALUE_CHARS = 120;

    private final Findings missing = new Findings();
    private final Findings extra = new Findings();
    private final Findings different = new Findings();
    private final Findings ambiguous = new Findings();
    private long matched;
    private long idsDiffering;
    private long versionsDiffering;
    private long expectedProfiles;
    private long actualProfiles;

    /**
     * @param actual the last update of each profile that exists at the end of the checked run
     * @param expected the fault-free run's snapshot (standing profiles)
     */
    public static SnapshotComparison compare(
            Collection<ProfileUpdate> actual, Collection<ProfileUpdate> expected) {
        SnapshotComparison comparison = new SnapshotComparison();
        comparison.expectedProfiles = expected.size();
        comparison.actualProfiles = actual.size();
        Map<String, ProfileUpdate> actualByIdentity =
                comparison.byFirstIdentity(actual, "the checked run");
        Map<String, ProfileUpdate> expectedByIdentity =
                comparison.byFirstIdentity(expected, "the expected snapshot");
        for (Map.Entry<String, ProfileUpdate> e : expectedByIdentity.entrySet()) {
            ProfileUpdate found = actualByIdentity.get(e.getKey());
            if (found == null) {
                comparison.missing.add(
                        "profile of " + e.getKey() + " (" + e.getValue().getProfileId() + ")");
                continue;
            }
            if (!found.getProfileId().equals(e.getValue().getProfileId())) {
                comparison.idsDiffering++;
            }
            if (found.getVersion() != e.getValue().getVersion()) {
                comparison.versionsDiffering++;
            }
            JsonNode want = comparable(e.getValue());
            JsonNode got = comparable(found);
            if (want.equals(got)) {
                comparison.matched++;
            } else {
                comparison.different.add(
                        "profile of "
                                + e.getKey()
                                + " ("
                                + found.getProfileId()
                                + "): "
                                + diff(want, got));
            }
        }
        for (Map.Entry<String, ProfileUpdate> e : actualByIdentity.entrySet()) {
            if (!expectedByIdentity.containsKey(e.getKey())) {
                comparison.extra.add(
                        "profile of " + e.getKey() + " (" + e.getValue().getProfileId() + ")");
            }
        }
        return comparison;
    }

    private Map<String, ProfileUpdate> byFirstIdentity(
            Collection<ProfileUpdate> profiles, String side) {
        Map<String, ProfileUpdate> byIdentity = new TreeMap<>();
        for (ProfileUpdate profile : profiles) {
            String key = firstIdentity(profile);
            ProfileUpdate other = byIdentity.put(key, profile);
            if (other != null) {
                // One identity in two live profiles: the identity graph's promise is broken.
                ambiguous.add(
                        key
                                + " leads two profiles in "
                                + side
                                + ": "
                                + other.getProfileId()
                                + " and "
                                + profile.getProfileId());
            }
        }
        return byIdentity;
    }

    private static String firstIdentity(ProfileUpdate profile) {
        List<Identity> identities = profile.getIdentities();
        if (identities.isEmpty()) {
            return "(no identity) " + profile.getProfileId();
        }
        return identities.get(0).getNamespace() + ":" + identities.get(0).getId();
    }

    /** The standing profile as a JSON tree, without id and version. */
    static JsonNode comparable(ProfileUpdate profile) {
        ProfileUpdate standing =
                ProfileUpdate.newBuilder(ProfileMerger.standing(profile))
                        .setProfileId("")
                        .setVersion(0)
                        .build();
        try {
            return JSON.readTree(ProfileUpdateJson.toJson(standing));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first few top-level fields that differ: {@code field: expected X, found Y}. */
    static String diff(JsonNode want, JsonNode got) {
        TreeSet<String> fields = new TreeSet<>();
        want.fieldNames().forEachRemaining(fields::add);
        got.fieldNames().forEachRemaining(fields::add);
        List<String> parts = new ArrayList<>();
        Iterator<String> names = fields.iterator();
        int differing = 0;
        while (names.hasNext()) {
            String field = names.next();
            JsonNode a = want.get(field);
            JsonNode b = got.get(field);
            if (a == null ? b == null : a.equals(b)) {
                continue;
            }
            differing++;
            if (parts.size() < FIELDS_SHOWN) {
                parts.add(field + ": expected " + shorten(a) + ", found " + shorten(b));
            }
        }
        if (differing > parts.size()) {
            parts.add("and " + (differing - parts.size()) + " more fields");
        }
        return String.join("; ", parts);
    }

    private static String shorten(JsonNode node) {
        String text = node == null ? "(absent)" : node.toString();
        return text.length() <= VALUE_CHARS ? text : text.substring(0, VALUE_CHARS) + "...";
    }

    /** Expected profiles found equal. */
    public long matched() {
        return matched;
    }

    /** Matched profiles whose id differs (legitimate: see the class comment). */
    public long idsDiffering() {
        return idsDiffering;
    }

    /** Matched profiles whose version differs (legitimate: see the class comment). */
    public long versionsDiffering() {
        return versionsDiffering;
    }

    public long expectedProfiles() {
        return expectedProfiles;
    }

    public long actualProfiles() {
        return actualProfiles;
    }

    /** In the snapshot, not at the end of the checked run. */
    public Findings missing() {
        return missing;
    }

    /** At the end of the checked run, not in the snapshot. */
    public Findings extra() {
        return extra;
    }

    /** In both, not equal. */
    public Findings different() {
        return different;
    }

    /** An identity leading two profiles on one side. */
    public Findings ambiguous() {
        return ambiguous;
    }
}
