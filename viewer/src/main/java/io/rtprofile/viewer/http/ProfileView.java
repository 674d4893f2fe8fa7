package io.rtprofile.viewer.http;

import io.rtprofile.schema.AttributeOrigin;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.ScoreFactor;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.viewer.feed.SegmentNames;
import io.rtprofile.viewer.store.ProfileChange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON the API shows of a profile: the update, with origins, names and recent changes. */
final class ProfileView {
    private ProfileView() {}

    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode of(ProfileUpdate update, List<ProfileChange> changes, SegmentNames names) {
        ObjectNode view = JSON.createObjectNode();
        view.put("profileId", update.getProfileId());
        view.put("version", update.getVersion());
        view.put("updatedAt", time(update.getUpdatedAt()));
        ArrayNode identities = view.putArray("identities");
        for (Identity identity : update.getIdentities()) {
            identities
                    .addObject()
                    .put("namespace", identity.getNamespace())
                    .put("id", identity.getId());
        }
        ObjectNode attributes = view.putObject("attributes");
        for (Map.Entry<String, Object> a : new TreeMap<>(update.getAttributes()).entrySet()) {
            ObjectNode attribute = attributes.putObject(a.getKey());
            attribute.set("value", JSON.valueToTree(a.getValue()));
            AttributeOrigin origin = update.getAttributeOrigins().get(a.getKey());
            attribute.put("source", origin == null ? null : origin.getSource());
            attribute.put("at", origin == null ? null : time(origin.getAt()));
            attribute.put("eventId", origin == null ? null : origin.getEventId());
        }
        ObjectNode segments = view.putObject("segments");
        for (Map.Entry<String, SegmentMembership> s :
                new TreeMap<>(update.getSegments()).entrySet()) {
            segments.putObject(s.getKey())
                    .put("status", s.getValue().getStatus().name())
                    .put("since", time(s.getValue().getSince()))
                    .put("name", names.name(s.getKey()).orElse(null));
        }
        ObjectNode scores = view.putObject("scores");
        for (Map.Entry<String, Score> s : new TreeMap<>(update.getScores()).entrySet()) {
            Score score = s.getValue();
            ObjectNode node = scores.putObject(s.getKey());
            node.put("score", score.getScore());
            node.put("percentile", score.getPercentile());
            node.put("modelVersion", score.getModelVersion());
            if (score.getCluster() != null) {
                node.put("cluster", score.getCluster());
            }
            ArrayNode factors = node.putArray("factors");
            for (ScoreFactor f : score.getFactors()) {
                factors.addObject()
                        .put("feature", f.getFeature())
                        .put("value", f.getValue())
                        .put("contribution", f.getContribution());
            }
        }
        ArrayNode recent = view.putArray("changes");
        changes.forEach(change -> recent.add(change(change)));
        return view;
    }

    private static ObjectNode change(ProfileChange change) {
        ObjectNode node = JSON.createObjectNode();
        node.put("version", change.version());
        node.put("updatedAt", time(change.updatedAt()));
        ArrayNode attributes = node.putArray("attributes");
        for (ProfileChange.AttributeChange a : change.attributes()) {
            ObjectNode entry = attributes.addObject().put("name", a.name());
            entry.set("from", value(a.from()));
            entry.set("to", value(a.to()));
        }
        ArrayNode identities = node.putArray("identitiesAdded");
        for (ProfileChange.IdentityRef i : change.identitiesAdded()) {
            identities.addObject().put("namespace", i.namespace()).put("id", i.id());
        }
        ArrayNode segments = node.putArray("segments");
        for (ProfileChange.SegmentTransition t : change.segments()) {
            segments.addObject()
                    .put("segmentId", t.segmentId())
                    .put("status", t.status())
                    .put("at", time(t.at()));
        }
        ArrayNode scores = node.putArray("scores");
        for (ProfileChange.ScoreChange s : change.scores()) {
            scores.addObject().put("modelId", s.modelId()).put("from", s.from()).put("to", s.to());
        }
        return node;
    }

    private static JsonNode value(Object value) {
        return JSON.valueToTree(value);
    }

    static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** "email:ann@example.com": how a list shows a profile (its highest-priority identity). */
    static String label(ProfileUpdate update) {
        if (update.getIdentities().isEmpty()) {
            return update.getProfileId();
        }
        Identity first = update.getIdentities().get(0);
        return first.getNamespace() + ":" + first.getId();
    }
}
