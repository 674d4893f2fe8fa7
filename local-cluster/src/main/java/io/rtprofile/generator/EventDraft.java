package io.rtprofile.generator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An event planned by a session but not yet emitted: everything except its {@code eventId}, which
 * is the emission sequence number and so only known when it leaves the queue.
 */
final class EventDraft {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private static final JsonFactory JSON = new JsonFactory();

    /** Event time, epoch millis. */
    long timestamp;

    /** When the event reaches the stream, epoch millis: {@code >= timestamp}, emission order. */
    long arrival;

    /** Planning order, to break ties in arrival deterministically. */
    long planned;

    final int customer;
    final String type;
    final String source;
    private final List<String> identities = new ArrayList<>(6);
    private Map<String, Object> attributes;
    private Map<String, Object> properties;

    EventDraft(int customer, long timestamp, String type, String source) {
        this.customer = customer;
        this.timestamp = timestamp;
        this.type = type;
        this.source = source;
    }

    EventDraft identity(String namespace, String id) {
        identities.add(namespace);
        identities.add(id);
        return this;
    }

    int identityCount() {
        return identities.size() / 2;
    }

    EventDraft attribute(String name, Object value) {
        if (attributes == null) {
            attributes = new LinkedHashMap<>();
        }
        attributes.put(name, value);
        return this;
    }

    EventDraft property(String name, Object value) {
        if (properties == null) {
            properties = new LinkedHashMap<>();
        }
        properties.put(name, value);
        return this;
    }

    /** The event as one line of JSON (contract section 3), fields in a fixed order. */
    String toJson(String eventId) {
        StringBuilderWriter out = new StringBuilderWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("eventId", eventId);
            g.writeStringField("timestamp", formatTimestamp(timestamp));
            g.writeStringField("type", type);
            g.writeArrayFieldStart("identities");
            for (int i = 0; i < identities.size(); i += 2) {
                g.writeStartObject();
                g.writeStringField("namespace", identities.get(i));
                g.writeStringField("id", identities.get(i + 1));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("source", source);
            if (attributes != null) {
                g.writeFieldName("attributes");
                writeValue(g, attributes);
            }
            if (properties != null) {
                g.writeFieldName("properties");
                writeValue(g, properties);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * {@code 2026-11-01T10:00:00.123Z}: ISO-8601 UTC, always with milliseconds (years 1970 to 9999,
     * see {@link GeneratorConfig}).
     */
    static String formatTimestamp(long epochMillis) {
        long day = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int ms = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
        StringBuilder b = new StringBuilder(24);
        LocalDate date = LocalDate.ofEpochDay(day);
        int year = date.getYear();
        twoDigits(b, year / 100);
        twoDigits(b, year % 100).append('-');
        twoDigits(b, date.getMonthValue()).append('-');
        twoDigits(b, date.getDayOfMonth()).append('T');
        twoDigits(b, ms / 3_600_000).append(':');
        twoDigits(b, ms / 60_000 % 60).append(':');
        twoDigits(b, ms / 1000 % 60).append('.');
        int millis = ms % 1000;
        b.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10));
        return b.append((char) ('0' + millis % 10)).append('Z').toString();
    }

    private static StringBuilder twoDigits(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    private static void writeValue(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer i) {
            g.writeNumber(i);
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName((String) e.getKey());
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("unsupported JSON value " + value.getClass());
        }
    }

    /** A {@link java.io.StringWriter} without its synchronized {@code StringBuffer}. */
    private static final class StringBuilderWriter extends Writer {
        private final StringBuilder b = new StringBuilder(384);

        @Override
        public void write(char[] cbuf, int off, int len) {
            b.append(cbuf, off, len);
        }

        @Override
        public void write(String str, int off, int len) {
            b.append(str, off, off + len);
        }

        @Override
        public void write(int c) {
            b.append((char) c);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        @Override
        public String toString() {
            return b.toString();
        }
    }
}
