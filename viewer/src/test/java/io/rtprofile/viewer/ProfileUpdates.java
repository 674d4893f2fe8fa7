package io.rtprofile.viewer;

import io.rtprofile.schema.AttributeOrigin;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.ScoreFactor;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Profile updates for the viewer's tests, built the way the job shapes them. */
public final class ProfileUpdates {
    public static final long T0 = Instant.parse("2026-11-01T10:00:00Z").toEpochMilli();

    private final ProfileUpdate.Builder update = ProfileUpdate.newBuilder();
    private final List<Identity> identities = new ArrayList<>();
    private final Map<String, Object> attributes = new HashMap<>();
    private final Map<String, AttributeOrigin> origins = new HashMap<>();
    private final Map<String, SegmentMembership> segments = new HashMap<>();
    private final List<SegmentChange> changes = new ArrayList<>();
    private final Map<String, Score> scores = new HashMap<>();

    private ProfileUpdates(String profileId, long version, long updatedAt) {
        update.setProfileId(profileId).setVersion(version).setUpdatedAt(updatedAt);
    }

    public static ProfileUpdates profile(String profileId, long version, long updatedAt) {
        return new ProfileUpdates(profileId, version, updatedAt);
    }

    public ProfileUpdates identity(String namespace, String id) {
        identities.add(new Identity(namespace, id));
        return this;
    }

    public ProfileUpdates attribute(String name, Object value, String source, long at) {
        attributes.put(name, value);
        origins.put(name, new AttributeOrigin(source, at, "e-" + name + "-" + at));
        return this;
    }

    /** A membership; {@code realized} also reports the transition at {@code since}. */
    public ProfileUpdates segment(String segmentId, SegmentStatus status, long since) {
        segments.put(segmentId, new SegmentMembership(status, since));
        if (status != SegmentStatus.existing) {
            changes.add(new SegmentChange(segmentId, status, since));
        }
        return this;
    }

    public ProfileUpdates score(String modelId, double score) {
        scores.put(
                modelId,
                new Score(score, 50, 1L, List.of(new ScoreFactor("visits_7d", 3.0, 0.4)), null));
        return this;
    }

    public ProfileUpdate build() {
        return update.setIdentities(identities)
                .setAttributes(attributes)
                .setAttributeOrigins(origins)
                .setSegments(segments)
                .setSegmentChanges(changes)
                .setScores(scores)
                .build();
    }
}
