package io.rtprofile.jobs.ingest;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.IngestedRecord;
import io.rtprofile.schema.json.EventJson;
import io.rtprofile.schema.json.InvalidEventException;
import io.rtprofile.schema.json.RecordJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one input record into a valid, normalized event or a rejection with a reason. It never
 * throws: whatever the bytes are, the caller gets an {@link IngestedRecord}, so bad input can never
 * fail the job (contract section 7).
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Earliest and latest event time we accept: years 1 to 9999, so ISO-8601 round-trips. */
    static final long MIN_TIMESTAMP = -62135596800000L;

    static final long MAX_TIMESTAMP = 253402300799999L;

    static {
        AvroDecodingLimits.install();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Magic bytes C3 01 and the 8-byte fingerprint. */
    private static final int HEADER_BYTES = 10;

    private static final long EVENT_FINGERPRINT =
            RecordJson.fingerprint(ExperienceEvent.getClassSchema());

    private final List<String> namespaces;
    private final long maxEventBytes;
    private transient Set<String> knownNamespaces;

    public EventParser(ProfileJobSettings settings) {
        this.namespaces = settings.namespaces();
        this.maxEventBytes = settings.maxEventBytes();
    }

    /** Parses a record; {@code now} is the processing time stamped on a rejection. */
    public IngestedRecord parse(byte[] value, EventOrigin origin, long now) {
        try {
            return accepted(validate(decode(value)));
        } catch (InvalidEventException e) {
            return rejected(value, origin, e.getMessage(), now);
        } catch (RuntimeException | StackOverflowError e) {
            // Avro and Jackson signal some malformed input with unchecked exceptions.
            return rejected(
                    value,
                    origin,
                    "unreadable record: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + abbreviate(e.getMessage())),
                    now);
        }
    }

    private ExperienceEvent decode(byte[] value) throws InvalidEventException {
        if (value == null || value.length == 0) {
            throw new InvalidEventException("empty record");
        }
        if (value.length > maxEventBytes) {
            throw new InvalidEventException(
                    "oversized record: " + value.length + " bytes, limit " + maxEventBytes);
        }
        if (RecordJson.isSingleObjectEncoded(value)) {
            return decodeAvro(value);
        }
        return EventJson.parse(value);
    }

    /**
     * Decodes an Avro single-object encoded event, exactly: the fingerprint must be the event
     * schema's and the record must end where the bytes end. Avro signals corrupt input with all
     * kinds of runtime exceptions; each is a rejection with one clear reason.
     */
    private static ExperienceEvent decodeAvro(byte[] value) throws InvalidEventException {
        long fingerprint = RecordJson.fingerprintOf(value);
        if (fingerprint != EVENT_FINGERPRINT) {
            throw new InvalidEventException(
                    "Avro record with unknown schema fingerprint "
                            + Long.toHexString(fingerprint)
                            + " (expected an ExperienceEvent)");
        }
        BinaryDecoder decoder =
                DecoderFactory.get()
                        .binaryDecoder(value, HEADER_BYTES, value.length - HEADER_BYTES, null);
        ExperienceEvent event;
        try {
            event = new SpecificDatumReader<>(ExperienceEvent.class).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new InvalidEventException(
                        "malformed Avro ExperienceEvent: bytes left after the record");
            }
        } catch (java.io.IOException | RuntimeException e) {
            throw new InvalidEventException(
                    "malformed Avro ExperienceEvent: " + e.getClass().getSimpleName());
        }
        // JSON input had its properties checked while parsing; an Avro producer may send anything.
        if (event.getProperties() != null) {
            requireJsonObject(event.getProperties());
        }
        return event;
    }

    /** Checks what depends on configuration and normalizes identities. */
    ExperienceEvent validate(ExperienceEvent event) throws InvalidEventException {
        if (event.getEventId().isBlank()) {
            throw new InvalidEventException("field 'eventId' must not be empty");
        }
        if (event.getType().isBlank()) {
            throw new InvalidEventException("field 'type' must not be empty");
        }
        if (event.getSource().isBlank()) {
            throw new InvalidEventException("field 'source' must be a non-empty string");
        }
        requireWellFormed(event.getEventId(), "eventId");
        requireWellFormed(event.getType(), "type");
        requireWellFormed(event.getSource(), "source");
        if (event.getTimestamp() < MIN_TIMESTAMP || event.getTimestamp() > MAX_TIMESTAMP) {
            throw new InvalidEventException(
                    "field 'timestamp' out of range (years 1 to 9999): " + event.getTimestamp());
        }
        if (event.getIdentities().isEmpty()) {
            throw new InvalidEventException("field 'identities' must hold at least one identity");
        }
        List<Identity> normalized = new ArrayList<>(event.getIdentities().size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < event.getIdentities().size(); i++) {
            Identity identity = event.getIdentities().get(i);
            String namespace = identity.getNamespace();
            if (!knownNamespaces().contains(namespace)) {
                throw new InvalidEventException(
                        "identities["
                                + i
                                + "]: unknown namespace '"
                                + abbreviate(namespace)
                                + "' (known: "
                                + String.join(", ", namespaces)
                                + ")");
            }
            requireWellFormed(identity.getId(), "identities[" + i + "].id");
            String id = normalizeId(namespace, identity.getId());
            if (id.isBlank()) {
                throw new InvalidEventException("identities[" + i + "].id must not be empty");
            }
            if (seen.add(namespace + '\u0000' + id)) {
                normalized.add(new Identity(namespace, id));
            }
        }
        event.setIdentities(normalized);
        for (Map.Entry<String, Object> attribute : event.getAttributes().entrySet()) {
            if (attribute.getKey().isEmpty()) {
                throw new InvalidEventException("attribute names must not be empty");
            }
            requireWellFormed(attribute.getKey(), "an attribute name");
            requireWellFormedValue(attribute.getValue(), "attributes." + attribute.getKey());
        }
        if (event.getProperties() != null) {
            requireWellFormed(event.getProperties(), "properties");
        }
        return event;
    }

    private static void requireJsonObject(String properties) throws InvalidEventException {
        requireWellFormed(properties, "properties");
        JsonNode parsed;
        try {
            parsed = JSON.readTree(properties);
        } catch (java.io.IOException e) {
            throw new InvalidEventException("field 'properties' is not valid JSON");
        }
        if (parsed == null || !parsed.isObject()) {
            throw new InvalidEventException("field 'properties' must be a JSON object");
        }
    }

    /**
     * Rejects strings with unpaired surrogates (a JSON "\ud800" escape, say). Avro writes them as
     * '?', so after one serialization such an id would no longer be the id it was keyed by: keys
     * would land in the wrong key group and fail the job.
     */
    private static void requireWellFormed(String text, String field) throws InvalidEventException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new InvalidEventException(field + ": unpaired UTF-16 surrogate");
            }
            if (Character.isLowSurrogate(c)) {
                throw new InvalidEventException(field + ": unpaired UTF-16 surrogate");
            }
        }
    }

    private static void requireWellFormedValue(Object value, String field)
            throws InvalidEventException {
        if (value instanceof CharSequence text) {
            requireWellFormed(text.toString(), field);
        } else if (value instanceof List<?> list) {
            for (Object element : list) {
                requireWellFormedValue(element, field);
            }
        }
    }

    /** Emails are trimmed and lower-cased (contract section 3); other ids are opaque. */
    public static String normalizeId(String namespace, String id) {
        return "email".equals(namespace) ? id.trim().toLowerCase(Locale.ROOT) : id;
    }

    private Set<String> knownNamespaces() {
        if (knownNamespaces == null) {
            knownNamespaces = new HashSet<>(namespaces);
        }
        return knownNamespaces;
    }

    private static IngestedRecord accepted(ExperienceEvent event) {
        return new IngestedRecord(event, null);
    }

    private static IngestedRecord rejected(
            byte[] value, EventOrigin origin, String reason, long now) {
        RejectedEvent rejection =
                new RejectedEvent(
                        reason, ByteBuffer.wrap(value == null ? new byte[0] : value), origin, now);
        return new IngestedRecord(null, rejection);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
    }
}
