package io.rtprofile.schema.json;

import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.Tombstone;
import io.rtprofile.schema.internal.TombstoneReason;

import org.junit.jupiter.api.Test;

import java.util.HashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The job's output stream as JSON: updates as ever, tombstones with reason and survivor. */
class ProfileOutputJsonTest {

    /** 2026-11-01T10:00:00Z in epoch milliseconds. */
    private static final long T0 = 1_793_527_200_000L;

    @Test
    void anUpdateRendersExactlyAsProfileUpdateJson() {
        ProfileUpdate update = ProfileUpdateJsonTest.fullUpdate(new HashMap<>());

        String json =
                ProfileOutputJson.toJson(new ProfileOutput(update.getProfileId(), update, null));

        assertThat(json).isEqualTo(ProfileUpdateJson.toJson(update));
    }

    @Test
    void aMergedProfileNamesItsSurvivor() {
        ProfileOutput output =
                new ProfileOutput(
                        "p-absorbed",
                        null,
                        new Tombstone(TombstoneReason.merged, "p-survivor", T0));

        assertThat(ProfileOutputJson.toJson(output))
                .isEqualTo(
                        "{\"profileId\":\"p-absorbed\",\"tombstone\":true,\"reason\":\"merged\","
                                + "\"survivorId\":\"p-survivor\",\"at\":\"2026-11-01T10:00:00Z\"}");
    }

    @Test
    void anErasedProfileHasNoSurvivor() {
        ProfileOutput output =
                new ProfileOutput(
                        "p-1", null, new Tombstone(TombstoneReason.erased, null, T0 + 250));

        assertThat(ProfileOutputJson.toJson(output))
                .isEqualTo(
                        "{\"profileId\":\"p-1\",\"tombstone\":true,\"reason\":\"erased\","
                                + "\"at\":\"2026-11-01T10:00:00.250Z\"}");
    }

    @Test
    void anOutputMustBeEitherAnUpdateOrATombstone() {
        ProfileUpdate update = ProfileUpdateJsonTest.fullUpdate(new HashMap<>());
        Tombstone tombstone = new Tombstone(TombstoneReason.erased, null, T0);

        assertThatThrownBy(() -> ProfileOutputJson.toJson(new ProfileOutput("p-1", null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p-1");
        assertThatThrownBy(
                        () -> ProfileOutputJson.toJson(new ProfileOutput("p-1", update, tombstone)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
