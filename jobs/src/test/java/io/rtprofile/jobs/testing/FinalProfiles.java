package io.rtprofile.jobs.testing;

import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.json.ProfileUpdateJson;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** What the tests compare runs by: each profile's last update, with and without its version. */
public final class FinalProfiles {
    private FinalProfiles() {}

    /** The updates among outputs, in order (tombstones left out). */
    public static List<ProfileUpdate> updates(Collection<ProfileOutput> outputs) {
        List<ProfileUpdate> updates = new ArrayList<>();
        for (ProfileOutput output : outputs) {
            if (output.getUpdate() != null) {
                updates.add(output.getUpdate());
            }
        }
        return updates;
    }

    /**
     * The profiles that exist at the end: each profile's last update, unless a tombstone (a merge
     * or an erasure) came after it. Outputs must be in the order emitted per profile.
     */
    public static Map<String, ProfileUpdate> live(Collection<ProfileOutput> outputs) {
        Map<String, ProfileUpdate> live = new TreeMap<>();
        for (ProfileOutput output : outputs) {
            if (output.getUpdate() != null) {
                live.put(output.getProfileId(), output.getUpdate());
            } else {
                live.remove(output.getProfileId());
            }
        }
        return live;
    }

    /**
     * Live profiles keyed by their first identity (the highest priority) and shown without id or
     * version: a profile's id depends on the order its links arrived in (the id of the profile that
     * survived each merge), and so does the count of its updates; nothing else may.
     */
    public static Map<String, String> byIdentity(Map<String, ProfileUpdate> live) {
        Map<String, String> json = new TreeMap<>();
        live.values()
                .forEach(
                        update -> {
                            Identity first = update.getIdentities().get(0);
                            json.put(
                                    first.getNamespace() + ":" + first.getId(),
                                    ProfileUpdateJson.toJson(
                                            ProfileUpdate.newBuilder(update)
                                                    .setProfileId("")
                                                    .setVersion(0)
                                                    .build()));
                        });
        return json;
    }

    /**
     * Checks versions per profile as {@link #assertVersionsContiguous} does, where a tombstone ends
     * a profile: an id used again later (an identity founding a profile after an erasure) starts
     * from 1.
     */
    public static void assertOutputVersionsContiguous(Collection<ProfileOutput> outputs) {
        Map<String, Long> last = new HashMap<>();
        for (ProfileOutput output : outputs) {
            if (output.getUpdate() == null) {
                assertThat(last)
                        .as("tombstone of %s", output.getProfileId())
                        .containsKey(output.getProfileId());
                last.remove(output.getProfileId());
                continue;
            }
            long expected = last.getOrDefault(output.getProfileId(), 0L) + 1;
            assertThat(output.getUpdate().getVersion())
                    .as("version of %s", output.getProfileId())
                    .isEqualTo(expected);
            last.put(output.getProfileId(), expected);
        }
    }

    /** The update of highest version per profile. */
    public static Map<String, ProfileUpdate> of(Collection<ProfileUpdate> updates) {
        Map<String, ProfileUpdate> last = new TreeMap<>();
        for (ProfileUpdate update : updates) {
            last.merge(
                    update.getProfileId(),
                    update,
                    (a, b) -> a.getVersion() >= b.getVersion() ? a : b);
        }
        return last;
    }

    /**
     * Checks that every profile's updates, in the order given (the order read from its partition),
     * have versions 1, 2, 3, ... with no gap and no repeat; returns the last version per profile.
     */
    public static Map<String, Long> assertVersionsContiguous(Collection<ProfileUpdate> updates) {
        Map<String, Long> last = new TreeMap<>();
        for (ProfileUpdate update : updates) {
            long expected = last.getOrDefault(update.getProfileId(), 0L) + 1;
            assertThat(update.getVersion())
                    .as("version of %s", update.getProfileId())
                    .isEqualTo(expected);
            last.put(update.getProfileId(), expected);
        }
        return last;
    }

    /**
     * Profiles as JSON with version 0: the version counts emitted updates, which depends on the
     * order events meet a profile; everything else must not.
     */
    public static Map<String, String> withoutVersion(Map<String, ProfileUpdate> profiles) {
        Map<String, String> json = new TreeMap<>();
        profiles.forEach(
                (id, update) ->
                        json.put(
                                id,
                                ProfileUpdateJson.toJson(
                                        ProfileUpdate.newBuilder(update).setVersion(0).build())));
        return json;
    }
}
