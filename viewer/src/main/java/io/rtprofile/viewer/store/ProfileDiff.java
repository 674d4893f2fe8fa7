package io.rtprofile.viewer.store;

import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.SegmentChange;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What an update changed against the one before it (null before: everything is new). */
final class ProfileDiff {
    private ProfileDiff() {}

    /** Score moves smaller than this are re-scores that change nothing a person would see. */
    private static final double SCORE_EPSILON = 1e-9;

    static ProfileChange between(ProfileUpdate before, ProfileUpdate after) {
        return new ProfileChange(
                after.getVersion(),
                after.getUpdatedAt(),
                attributes(before, after),
                identitiesAdded(before, after),
                transitions(after),
                scores(before, after));
    }

    private static List<ProfileChange.AttributeChange> attributes(
            ProfileUpdate before, ProfileUpdate after) {
        Map<String, Object> old = before == null ? Map.of() : before.getAttributes();
        Map<String, Object> now = after.getAttributes();
        Set<String> names = new TreeSet<>(old.keySet());
        names.addAll(now.keySet());
        List<ProfileChange.AttributeChange> changes = new ArrayList<>();
        for (String name : names) {
            Object from = old.get(name);
            Object to = now.get(name);
            if (!Objects.equals(from, to)) {
                changes.add(new ProfileChange.AttributeChange(name, from, to));
            }
        }
        return changes;
    }

    private static List<ProfileChange.IdentityRef> identitiesAdded(
            ProfileUpdate before, ProfileUpdate after) {
        Set<Identity> old = before == null ? Set.of() : new HashSet<>(before.getIdentities());
        List<ProfileChange.IdentityRef> added = new ArrayList<>();
        for (Identity identity : after.getIdentities()) {
            if (!old.contains(identity)) {
                added.add(new ProfileChange.IdentityRef(identity.getNamespace(), identity.getId()));
            }
        }
        return added;
    }

    private static List<ProfileChange.SegmentTransition> transitions(ProfileUpdate after) {
        List<ProfileChange.SegmentTransition> transitions = new ArrayList<>();
        for (SegmentChange change : after.getSegmentChanges()) {
            transitions.add(
                    new ProfileChange.SegmentTransition(
                            change.getSegmentId(), change.getStatus().name(), change.getAt()));
        }
        return transitions;
    }

    private static List<ProfileChange.ScoreChange> scores(
            ProfileUpdate before, ProfileUpdate after) {
        Map<String, Score> old = before == null ? Map.of() : before.getScores();
        Map<String, Score> now = new TreeMap<>(after.getScores());
        List<ProfileChange.ScoreChange> changes = new ArrayList<>();
        for (Map.Entry<String, Score> score : now.entrySet()) {
            Score previous = old.get(score.getKey());
            double to = score.getValue().getScore();
            if (previous == null || Math.abs(previous.getScore() - to) > SCORE_EPSILON) {
                changes.add(
                        new ProfileChange.ScoreChange(
                                score.getKey(), previous == null ? null : previous.getScore(), to));
            }
        }
        return changes;
    }
}
