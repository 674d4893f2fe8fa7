package io.rtprofile.jobs.testing;

import io.rtprofile.jobs.config.MergePolicy;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Events and settings for the jobs' tests. */
public final class SampleEvents {
    private SampleEvents() {}

    /** 2026-11-01T10:00:00Z in epoch milliseconds. */
    public static final long T0 = 1_793_527_200_000L;

    /** A minimal valid JSON event (contract section 3) with one ecid identity. */
    public static String json(String eventId) {
        return "{\"eventId\":\""
                + eventId
                + "\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"type\":\"web.search\","
                + "\"identities\":[{\"namespace\":\"ecid\",\"id\":\"c0ffee\"}]}";
    }

    /** The contract's example event, verbatim. */
    public static final String CONTRACT_EXAMPLE =
            "{\"eventId\": \"e-1\", \"timestamp\": \"2026-11-01T10:00:00Z\", \"type\": \"web.search\",\n"
                    + " \"identities\": [{\"namespace\": \"ecid\", \"id\": \"c0ffee\"},"
                    + " {\"namespace\": \"email\", \"id\": \"Ann@Example.com\"}],\n"
                    + " \"source\": \"web\",\n"
                    + " \"attributes\": {\"country\": \"FR\", \"loyaltyTier\": \"gold\"},\n"
                    + " \"properties\": {\"query\": \"red sneakers\", \"value\": 129.90, \"sku\": \"SK-1\"}}";

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    public static Identity id(String namespace, String id) {
        return new Identity(namespace, id);
    }

    /** Default settings with another size limit. */
    public static ProfileJobSettings withMaxEventBytes(long maxEventBytes) {
        ProfileJobSettings d = ProfileJobSettings.defaults();
        return new ProfileJobSettings(
                d.namespaces(),
                maxEventBytes,
                d.dedupHorizon(),
                d.mergePolicy(),
                d.sourcePrecedence(),
                d.outOfOrderness(),
                d.sourceIdleness());
    }

    /** Default settings with another merge policy and source precedence. */
    public static ProfileJobSettings withPolicy(MergePolicy policy, List<String> precedence) {
        ProfileJobSettings d = ProfileJobSettings.defaults();
        return new ProfileJobSettings(
                d.namespaces(),
                d.maxEventBytes(),
                Duration.ofDays(7),
                policy,
                precedence,
                d.outOfOrderness(),
                d.sourceIdleness());
    }

    /** A builder of ExperienceEvents with sensible defaults. */
    public static Builder event(String eventId) {
        return new Builder(eventId);
    }

    /** Builds events for tests; attributes keep insertion order and may hold nulls. */
    public static final class Builder {
        private final String eventId;
        private long timestamp = T0;
        private String type = "web.search";
        private String source = "web";
        private final List<Identity> identities = new ArrayList<>();
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private String properties;

        private Builder(String eventId) {
            this.eventId = eventId;
        }

        public Builder at(long timestamp) {
            this.timestamp = timestamp;
            return this;
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder identity(String namespace, String id) {
            identities.add(new Identity(namespace, id));
            return this;
        }

        public Builder attribute(String name, Object value) {
            attributes.put(name, value);
            return this;
        }

        public Builder properties(String json) {
            this.properties = json;
            return this;
        }

        public ExperienceEvent build() {
            return ExperienceEvent.newBuilder()
                    .setEventId(eventId)
                    .setTimestamp(timestamp)
                    .setType(type)
                    .setSource(source)
                    .setIdentities(new ArrayList<>(identities))
                    .setAttributes(new LinkedHashMap<>(attributes))
                    .setProperties(properties)
                    .build();
        }

        /** The Avro single-object encoding, as a Kafka producer would send it. */
        public byte[] avro() {
            try {
                return bytes(build().toByteBuffer());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
