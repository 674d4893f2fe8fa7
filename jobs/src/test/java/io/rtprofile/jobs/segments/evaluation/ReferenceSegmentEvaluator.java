package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.jobs.segments.definition.Aggregate;
import io.rtprofile.jobs.segments.definition.CelExpression;
import io.rtprofile.jobs.segments.definition.Comparison;
import io.rtprofile.jobs.segments.definition.Condition;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.jobs.segments.definition.Window;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Segment semantics of contract section 5, by brute force: at every instant, every condition is
 * recomputed from the list of the profile's events. Shares nothing with the engine but the parsed
 * definitions and their compiled CEL programs.
 */
final class ReferenceSegmentEvaluator {

    /** One transition of one profile. */
    record Transition(String segmentId, String status, long at) {
        @Override
        public String toString() {
            return segmentId + " " + status + " at " + Instant.ofEpochMilli(at);
        }
    }

    private final Map<String, SegmentDefinition> definitions = new TreeMap<>();
    private final Set<Long> finiteWindows = new TreeSet<>();

    ReferenceSegmentEvaluator(List<SegmentDefinition> definitions) {
        for (SegmentDefinition d : definitions) {
            this.definitions.put(d.id(), d);
            collectWindows(d.condition());
        }
    }

    private void collectWindows(Condition c) {
        if (c instanceof Condition.All all) {
            all.conditions().forEach(this::collectWindows);
        } else if (c instanceof Condition.Any any) {
            any.conditions().forEach(this::collectWindows);
        } else if (c instanceof Condition.Not not) {
            collectWindows(not.condition());
        } else if (c instanceof Condition.Events e) {
            addWindow(e.within());
        } else if (c instanceof Condition.Sequence s) {
            addWindow(s.within());
        }
    }

    private void addWindow(Window w) {
        if (!w.isLifetime()) {
            finiteWindows.add(w.millis());
        }
    }

    /** Every transition of one profile whose events are {@code events}, up to {@code asOf}. */
    List<Transition> transitions(List<RandomSegments.Event> events, long asOf) {
        return run(events, asOf).transitions;
    }

    /** The memberships after the last instant at or before {@code asOf}. */
    Set<String> finalMembers(List<RandomSegments.Event> events, long asOf) {
        return run(events, asOf).members;
    }

    private record Outcome(List<Transition> transitions, Set<String> members) {}

    private Outcome run(List<RandomSegments.Event> unsorted, long asOf) {
        List<RandomSegments.Event> events = new ArrayList<>(unsorted);
        events.sort(RandomSegments.EVENT_ORDER);
        Profile profile = new Profile(events);

        // Instants: (time, how many events are visible). Each event is one, after itself; each
        // boundary (an event's timestamp plus a finite window) with no event at that time is one,
        // seeing every event at or before it.
        Set<Long> eventTimes = new HashSet<>();
        events.forEach(e -> eventTimes.add(e.timestamp()));
        TreeMap<Long, List<Integer>> instants = new TreeMap<>();
        for (int i = 0; i < events.size(); i++) {
            instants.computeIfAbsent(events.get(i).timestamp(), t -> new ArrayList<>()).add(i + 1);
        }
        for (RandomSegments.Event e : events) {
            for (long w : finiteWindows) {
                long b = e.timestamp() + w;
                if (b <= asOf && !eventTimes.contains(b) && !instants.containsKey(b)) {
                    int visible = 0;
                    while (visible < events.size() && events.get(visible).timestamp() <= b) {
                        visible++;
                    }
                    instants.put(b, List.of(visible));
                }
            }
        }

        List<Transition> transitions = new ArrayList<>();
        Set<String> before = new TreeSet<>();
        for (Map.Entry<Long, List<Integer>> instant : instants.entrySet()) {
            long t = instant.getKey();
            for (int visible : instant.getValue()) {
                Set<String> now = new TreeSet<>();
                Map<String, Boolean> decided = new HashMap<>();
                for (String id : definitions.keySet()) {
                    if (member(id, profile, t, visible, decided)) {
                        now.add(id);
                    }
                }
                Set<String> ids = new TreeSet<>(before);
                ids.addAll(now);
                for (String id : ids) {
                    if (now.contains(id) && !before.contains(id)) {
                        transitions.add(new Transition(id, "realized", t));
                    } else if (!now.contains(id) && before.contains(id)) {
                        transitions.add(new Transition(id, "exited", t));
                    }
                }
                before = now;
            }
        }
        return new Outcome(transitions, before);
    }

    private boolean member(
            String id, Profile profile, long t, int visible, Map<String, Boolean> decided) {
        Boolean known = decided.get(id);
        if (known == null) {
            known = holds(definitions.get(id).condition(), profile, t, visible, decided);
            decided.put(id, known);
        }
        return known;
    }

    private boolean holds(
            Condition c, Profile profile, long t, int visible, Map<String, Boolean> decided) {
        if (c instanceof Condition.All all) {
            for (Condition child : all.conditions()) {
                if (!holds(child, profile, t, visible, decided)) {
                    return false;
                }
            }
            return true;
        } else if (c instanceof Condition.Any any) {
            for (Condition child : any.conditions()) {
                if (holds(child, profile, t, visible, decided)) {
                    return true;
                }
            }
            return false;
        } else if (c instanceof Condition.Not not) {
            return !holds(not.condition(), profile, t, visible, decided);
        } else if (c instanceof Condition.SegmentRef ref) {
            return member(ref.segmentId(), profile, t, visible, decided);
        } else if (c instanceof Condition.Events e) {
            return events(e, profile, t, visible);
        } else if (c instanceof Condition.Sequence s) {
            return sequence(s, profile, t, visible);
        }
        throw new IllegalArgumentException("not covered by the reference: " + c);
    }

    private static boolean inWindow(long ts, long t, Window w) {
        return w.isLifetime() ? ts <= t : t - w.millis() < ts && ts <= t;
    }

    private static boolean events(Condition.Events c, Profile profile, long t, int visible) {
        List<Integer> matching = new ArrayList<>();
        for (int i = 0; i < visible; i++) {
            if (inWindow(profile.events.get(i).timestamp(), t, c.within())
                    && (c.where().isEmpty() || profile.matches(c.where().get(), i))) {
                matching.add(i);
            }
        }
        Aggregate.Function function = c.aggregate().function();
        if (function == Aggregate.Function.COUNT) {
            return compare(matching.size(), c.comparison());
        }
        CelExpression of = c.aggregate().of().orElseThrow();
        if (function == Aggregate.Function.DISTINCT) {
            Set<String> values = new HashSet<>();
            for (int i : matching) {
                Object value = profile.value(of, i);
                if (value != null) {
                    values.add(distinctKey(value));
                }
            }
            return compare(values.size(), c.comparison());
        }
        List<Double> numbers = new ArrayList<>();
        for (int i : matching) {
            Object value = profile.value(of, i);
            if (value instanceof Long l) {
                numbers.add(l.doubleValue());
            } else if (value instanceof Double d && Double.isFinite(d)) {
                numbers.add(d);
            }
        }
        double sum = 0;
        for (double n : numbers) {
            sum += n;
        }
        switch (function) {
            case SUM:
                return compare(sum, c.comparison());
            case AVG:
                return !numbers.isEmpty() && compare(sum / numbers.size(), c.comparison());
            case MIN:
                return !numbers.isEmpty()
                        && compare(
                                numbers.stream().mapToDouble(x -> x).min().getAsDouble(),
                                c.comparison());
            case MAX:
                return !numbers.isEmpty()
                        && compare(
                                numbers.stream().mapToDouble(x -> x).max().getAsDouble(),
                                c.comparison());
            default:
                throw new IllegalArgumentException(function.toString());
        }
    }

    /** 1 and 1.0 are one value; a string is never equal to a number. */
    private static String distinctKey(Object value) {
        if (value instanceof Long l) {
            return "number " + l.doubleValue();
        } else if (value instanceof Double d) {
            return "number " + d;
        } else if (value instanceof String s) {
            return "string " + s;
        }
        return value.getClass().getSimpleName() + " " + value;
    }

    private static boolean compare(double value, Comparison c) {
        double threshold = c.threshold().doubleValue();
        return switch (c.operator()) {
            case GE -> value >= threshold;
            case GT -> value > threshold;
            case EQ -> value == threshold;
            case NE -> value != threshold;
            case LE -> value <= threshold;
            case LT -> value < threshold;
        };
    }

    /**
     * Whether the window holds events e1 < e2 < ... in (timestamp, eventId) order with ei matching
     * step i. Taking, for each step in turn, the first matching event after the previous one finds
     * such events whenever any exist.
     */
    private static boolean sequence(Condition.Sequence s, Profile profile, long t, int visible) {
        int step = 0;
        for (int i = 0; i < visible && step < s.steps().size(); i++) {
            if (inWindow(profile.events.get(i).timestamp(), t, s.within())
                    && profile.matches(s.steps().get(step), i)) {
                step++;
            }
        }
        return step == s.steps().size();
    }

    /** One profile's sorted events, with each expression's result on each event remembered. */
    private static final class Profile {
        private static final Object FAILED = new Object();

        final List<RandomSegments.Event> events;
        private final List<Map<String, Object>> activations = new ArrayList<>();
        private final Map<CelExpression, Object[]> results = new HashMap<>();

        Profile(List<RandomSegments.Event> events) {
            this.events = events;
            for (RandomSegments.Event e : events) {
                activations.add(Map.of("event", document(e)));
            }
        }

        /** The event as CEL sees it: the JSON document of contract section 3. */
        private static Map<String, Object> document(RandomSegments.Event e) {
            Map<String, Object> properties = new HashMap<>();
            if (e.v() != null) {
                properties.put("v", e.v());
            }
            if (e.k() != null) {
                properties.put("k", e.k());
            }
            Map<String, Object> doc = new HashMap<>();
            doc.put("eventId", e.eventId());
            doc.put("timestamp", Instant.ofEpochMilli(e.timestamp()).toString());
            doc.put("type", e.type());
            doc.put("source", "default");
            doc.put("identities", List.of(Map.of("namespace", "crm", "id", e.customer())));
            doc.put("attributes", Map.of());
            doc.put("properties", properties);
            return doc;
        }

        /** The expression's value on event i, or null when it fails. */
        Object value(CelExpression expression, int i) {
            Object[] memo = results.computeIfAbsent(expression, x -> new Object[events.size()]);
            if (memo[i] == null) {
                try {
                    memo[i] = expression.program().eval(activations.get(i));
                } catch (Exception e) {
                    memo[i] = FAILED;
                }
            }
            return memo[i] == FAILED ? null : memo[i];
        }

        /** A predicate that fails or is not a boolean is false. */
        boolean matches(CelExpression predicate, int i) {
            return Boolean.TRUE.equals(value(predicate, i));
        }
    }
}
