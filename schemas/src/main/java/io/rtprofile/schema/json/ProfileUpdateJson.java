package io.rtprofile.schema.json;

import io.rtprofile.schema.AttributeOrigin;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.ScoreFactor;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.message.BinaryMessageDecoder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The contract's profile update JSON (section 4) to and from {@link ProfileUpdate}. */
public final class ProfileUpdateJson {
    private ProfileUpdateJson() {}

    /**
     * Decodes updates of this release and of every released schema (a compacted topic keeps both).
     */
    static final BinaryMessageDecoder<ProfileUpdate> DECODER =
            ProfileUpdate.createDecoder(WriterSchemas.STORE);

    /** One line of JSON; map keys sorted so equal profiles give equal text. */
    public static String toJson(ProfileUpdate update) {
        return Json.render(out -> write(out, update));
    }

    static void write(JsonGenerator out, ProfileUpdate update) throws IOException {
        out.writeStartObject();
        out.writeStringField("profileId", update.getProfileId());
        out.writeNumberField("version", update.getVersion());
        out.writeStringField("updatedAt", Timestamps.format(update.getUpdatedAt()));
        out.writeArrayFieldStart("identities");
        for (Identity identity : update.getIdentities()) {
            EventJson.writeIdentity(out, identity);
        }
        out.writeEndArray();
        out.writeObjectFieldStart("attributes");
        for (Map.Entry<String, Object> a : new TreeMap<>(update.getAttributes()).entrySet()) {
            out.writeFieldName(a.getKey());
            AttributeValues.write(out, a.getValue());
        }
        out.writeEndObject();
        out.writeObjectFieldStart("segments");
        for (Map.Entry<String, SegmentMembership> s :
                new TreeMap<>(update.getSegments()).entrySet()) {
            out.writeObjectFieldStart(s.getKey());
            out.writeStringField("status", s.getValue().getStatus().name());
            out.writeStringField("since", Timestamps.format(s.getValue().getSince()));
            out.writeEndObject();
        }
        out.writeEndObject();
        out.writeArrayFieldStart("segmentChanges");
        for (SegmentChange change : update.getSegmentChanges()) {
            out.writeStartObject();
            out.writeStringField("segmentId", change.getSegmentId());
            out.writeStringField("status", change.getStatus().name());
            out.writeStringField("at", Timestamps.format(change.getAt()));
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeObjectFieldStart("scores");
        for (Map.Entry<String, Score> s : new TreeMap<>(update.getScores()).entrySet()) {
            Score score = s.getValue();
            out.writeObjectFieldStart(s.getKey());
            out.writeNumberField("score", score.getScore());
            if (score.getPercentile() == null) {
                out.writeNullField("percentile");
            } else {
                out.writeNumberField("percentile", score.getPercentile());
            }
            out.writeNumberField("modelVersion", score.getModelVersion());
            if (score.getCluster() != null) {
                out.writeNumberField("cluster", score.getCluster());
            }
            out.writeArrayFieldStart("factors");
            for (ScoreFactor factor : score.getFactors()) {
                out.writeStartObject();
                out.writeStringField("feature", factor.getFeature());
                out.writeNumberField("value", factor.getValue());
                out.writeNumberField("contribution", factor.getContribution());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        out.writeEndObject();
        // After the contract's fields: where each attribute's value came from (not in the
        // contract's example; readers that do not know it skip it).
        if (!update.getAttributeOrigins().isEmpty()) {
            out.writeObjectFieldStart("attributeOrigins");
            for (Map.Entry<String, AttributeOrigin> o :
                    new TreeMap<>(update.getAttributeOrigins()).entrySet()) {
                out.writeObjectFieldStart(o.getKey());
                out.writeStringField("source", o.getValue().getSource());
                out.writeStringField("at", Timestamps.format(o.getValue().getAt()));
                out.writeStringField("eventId", o.getValue().getEventId());
                out.writeEndObject();
            }
            out.writeEndObject();
        }
        out.writeEndObject();
    }

    /**
     * A {@code profile-updates} value in either of the job's encodings (Avro single-object, or the
     * contract's JSON), decoded directly rather than through JSON.
     *
     * @throws IllegalArgumentException a value that is neither
     */
    public static ProfileUpdate decode(byte[] value) {
        if (RecordJson.isSingleObjectEncoded(value)) {
            try {
                return DECODER.decode(ByteBuffer.wrap(value));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("not a profile update: " + e.getMessage(), e);
            }
        }
        return fromJson(new String(value, StandardCharsets.UTF_8));
    }

    /** Reads the JSON written by {@link #toJson} (or by any producer of the contract's shape). */
    public static ProfileUpdate fromJson(String json) {
        try {
            return fromJson(Json.MAPPER.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a profile update: " + e.getMessage(), e);
        }
    }

    static ProfileUpdate fromJson(JsonNode root) throws IOException {
        ProfileUpdate.Builder update = ProfileUpdate.newBuilder();
        update.setProfileId(root.path("profileId").asText());
        update.setVersion(root.path("version").asLong());
        update.setUpdatedAt(timestamp(root.path("updatedAt")));
        List<Identity> identities = new ArrayList<>();
        for (JsonNode identity : root.path("identities")) {
            identities.add(
                    new Identity(
                            identity.path("namespace").asText(), identity.path("id").asText()));
        }
        update.setIdentities(identities);
        Map<String, Object> attributes = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("attributes").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> a = it.next();
            try {
                attributes.put(a.getKey(), AttributeValues.fromJson(a.getValue(), a.getKey()));
            } catch (InvalidEventException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        update.setAttributes(attributes);
        Map<String, SegmentMembership> segments = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("segments").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            segments.put(
                    s.getKey(),
                    new SegmentMembership(
                            SegmentStatus.valueOf(s.getValue().path("status").asText()),
                            timestamp(s.getValue().path("since"))));
        }
        update.setSegments(segments);
        List<SegmentChange> changes = new ArrayList<>();
        for (JsonNode change : root.path("segmentChanges")) {
            changes.add(
                    new SegmentChange(
                            change.path("segmentId").asText(),
                            SegmentStatus.valueOf(change.path("status").asText()),
                            timestamp(change.path("at"))));
        }
        update.setSegmentChanges(changes);
        Map<String, Score> scores = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("scores").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            JsonNode score = s.getValue();
            List<ScoreFactor> factors = new ArrayList<>();
            for (JsonNode factor : score.path("factors")) {
                factors.add(
                        new ScoreFactor(
                                factor.path("feature").asText(),
                                factor.path("value").asDouble(),
                                factor.path("contribution").asDouble()));
            }
            JsonNode percentile = score.path("percentile");
            JsonNode cluster = score.path("cluster");
            scores.put(
                    s.getKey(),
                    new Score(
                            score.path("score").asDouble(),
                            percentile.isNumber() ? percentile.intValue() : null,
                            score.path("modelVersion").asLong(),
                            factors,
                            cluster.isNumber() ? cluster.intValue() : null));
        }
        update.setScores(scores);
        Map<String, AttributeOrigin> origins = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("attributeOrigins").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> o = it.next();
            origins.put(
                    o.getKey(),
                    new AttributeOrigin(
                            o.getValue().path("source").asText(),
                            timestamp(o.getValue().path("at")),
                            o.getValue().path("eventId").asText()));
        }
        update.setAttributeOrigins(origins);
        return update.build();
    }

    private static long timestamp(JsonNode node) {
        return node.isNumber() ? node.longValue() : Timestamps.parseIso(node.asText());
    }
}
