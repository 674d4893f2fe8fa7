package io.rtprofile.schema.json;

import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.Tombstone;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * One record of the job's output stream as JSON: an update exactly as {@link ProfileUpdateJson}
 * writes it, or a tombstone {@code
 * {"profileId":"p-..","tombstone":true,"reason":"merged","survivorId":"p-..","at":"<ISO-8601>"}}
 * ({@code survivorId} only when there is one: a merge names its survivor, an erasure does not).
 */
public final class ProfileOutputJson {
    private ProfileOutputJson() {}

    /**
     * @throws IllegalArgumentException when the output is neither an update nor a tombstone, or
     *     both
     */
    public static String toJson(ProfileOutput output) {
        if ((output.getUpdate() == null) == (output.getTombstone() == null)) {
            throw new IllegalArgumentException(
                    "profile output for "
                            + output.getProfileId()
                            + " must hold exactly one of update and tombstone");
        }
        if (output.getUpdate() != null) {
            return ProfileUpdateJson.toJson(output.getUpdate());
        }
        return Json.render(
                out -> writeTombstone(out, output.getProfileId(), output.getTombstone()));
    }

    static void writeTombstone(JsonGenerator out, String profileId, Tombstone tombstone)
            throws IOException {
        out.writeStartObject();
        out.writeStringField("profileId", profileId);
        out.writeBooleanField("tombstone", true);
        out.writeStringField("reason", tombstone.getReason().name());
        if (tombstone.getSurvivorId() != null) {
            out.writeStringField("survivorId", tombstone.getSurvivorId());
        }
        out.writeStringField("at", Timestamps.format(tombstone.getAt()));
        out.writeEndObject();
    }
}
