package io.rtprofile.schema.json;

import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.LinkRefusal;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.TrainingExample;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders any value rtprofile writes to or reads from Kafka as the contract's JSON: Avro
 * single-object encoded records (magic bytes C3 01 and the schema's fingerprint) of the known
 * schemas, or UTF-8 JSON as it is.
 */
public final class RecordJson {
    private RecordJson() {}

    private static final Map<String, Renderer> RENDERERS =
            Map.of(
                    ExperienceEvent.getClassSchema().getFullName(),
                    bytes ->
                            EventJson.toJson(
                                    ExperienceEvent.createDecoder(WriterSchemas.STORE)
                                            .decode(bytes)),
                    ProfileUpdate.getClassSchema().getFullName(),
                    bytes -> ProfileUpdateJson.toJson(ProfileUpdateJson.DECODER.decode(bytes)),
                    RejectedEvent.getClassSchema().getFullName(),
                    bytes ->
                            RejectedEventJson.toJson(
                                    RejectedEvent.createDecoder(WriterSchemas.STORE).decode(bytes)),
                    LinkRefusal.getClassSchema().getFullName(),
                    bytes -> LinkRefusalJson.toJson(LinkRefusal.fromByteBuffer(bytes)),
                    TrainingExample.getClassSchema().getFullName(),
                    bytes -> TrainingExampleJson.toJson(TrainingExample.fromByteBuffer(bytes)),
                    Model.getClassSchema().getFullName(),
                    bytes -> ModelJson.toJson(Model.fromByteBuffer(bytes)));

    /** The record type of every writer schema we know: the current ones and released ones. */
    private static final Map<Long, String> TYPES = types();

    private static Map<Long, String> types() {
        Map<Long, String> types = new HashMap<>();
        for (Schema released : WriterSchemas.released()) {
            types.put(fingerprint(released), released.getFullName());
        }
        for (Schema current :
                List.of(
                        ExperienceEvent.getClassSchema(),
                        ProfileUpdate.getClassSchema(),
                        RejectedEvent.getClassSchema(),
                        LinkRefusal.getClassSchema(),
                        TrainingExample.getClassSchema(),
                        Model.getClassSchema())) {
            types.put(fingerprint(current), current.getFullName());
        }
        return Map.copyOf(types);
    }

    /** True when the value starts with the Avro single-object marker C3 01. */
    public static boolean isSingleObjectEncoded(byte[] value) {
        return value != null
                && value.length >= 10
                && (value[0] & 0xFF) == 0xC3
                && (value[1] & 0xFF) == 0x01;
    }

    /** The schema fingerprint a single-object encoded value carries (bytes 2..9, little-endian). */
    public static long fingerprintOf(byte[] value) {
        return ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The CRC-64-AVRO fingerprint that single-object encoding writes for a schema. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** JSON text for a record value; {@code "null"} for a tombstone. */
    public static String toJson(byte[] value) {
        if (value == null) {
            return "null";
        }
        if (isSingleObjectEncoded(value)) {
            String type = TYPES.get(fingerprintOf(value));
            Renderer renderer = type == null ? null : RENDERERS.get(type);
            if (renderer == null) {
                throw new IllegalArgumentException(
                        "Avro single-object record with unknown schema fingerprint "
                                + Long.toHexString(fingerprintOf(value)));
            }
            try {
                return renderer.render(ByteBuffer.wrap(value));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    private interface Renderer {
        String render(ByteBuffer value) throws IOException;
    }
}
