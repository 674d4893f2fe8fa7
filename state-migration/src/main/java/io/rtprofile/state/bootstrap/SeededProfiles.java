package io.rtprofile.state.bootstrap;

import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.schema.AttributeOrigin;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.state.AttributeState;
import io.rtprofile.schema.state.IdentityState;
import io.rtprofile.schema.state.ProfileEngineState;
import io.rtprofile.schema.state.ProfileState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine state of a profile known only by its contract view: a warehouse export, or {@code
 * rtprofile run --snapshot}. It carries identities, attributes, memberships and scores; not the
 * window aggregates, which only the events could rebuild (docs/state-toolkit.md).
 *
 * <p>What is missing is filled so that the profile behaves as if its history had been seen up to
 * {@code updatedAt} and nothing of it is in a window: attributes keep the origin the snapshot gives
 * them ({@code attributeOrigins}, in our own exports); without one they hold at {@code updatedAt}
 * from the source {@value #SOURCE}, so any later event wins them under the timestamp policy;
 * identities were first and last seen then; the segment clock stands at {@code updatedAt}.
 */
public final class SeededProfiles {
    private SeededProfiles() {}

    /** The source recorded on seeded attributes. */
    public static final String SOURCE = "bootstrap";

    /** The event id recorded on seeded attributes: below any real one in the tie-break. */
    static final String EVENT_ID = "";

    public static ProfileEngineState engineOf(ProfileUpdate profile) {
        if (profile == null) {
            throw new IllegalArgumentException("a snapshot record has neither profile nor engine");
        }
        long at = profile.getUpdatedAt();
        ProfileState state = ProfileMerger.newProfile(profile.getProfileId());
        state.setVersion(profile.getVersion());
        state.setUpdatedAt(at);
        List<IdentityState> identities = new ArrayList<>();
        for (Identity identity : profile.getIdentities()) {
            identities.add(new IdentityState(identity.getNamespace(), identity.getId(), at, at));
        }
        state.setIdentities(identities);
        Map<String, AttributeState> attributes = new HashMap<>();
        profile.getAttributes()
                .forEach(
                        (name, value) -> {
                            // An export of ours says where each value came from: keep it, so the
                            // merge policy weighs later events against the real winner.
                            AttributeOrigin origin = profile.getAttributeOrigins().get(name);
                            attributes.put(
                                    name,
                                    origin == null
                                            ? new AttributeState(value, at, SOURCE, EVENT_ID)
                                            : new AttributeState(
                                                    value,
                                                    origin.getAt(),
                                                    origin.getSource(),
                                                    origin.getEventId()));
                        });
        state.setAttributes(attributes);
        Map<String, Long> segments = new HashMap<>();
        long changed = Long.MIN_VALUE;
        for (Map.Entry<String, SegmentMembership> m : profile.getSegments().entrySet()) {
            if (m.getValue().getStatus() != SegmentStatus.exited) {
                segments.put(m.getKey(), m.getValue().getSince());
                changed = Math.max(changed, m.getValue().getSince());
            }
        }
        state.setSegments(segments);
        state.setSegmentsChangedAt(changed);
        state.setSegmentClock(at);
        Map<String, Score> scores = new HashMap<>();
        profile.getScores().forEach((id, score) -> scores.put(id, Score.newBuilder(score).build()));
        state.setScores(scores);
        if (!scores.isEmpty()) {
            state.setScoresChangedAt(at);
        }
        return ProfileEngineState.newBuilder().setState(state).build();
    }
}
