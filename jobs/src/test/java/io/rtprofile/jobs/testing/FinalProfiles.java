package io.rtprofile.jobs.testing;

import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** What the tests compare runs by: each profile's last update, with and without its version. */
public final class FinalProfiles {
    private FinalProfiles() {}

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
