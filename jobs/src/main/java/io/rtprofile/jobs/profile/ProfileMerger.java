package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.segments.evaluation.SegmentEvaluator;
import io.rtprofile.schema.AttributeOrigin;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.json.AttributeValues;
import io.rtprofile.schema.state.AttributeState;
import io.rtprofile.schema.state.IdentityState;
import io.rtprofile.schema.state.ProfileState;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Folds events into a profile. Pure logic over the state record, so it is tested without Flink.
 *
 * <p>What a profile shows (identities, attribute winners, and {@code updatedAt}, the latest event
 * time among them) is a function of the set of events applied, not of their order; an update is due
 * exactly when that visible content changes. Together this makes the last update of every profile
 * independent of arrival order, while {@code version} counts the updates actually emitted.
 */
public final class ProfileMerger implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> namespacePriority;
    private final AttributeMerger attributes;

    public ProfileMerger(ProfileJobSettings settings) {
        this.namespacePriority = settings.namespaces();
        this.attributes = new AttributeMerger(settings.mergePolicy(), settings.sourcePrecedence());
    }

    /** A new, empty profile (version 0: nothing emitted yet). */
    public static ProfileState newProfile(String profileId) {
        return ProfileState.newBuilder()
                .setProfileId(profileId)
                .setVersion(0)
                .setUpdatedAt(Long.MIN_VALUE)
                .setIdentities(new ArrayList<>())
                .setAttributes(new HashMap<>())
                .setSegments(new HashMap<>())
                .setWindows(new HashMap<>())
                .setScores(new HashMap<>())
                .build();
    }

    /**
     * Applies an event to {@code profile} in place.
     *
     * @return whether the profile's visible content changed (an update is due)
     */
    public boolean apply(ProfileState profile, ExperienceEvent event) {
        boolean changed = false;
        long time = event.getTimestamp();
        for (Identity identity : event.getIdentities()) {
            changed |= addIdentity(profile, identity, time);
        }
        Map<String, AttributeState> current = profile.getAttributes();
        for (Map.Entry<String, Object> attribute : event.getAttributes().entrySet()) {
            AttributeState candidate =
                    new AttributeState(
                            AttributeValues.normalize(attribute.getValue()),
                            time,
                            event.getSource(),
                            event.getEventId());
            AttributeState incumbent = current.get(attribute.getKey());
            if (incumbent == null || attributes.beats(candidate, incumbent)) {
                current.put(attribute.getKey(), candidate);
                // Updates show each value's origin (source, time, event), so a new winner with
                // the same value is a visible change too; a null is "not shown", origin and all.
                changed |= !Objects.equals(shown(incumbent), shown(candidate));
            }
        }
        long updatedAt = visibleUpdatedAt(profile);
        changed |= updatedAt != profile.getUpdatedAt();
        profile.setUpdatedAt(updatedAt);
        return changed;
    }

    /**
     * Merges an absorbed profile into the survivor in place (docs/identity.md): identities join
     * with the earliest first and latest last sighting; each attribute keeps the winner over both
     * by the merge policy, exactly as if every event had come to one profile; the segment clock is
     * the later of the two. Window aggregates are merged by the segment evaluator; memberships are
     * decided again on the merged profile, so the absorbed profile's are not carried over.
     */
    public void absorb(ProfileState survivor, ProfileState absorbed) {
        for (IdentityState identity : absorbed.getIdentities()) {
            IdentityState known = find(survivor, identity.getNamespace(), identity.getId());
            if (known == null) {
                survivor.getIdentities()
                        .add(
                                new IdentityState(
                                        identity.getNamespace(),
                                        identity.getId(),
                                        identity.getFirstSeen(),
                                        identity.getLastSeen()));
            } else {
                known.setFirstSeen(Math.min(known.getFirstSeen(), identity.getFirstSeen()));
                known.setLastSeen(Math.max(known.getLastSeen(), identity.getLastSeen()));
            }
        }
        Map<String, AttributeState> current = survivor.getAttributes();
        for (Map.Entry<String, AttributeState> attribute : absorbed.getAttributes().entrySet()) {
            AttributeState incumbent = current.get(attribute.getKey());
            if (incumbent == null || attributes.beats(attribute.getValue(), incumbent)) {
                current.put(attribute.getKey(), attribute.getValue());
            }
        }
        survivor.setSegmentClock(Math.max(survivor.getSegmentClock(), absorbed.getSegmentClock()));
        survivor.setUpdatedAt(visibleUpdatedAt(survivor));
    }

    /**
     * Removes identities that left the profile (the identity limit).
     *
     * @return whether any was there
     */
    public static boolean removeIdentities(ProfileState profile, List<Identity> leaving) {
        boolean removed = false;
        for (Identity identity : leaving) {
            IdentityState known = find(profile, identity.getNamespace(), identity.getId());
            if (known != null) {
                profile.getIdentities().remove(known);
                removed = true;
            }
        }
        return removed;
    }

    private static IdentityState find(ProfileState profile, String namespace, String id) {
        for (IdentityState known : profile.getIdentities()) {
            if (known.getNamespace().equals(namespace) && known.getId().equals(id)) {
                return known;
            }
        }
        return null;
    }

    private static boolean addIdentity(ProfileState profile, Identity identity, long time) {
        for (IdentityState known : profile.getIdentities()) {
            if (known.getNamespace().equals(identity.getNamespace())
                    && known.getId().equals(identity.getId())) {
                known.setFirstSeen(Math.min(known.getFirstSeen(), time));
                known.setLastSeen(Math.max(known.getLastSeen(), time));
                return false;
            }
        }
        profile.getIdentities()
                .add(new IdentityState(identity.getNamespace(), identity.getId(), time, time));
        return true;
    }

    /** What an attribute state shows in an update: its value and origin, or nothing. */
    private static List<Object> shown(AttributeState state) {
        if (state == null || state.getValue() == null) {
            return null;
        }
        return List.of(
                AttributeValues.normalize(state.getValue()),
                state.getSource(),
                state.getTimestamp(),
                state.getEventId());
    }

    /** The latest event time that shaped what the profile shows. */
    private static long visibleUpdatedAt(ProfileState profile) {
        long latest = Long.MIN_VALUE;
        for (IdentityState identity : profile.getIdentities()) {
            latest = Math.max(latest, identity.getFirstSeen());
        }
        for (AttributeState attribute : profile.getAttributes().values()) {
            latest = Math.max(latest, attribute.getTimestamp());
        }
        return Math.max(
                latest, Math.max(profile.getSegmentsChangedAt(), profile.getScoresChangedAt()));
    }

    /** The next update of a profile; increments its version. */
    public ProfileUpdate nextUpdate(ProfileState profile) {
        return nextUpdate(profile, null);
    }

    /**
     * The next update of a profile with the segment transitions of this change, if any; increments
     * its version.
     */
    public ProfileUpdate nextUpdate(
            ProfileState profile, SegmentEvaluator.Transitions transitions) {
        profile.setVersion(profile.getVersion() + 1);
        profile.setUpdatedAt(visibleUpdatedAt(profile));
        ProfileUpdate update = snapshot(profile);
        if (transitions != null && !transitions.isEmpty()) {
            update.setSegmentChanges(new ArrayList<>(transitions.changes()));
            for (SegmentChange change : transitions.changes()) {
                Map<String, SegmentMembership> segments = update.getSegments();
                if (change.getStatus() == SegmentStatus.realized) {
                    segments.get(change.getSegmentId()).setStatus(SegmentStatus.realized);
                } else {
                    segments.put(
                            change.getSegmentId(),
                            new SegmentMembership(
                                    SegmentStatus.exited,
                                    transitions.exited().get(change.getSegmentId())));
                }
            }
        }
        return update;
    }

    /** The profile as the contract shows it (identities by priority, attributes without nulls). */
    public ProfileUpdate snapshot(ProfileState profile) {
        List<Identity> identities = new ArrayList<>(profile.getIdentities().size());
        profile.getIdentities().stream()
                .sorted(identityOrder())
                .forEach(i -> identities.add(new Identity(i.getNamespace(), i.getId())));
        Map<String, Object> visible = new HashMap<>();
        Map<String, AttributeOrigin> origins = new HashMap<>();
        for (Map.Entry<String, AttributeState> a : profile.getAttributes().entrySet()) {
            AttributeState state = a.getValue();
            if (state.getValue() != null) {
                visible.put(a.getKey(), AttributeValues.normalize(state.getValue()));
                origins.put(
                        a.getKey(),
                        new AttributeOrigin(
                                state.getSource(), state.getTimestamp(), state.getEventId()));
            }
        }
        return ProfileUpdate.newBuilder()
                .setProfileId(profile.getProfileId())
                .setVersion(profile.getVersion())
                .setUpdatedAt(profile.getUpdatedAt())
                .setIdentities(identities)
                .setAttributes(visible)
                .setSegments(memberships(profile))
                .setSegmentChanges(new ArrayList<>())
                .setScores(scores(profile))
                .setAttributeOrigins(origins)
                .build();
    }

    /** Copies of the scores as last computed (the state record is updated in place later). */
    private static Map<String, Score> scores(ProfileState profile) {
        Map<String, Score> scores = new HashMap<>();
        profile.getScores()
                .forEach((model, score) -> scores.put(model, Score.newBuilder(score).build()));
        return scores;
    }

    /**
     * The profile as it stands after {@code last}, its latest update: a state rather than a change,
     * so memberships are all {@code existing}, exits are gone and there are no segment changes.
     * This is what {@code rtprofile run --snapshot} writes.
     */
    public static ProfileUpdate standing(ProfileUpdate last) {
        ProfileUpdate copy = ProfileUpdate.newBuilder(last).build();
        Map<String, SegmentMembership> segments = new HashMap<>();
        last.getSegments()
                .forEach(
                        (id, membership) -> {
                            if (membership.getStatus() != SegmentStatus.exited) {
                                segments.put(
                                        id,
                                        new SegmentMembership(
                                                SegmentStatus.existing, membership.getSince()));
                            }
                        });
        copy.setSegments(segments);
        copy.setSegmentChanges(new ArrayList<>());
        return copy;
    }

    private static Map<String, SegmentMembership> memberships(ProfileState profile) {
        Map<String, SegmentMembership> segments = new HashMap<>();
        profile.getSegments()
                .forEach(
                        (id, since) ->
                                segments.put(
                                        id, new SegmentMembership(SegmentStatus.existing, since)));
        return segments;
    }

    private Comparator<IdentityState> identityOrder() {
        return Comparator.<IdentityState>comparingInt(
                        i -> {
                            int rank = namespacePriority.indexOf(i.getNamespace());
                            return rank < 0 ? namespacePriority.size() : rank;
                        })
                .thenComparing(IdentityState::getNamespace)
                .thenComparing(IdentityState::getId);
    }
}
