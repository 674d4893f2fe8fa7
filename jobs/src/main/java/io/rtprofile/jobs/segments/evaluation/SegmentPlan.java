package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.jobs.segments.definition.Aggregate;
import io.rtprofile.jobs.segments.definition.CelExpression;
import io.rtprofile.jobs.segments.definition.Comparison;
import io.rtprofile.jobs.segments.definition.Condition;
import io.rtprofile.jobs.segments.definition.Measure;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A set of active definitions compiled for evaluation: each segment's condition as a tree of {@link
 * Check}s, in an order where referenced segments come first, over a de-duplicated list of {@link
 * WindowAggregate}s. Conditions that use the same predicate and value share one aggregate (and its
 * state), whichever segments they belong to; each distinct CEL expression is evaluated once per
 * event.
 */
public final class SegmentPlan {

    /**
     * Counts compared with thresholds above this keep a windowed sum of ones instead of the
     * timestamps of the last floor(T) + 1 events, whichever is smaller.
     */
    static final int MAX_RECENT = 256;

    /**
     * A compiled segment, with what its result depends on: it can only change at an instant where
     * one of these aggregates gained or lost an event, a referenced segment changed, or (when it
     * reads the profile) the profile changed.
     */
    record Segment(
            String id,
            Check condition,
            Set<WindowAggregate> aggregates,
            List<String> references,
            boolean readsProfile) {

        static Segment of(String id, Check condition) {
            Set<WindowAggregate> aggregates = new HashSet<>();
            List<String> references = new ArrayList<>();
            boolean[] readsProfile = {false};
            dependencies(condition, aggregates, references, readsProfile);
            return new Segment(id, condition, aggregates, references, readsProfile[0]);
        }

        private static void dependencies(
                Check check,
                Set<WindowAggregate> aggregates,
                List<String> references,
                boolean[] readsProfile) {
            if (check instanceof Check.All all) {
                all.checks().forEach(c -> dependencies(c, aggregates, references, readsProfile));
            } else if (check instanceof Check.Any any) {
                any.checks().forEach(c -> dependencies(c, aggregates, references, readsProfile));
            } else if (check instanceof Check.Not not) {
                dependencies(not.check(), aggregates, references, readsProfile);
            } else if (check instanceof Check.Member member) {
                references.add(member.segmentId());
            } else if (check instanceof Check.ProfileTest) {
                readsProfile[0] = true;
            } else if (check instanceof Check.CountTest c) {
                aggregates.add(c.counter());
            } else if (check instanceof Check.DistinctTest c) {
                aggregates.add(c.values());
            } else if (check instanceof Check.ExtremeTest c) {
                aggregates.add(c.extremes());
            } else if (check instanceof Check.SumTest c) {
                aggregates.add(c.sum());
            } else if (check instanceof Check.SequenceTest c) {
                aggregates.add(c.sequence());
            }
        }
    }

    /** What feeds an aggregate from each event: indexes into {@link #expressions}, -1 for none. */
    record Feed(WindowAggregate aggregate, int where, int value, int[] steps) {}

    final List<Segment> segments = new ArrayList<>();
    final Set<String> segmentIds = new HashSet<>();
    final List<Feed> feeds = new ArrayList<>();
    final List<CelExpression> expressions = new ArrayList<>();
    final Map<String, WindowAggregate> aggregatesByKey = new LinkedHashMap<>();
    final List<MeasureReading> measures = new ArrayList<>();
    private final Map<String, Integer> expressionIndex = new HashMap<>();
    private final boolean needsProfile;

    private SegmentPlan(List<SegmentDefinition> definitions, List<Measure> measures) {
        boolean profile = false;
        for (SegmentDefinition definition : inDependencyOrder(definitions)) {
            segments.add(Segment.of(definition.id(), compile(definition.condition())));
            segmentIds.add(definition.id());
            profile |= usesProfile(definition.condition());
        }
        this.needsProfile = profile;
        measures.forEach(m -> this.measures.add(compile(m)));
    }

    /** Compiles {@code definitions}, which must resolve among themselves without cycles. */
    public static SegmentPlan of(List<SegmentDefinition> definitions) {
        return new SegmentPlan(definitions, List.of());
    }

    /**
     * Compiles segment {@code definitions} and {@code measures} (model features) over one set of
     * shared aggregates; {@link SegmentEvaluator#measure} reads the measures in this order. A
     * measure may refer to segments: one the plan does not have reads as not a member.
     */
    public static SegmentPlan of(List<SegmentDefinition> definitions, List<Measure> measures) {
        return new SegmentPlan(definitions, measures);
    }

    public static SegmentPlan empty() {
        return new SegmentPlan(List.of(), List.of());
    }

    /** How many measures the plan reads ({@link SegmentEvaluator#measure}). */
    public int measureCount() {
        return measures.size();
    }

    /**
     * Whether anything here depends on the order of a profile's events (segments, or measures for
     * models whose examples are labelled by later events): then events are applied in event time.
     */
    public boolean isOrderSensitive() {
        return !segments.isEmpty() || !measures.isEmpty();
    }

    public List<String> segmentIds() {
        return segments.stream().map(Segment::id).toList();
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /** How many distinct aggregates (each with its own state per profile) the segments share. */
    public int aggregateCount() {
        return aggregatesByKey.size();
    }

    /** Whether any condition reads the profile (so evaluations must build its CEL document). */
    boolean needsProfile() {
        return needsProfile;
    }

    private static boolean usesProfile(Condition condition) {
        if (condition instanceof Condition.All all) {
            return all.conditions().stream().anyMatch(SegmentPlan::usesProfile);
        } else if (condition instanceof Condition.Any any) {
            return any.conditions().stream().anyMatch(SegmentPlan::usesProfile);
        } else if (condition instanceof Condition.Not not) {
            return usesProfile(not.condition());
        }
        return condition instanceof Condition.Profile;
    }

    private static List<SegmentDefinition> inDependencyOrder(List<SegmentDefinition> definitions) {
        Map<String, SegmentDefinition> byId = new LinkedHashMap<>();
        definitions.stream()
                .sorted((a, b) -> a.id().compareTo(b.id()))
                .forEach(d -> byId.put(d.id(), d));
        List<SegmentDefinition> ordered = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (SegmentDefinition d : byId.values()) {
            visit(d, byId, done, ordered, new HashSet<>());
        }
        return ordered;
    }

    private static void visit(
            SegmentDefinition d,
            Map<String, SegmentDefinition> byId,
            Set<String> done,
            List<SegmentDefinition> ordered,
            Set<String> onPath) {
        if (done.contains(d.id())) {
            return;
        }
        if (!onPath.add(d.id())) {
            throw new IllegalArgumentException("reference cycle through segment " + d.id());
        }
        for (String ref : references(d.condition(), new ArrayList<>())) {
            SegmentDefinition target = byId.get(ref);
            if (target == null) {
                throw new IllegalArgumentException(
                        "segment " + d.id() + " refers to unknown segment " + ref);
            }
            visit(target, byId, done, ordered, onPath);
        }
        done.add(d.id());
        ordered.add(d);
    }

    /** The segment ids a condition refers to. */
    static List<String> references(Condition condition, List<String> into) {
        if (condition instanceof Condition.All all) {
            all.conditions().forEach(c -> references(c, into));
        } else if (condition instanceof Condition.Any any) {
            any.conditions().forEach(c -> references(c, into));
        } else if (condition instanceof Condition.Not not) {
            references(not.condition(), into);
        } else if (condition instanceof Condition.SegmentRef ref) {
            into.add(ref.segmentId());
        }
        return into;
    }

    // -----------------------------------------------------------------------------------------

    /** A compiled measure: reads its value at one evaluation instant. */
    sealed interface MeasureReading {
        /** A Double, a Boolean, a String, another CEL value, or null for no value. */
        Object read(SegmentEvaluator.Instant at);
    }

    /** Count, sum or average of a window, from a windowed sum; an average of nothing is null. */
    record SumReading(WindowedSum sum, long window, Check.SumTest.Reading reading)
            implements MeasureReading {
        @Override
        public Object read(SegmentEvaluator.Instant at) {
            double[] sumAndCount = sum.sumAndCount(at.state(sum), at.time(), window);
            return switch (reading) {
                case SUM -> sumAndCount[0];
                case COUNT -> sumAndCount[1];
                case AVERAGE -> sumAndCount[1] > 0 ? sumAndCount[0] / sumAndCount[1] : null;
            };
        }
    }

    /** Distinct values in a window, up to the aggregate's limit. */
    record DistinctReading(DistinctValues values, long window) implements MeasureReading {
        @Override
        public Object read(SegmentEvaluator.Instant at) {
            return (double) values.count(at.state(values), at.time(), window);
        }
    }

    /** Whether a condition holds. */
    record CheckReading(Check check) implements MeasureReading {
        @Override
        public Object read(SegmentEvaluator.Instant at) {
            return check.test(at);
        }
    }

    /** A CEL value over the profile. */
    record ProfileReading(CelExpression expression) implements MeasureReading {
        @Override
        public Object read(SegmentEvaluator.Instant at) {
            return at.profileValue(expression);
        }
    }

    private MeasureReading compile(Measure measure) {
        if (measure instanceof Measure.Holds holds) {
            return new CheckReading(compile(holds.condition()));
        } else if (measure instanceof Measure.ProfileValue value) {
            return new ProfileReading(value.expression());
        }
        Measure.EventAggregate events = (Measure.EventAggregate) measure;
        long w = events.within().millis();
        int where = events.where().map(this::index).orElse(-1);
        String whereSource = events.where().map(CelExpression::source).orElse("true");
        Aggregate aggregate = events.aggregate();
        String of = aggregate.of().map(CelExpression::source).orElse("");
        int value = aggregate.of().map(this::index).orElse(-1);
        if (aggregate.function() == Aggregate.Function.DISTINCT) {
            DistinctValues distinct =
                    aggregate(
                            "distinct|" + whereSource + "|" + of,
                            DistinctValues::new,
                            where,
                            value);
            distinct.needAtLeast(events.cap());
            distinct.useWith(w);
            return new DistinctReading(distinct, w);
        }
        // Counts, sums and averages share the windowed sum of segments' sums and large counts.
        WindowedSum sum =
                aggregate("sum|" + whereSource + "|" + of, WindowedSum::new, where, value);
        sum.useWith(w);
        return new SumReading(
                sum,
                w,
                switch (aggregate.function()) {
                    case COUNT -> Check.SumTest.Reading.COUNT;
                    case SUM -> Check.SumTest.Reading.SUM;
                    default -> Check.SumTest.Reading.AVERAGE;
                });
    }

    private Check compile(Condition condition) {
        if (condition instanceof Condition.All all) {
            return new Check.All(compileAll(all.conditions()));
        } else if (condition instanceof Condition.Any any) {
            return new Check.Any(compileAll(any.conditions()));
        } else if (condition instanceof Condition.Not not) {
            return new Check.Not(compile(not.condition()));
        } else if (condition instanceof Condition.Profile p) {
            return new Check.ProfileTest(p.expression());
        } else if (condition instanceof Condition.SegmentRef ref) {
            return new Check.Member(ref.segmentId());
        } else if (condition instanceof Condition.Sequence seq) {
            return sequence(seq);
        }
        return events((Condition.Events) condition);
    }

    private List<Check> compileAll(List<Condition> conditions) {
        List<Check> checks = new ArrayList<>(conditions.size());
        conditions.forEach(c -> checks.add(compile(c)));
        return checks;
    }

    private Check sequence(Condition.Sequence seq) {
        long w = seq.within().millis();
        StringBuilder signature = new StringBuilder("sequence|").append(w);
        int[] steps = new int[seq.steps().size()];
        for (int i = 0; i < steps.length; i++) {
            CelExpression step = seq.steps().get(i);
            signature.append('|').append(step.source());
            steps[i] = index(step);
        }
        String key = key(signature.toString());
        WindowAggregate existing = aggregatesByKey.get(key);
        StepSequence sequence;
        if (existing == null) {
            sequence = new StepSequence(key, steps.length, w);
            aggregatesByKey.put(key, sequence);
            feeds.add(new Feed(sequence, -1, -1, steps));
        } else {
            sequence = (StepSequence) existing;
        }
        return new Check.SequenceTest(sequence);
    }

    private Check events(Condition.Events events) {
        long w = events.within().millis();
        int where = events.where().map(this::index).orElse(-1);
        String whereSource = events.where().map(CelExpression::source).orElse("true");
        Comparison comparison = events.comparison();
        Aggregate aggregate = events.aggregate();
        String of = aggregate.of().map(CelExpression::source).orElse("");
        int value = aggregate.of().map(this::index).orElse(-1);
        switch (aggregate.function()) {
            case COUNT -> {
                int needed = neededCount(comparison.threshold());
                if (needed <= MAX_RECENT) {
                    RecentTimes recent =
                            aggregate("recent|" + whereSource, k -> new RecentTimes(k), where, -1);
                    recent.needAtLeast(needed);
                    recent.useWith(w);
                    return new Check.CountTest(recent, w, comparison);
                }
                WindowedSum ones =
                        aggregate("sum|" + whereSource + "|", WindowedSum::new, where, -1);
                ones.useWith(w);
                return new Check.SumTest(ones, w, comparison, Check.SumTest.Reading.COUNT);
            }
            case SUM, AVG -> {
                WindowedSum sum =
                        aggregate("sum|" + whereSource + "|" + of, WindowedSum::new, where, value);
                sum.useWith(w);
                return new Check.SumTest(
                        sum,
                        w,
                        comparison,
                        aggregate.function() == Aggregate.Function.SUM
                                ? Check.SumTest.Reading.SUM
                                : Check.SumTest.Reading.AVERAGE);
            }
            case MIN, MAX -> {
                BigDecimal x = comparison.threshold();
                Extremes extremes =
                        aggregate(
                                "extremes|"
                                        + whereSource
                                        + "|"
                                        + of
                                        + "|"
                                        + x.stripTrailingZeros().toPlainString(),
                                k -> new Extremes(k, x.doubleValue()),
                                where,
                                value);
                extremes.useWith(w);
                return new Check.ExtremeTest(
                        extremes,
                        w,
                        aggregate.function() == Aggregate.Function.MAX,
                        comparison.operator());
            }
            case DISTINCT -> {
                DistinctValues distinct =
                        aggregate(
                                "distinct|" + whereSource + "|" + of,
                                DistinctValues::new,
                                where,
                                value);
                distinct.needAtLeast(neededCount(comparison.threshold()));
                distinct.useWith(w);
                return new Check.DistinctTest(distinct, w, comparison);
            }
            default -> throw new IllegalStateException("unknown aggregate " + aggregate);
        }
    }

    /** floor(T) + 1, at least 0: the count at which "count op T" stops depending on more events. */
    static int neededCount(BigDecimal threshold) {
        BigDecimal floor = threshold.setScale(0, RoundingMode.FLOOR);
        if (floor.signum() < 0) {
            return 0;
        }
        return floor.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE - 1)) >= 0
                ? Integer.MAX_VALUE
                : floor.intValue() + 1;
    }

    private <A extends WindowAggregate> A aggregate(
            String signature, java.util.function.Function<String, A> create, int where, int value) {
        String key = key(signature);
        @SuppressWarnings("unchecked")
        A existing = (A) aggregatesByKey.get(key);
        if (existing != null) {
            return existing;
        }
        A created = create.apply(key);
        aggregatesByKey.put(key, created);
        feeds.add(new Feed(created, where, value, null));
        return created;
    }

    private int index(CelExpression expression) {
        String id = expression.variable() + ":" + expression.source();
        return expressionIndex.computeIfAbsent(
                id,
                k -> {
                    expressions.add(expression);
                    return expressions.size() - 1;
                });
    }

    /**
     * A short, stable state key for an aggregate: 72 bits of SHA-256 of its signature (the
     * signature itself holds whole CEL sources, and the key is stored in every profile).
     */
    static String key(String signature) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(signature.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(java.util.Arrays.copyOf(digest, 9));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
