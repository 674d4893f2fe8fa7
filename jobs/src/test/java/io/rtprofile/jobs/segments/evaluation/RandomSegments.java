package io.rtprofile.jobs.segments.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random inputs for {@link SegmentDifferentialITCase}: event streams of a few customers, and
 * segment definitions drawn from the grammar of contract section 5 (everything but {@code profile}
 * conditions), written as JSON text so they go through the real loader.
 */
final class RandomSegments {

    /** Where every stream starts. */
    static final long START = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

    static final String[] TYPES = {"a", "b", "c"};
    static final String[] KS = {"x", "y", "z", "w"};
    static final String[] WINDOWS = {"30s", "5m", "1h", "6h", "1d", "lifetime"};
    static final String[] OPERATORS = {">=", ">", "==", "!=", "<=", "<"};

    /** Event predicates: {@code where} and sequence steps. Some fail on some events, on purpose. */
    static final String[] PREDICATES = {
        "event.type == \"a\"",
        "event.type == \"b\"",
        "event.type == \"c\"",
        "event.type != \"b\"",
        "event.type in [\"a\", \"c\"]",
        "event.properties.v > 2",
        "event.properties.v <= 1.5",
        "has(event.properties.v)",
        "event.properties.k == \"x\"",
        "event.type == \"a\" && event.properties.v >= 1",
        "event.type == \"b\" || event.properties.k == \"y\"",
    };

    /** What sum, min, max, avg and distinct take. Non-numbers and failures count for nothing. */
    static final String[] NUMERIC_VALUES = {
        "event.properties.v", "event.properties.v", "event.properties.v", "event.properties.v * 2"
    };

    static final String[] DISTINCT_VALUES = {
        "event.properties.v", "event.properties.k", "event.type", "event.properties.v > 2"
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    private RandomSegments() {}

    /**
     * One event; {@code v} is absent (null), a Long, a Double (a multiple of 0.5, so sums are exact
     * in any order) or a String; {@code k} absent or a small categorical string.
     */
    record Event(String eventId, long timestamp, String type, String customer, Object v, String k) {

        /** The event as a line of the events file (contract section 3). */
        String json(boolean isoTimestamp) {
            StringBuilder s = new StringBuilder("{\"eventId\":\"").append(eventId).append("\",");
            s.append("\"timestamp\":");
            if (isoTimestamp) {
                s.append('"').append(Instant.ofEpochMilli(timestamp)).append('"');
            } else {
                s.append(timestamp);
            }
            s.append(",\"type\":\"").append(type).append("\",");
            s.append("\"identities\":[{\"namespace\":\"crm\",\"id\":\"")
                    .append(customer)
                    .append("\"}],\"properties\":{");
            List<String> props = new ArrayList<>();
            if (v instanceof String text) {
                props.add("\"v\":\"" + text + "\"");
            } else if (v != null) {
                props.add("\"v\":" + v); // Long as 3, Double as 3.0 or 2.5
            }
            if (k != null) {
                props.add("\"k\":\"" + k + "\"");
            }
            return s.append(String.join(",", props)).append("}}").toString();
        }

        @Override
        public String toString() {
            return json(true);
        }
    }

    /** The order of the contract: timestamp, then eventId. */
    static final Comparator<Event> EVENT_ORDER =
            Comparator.comparingLong(Event::timestamp).thenComparing(Event::eventId);

    /** Events of {@code profiles} customers, sorted by (timestamp, eventId). */
    static List<Event> events(Random r, int profiles, int minEvents, int maxEvents) {
        List<Event> all = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int p = 0; p < profiles; p++) {
            String customer = "C-" + p;
            long ts = START + r.nextInt(6) * 3_600_000L; // most streams overlap in time
            int n = minEvents + r.nextInt(maxEvents - minEvents + 1);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    ts += gap(r);
                }
                String id;
                do {
                    // Random ids, so that ties are broken by eventId, not by generation order.
                    id = "e-" + Integer.toString(r.nextInt(1 << 20), 36);
                } while (!ids.add(id));
                all.add(new Event(id, ts, TYPES[r.nextInt(TYPES.length)], customer, v(r), k(r)));
            }
        }
        all.sort(EVENT_ORDER);
        return all;
    }

    private static long gap(Random r) {
        int pick = r.nextInt(20);
        if (pick < 4) {
            return 0; // a tie: same timestamp, another eventId
        } else if (pick < 7) {
            // exactly a window length: an event right at another's window boundary
            long[] exact = {30_000, 300_000, 3_600_000, 6 * 3_600_000};
            return exact[r.nextInt(exact.length)];
        } else if (pick < 11) {
            return 1_000L * (1 + r.nextInt(60));
        } else if (pick < 15) {
            return 1_000L * (60 + r.nextInt(600));
        } else if (pick < 18) {
            return 1_000L * (600 + r.nextInt(7200));
        }
        return 1_000L * (7200 + r.nextInt(6 * 3600));
    }

    private static Object v(Random r) {
        return switch (r.nextInt(10)) {
            case 0, 1 -> null;
            case 2, 3, 4, 5 -> (long) r.nextInt(6);
            case 6, 7, 8 -> r.nextInt(11) / 2.0;
            default -> r.nextBoolean() ? "3" : "x";
        };
    }

    private static String k(Random r) {
        return r.nextInt(4) == 0 ? null : KS[r.nextInt(KS.length)];
    }

    /** {@code count} definitions, ids s01, s02, ...; references only to earlier ids. */
    static String definitions(Random r, int count) {
        return definitions(r, count, true);
    }

    /** As {@link #definitions(Random, int)}; without {@code sequences}, none is drawn. */
    static String definitions(Random r, int count, boolean sequences) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", id(i));
            d.put("name", "random segment " + i);
            d.put("condition", condition(r, 1 + r.nextInt(3), i - 1, sequences));
            list.add(d);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String id(int i) {
        return String.format("s%02d", i);
    }

    /** A condition tree of at most {@code depth} levels; {@code earlier} ids may be referenced. */
    private static Map<String, Object> condition(
            Random r, int depth, int earlier, boolean sequences) {
        Map<String, Object> c = new LinkedHashMap<>();
        if (depth > 1 && r.nextInt(10) < 6) {
            int pick = r.nextInt(5);
            if (pick == 0) {
                c.put("not", condition(r, depth - 1, earlier, sequences));
            } else {
                List<Object> children = new ArrayList<>();
                int n = 2 + r.nextInt(2);
                for (int i = 0; i < n; i++) {
                    children.add(condition(r, depth - 1, earlier, sequences));
                }
                c.put(pick % 2 == 0 ? "all" : "any", children);
            }
            return c;
        }
        int pick = r.nextInt(20);
        if (pick < 3 && earlier > 0) {
            c.put("segment", id(1 + r.nextInt(earlier)));
        } else if (pick < 7 && sequences) {
            Map<String, Object> seq = new LinkedHashMap<>();
            List<String> steps = new ArrayList<>();
            int n = 2 + r.nextInt(2);
            for (int i = 0; i < n; i++) {
                steps.add(PREDICATES[r.nextInt(PREDICATES.length)]);
            }
            seq.put("steps", steps);
            seq.put("within", window(r));
            c.put("sequence", seq);
        } else {
            c.put("events", events(r));
        }
        return c;
    }

    private static Map<String, Object> events(Random r) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (r.nextInt(4) != 0) {
            e.put("where", PREDICATES[r.nextInt(PREDICATES.length)]);
        }
        e.put("within", window(r));
        String op = OPERATORS[r.nextInt(OPERATORS.length)];
        switch (r.nextInt(8)) {
            case 0, 1 -> {
                if (r.nextInt(4) != 0) { // else the default, ">= 1"
                    e.put("count", op + " " + r.nextInt(5));
                }
            }
            case 2 -> {
                e.put("sum", NUMERIC_VALUES[r.nextInt(NUMERIC_VALUES.length)]);
                e.put("value", op + " " + r.nextInt(21) / 2.0);
            }
            case 3 -> {
                e.put("min", NUMERIC_VALUES[r.nextInt(NUMERIC_VALUES.length)]);
                e.put("value", op + " " + r.nextInt(11) / 2.0);
            }
            case 4 -> {
                e.put("max", NUMERIC_VALUES[r.nextInt(NUMERIC_VALUES.length)]);
                e.put("value", op + " " + r.nextInt(11) / 2.0);
            }
            case 5 -> {
                e.put("avg", NUMERIC_VALUES[r.nextInt(NUMERIC_VALUES.length)]);
                e.put("value", op + " " + r.nextInt(11) / 2.0);
            }
            default -> {
                e.put("distinct", DISTINCT_VALUES[r.nextInt(DISTINCT_VALUES.length)]);
                e.put("value", op + " " + r.nextInt(5));
            }
        }
        return e;
    }

    private static String window(Random r) {
        return WINDOWS[r.nextInt(WINDOWS.length)];
    }
}
