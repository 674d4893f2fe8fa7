package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.jobs.segments.definition.CelExpression;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.state.ProfileState;
import io.rtprofile.schema.state.WindowState;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a {@link SegmentPlan} for one profile, in event time (contract section 5). Pure logic
 * over the profile's state record, so it is tested without Flink; the profile operator decides when
 * to call it:
 *
 * <ol>
 *   <li>{@link #nextBoundary} says when a window next loses an event; the operator evaluates at
 *       every such instant before an event that comes later, and on an event-time timer otherwise;
 *   <li>{@link #observe} adds an event to the aggregates;
 *   <li>{@link #evaluate} decides every segment at an instant and reports the transitions.
 * </ol>
 *
 * The profile's segment clock ({@code segmentClock}) only moves forward: an event older than it is
 * counted in every window it still falls in and evaluated at the clock.
 */
public final class SegmentEvaluator {

    /** No next boundary. */
    public static final long NEVER = EventTime.NEVER;

    /** What one evaluation changed. */
    public record Transitions(long at, List<SegmentChange> changes, Map<String, Long> exited) {
        public boolean isEmpty() {
            return changes.isEmpty();
        }
    }

    private final SegmentPlan plan;
    private final Runnable onExpressionError;

    /** Aggregates that gained an event since the last evaluation (this evaluator is per task). */
    private final Set<WindowAggregate> touched = new HashSet<>();

    /**
     * @param onExpressionError called for each expression that failed on an event or a profile
     *     (counted, and taken as false there)
     */
    public SegmentEvaluator(SegmentPlan plan, Runnable onExpressionError) {
        this.plan = plan;
        this.onExpressionError = onExpressionError;
    }

    public SegmentPlan plan() {
        return plan;
    }

    /** Adds {@code event} to every aggregate whose predicate it matches. */
    public void observe(ProfileState profile, ExperienceEvent event, long watermark) {
        if (plan.feeds.isEmpty()) {
            return;
        }
        EventInputs inputs = new EventInputs(event);
        long ts = event.getTimestamp();
        for (SegmentPlan.Feed feed : plan.feeds) {
            WindowAggregate aggregate = feed.aggregate();
            if (aggregate instanceof StepSequence sequence) {
                int mask = 0;
                for (int i = 0; i < feed.steps().length; i++) {
                    if (inputs.matches(feed.steps()[i])) {
                        mask |= 1 << i;
                    }
                }
                if (mask != 0) {
                    sequence.add(
                            stateFor(profile, sequence), ts, event.getEventId(), mask, watermark);
                }
                continue;
            }
            if (feed.where() >= 0 && !inputs.matches(feed.where())) {
                continue;
            }
            if (aggregate instanceof RecentTimes recent) {
                recent.add(stateFor(profile, recent), ts);
            } else if (aggregate instanceof DistinctValues distinct) {
                String key = inputs.distinctKey(feed.value());
                if (key != null) {
                    distinct.add(stateFor(profile, distinct), key, ts);
                }
            } else if (aggregate instanceof Extremes extremes) {
                Double value = inputs.number(feed.value());
                if (value != null) {
                    extremes.add(stateFor(profile, extremes), value, ts);
                }
            } else if (aggregate instanceof WindowedSum sum) {
                Double value = feed.value() < 0 ? Double.valueOf(1) : inputs.number(feed.value());
                if (value != null) {
                    sum.add(stateFor(profile, sum), value, ts);
                }
            }
        }
    }

    /**
     * Merges the window aggregates of {@code absorbed} into {@code survivor} (an identity merge):
     * for every aggregate of the plan that {@code absorbed} holds state for, afterwards the
     * survivor's state answers at any instant at or after both profiles' clocks as if it had seen
     * the events of both (except for sequences' settled chains, see {@link StepSequence}). Window
     * state of aggregates the plan does not have is ignored. The merged aggregates count as changed
     * for the next {@link #evaluate}.
     *
     * <p>Neither memberships nor clocks change, and {@code absorbed} is left as it is. The caller
     * sets the survivor's clock to the later of the two and evaluates every segment there ({@code
     * evaluate(survivor, t, watermark, true)}): boundaries between the survivor's own clock and
     * that instant are not caught up one by one.
     */
    public void absorbWindows(ProfileState survivor, ProfileState absorbed) {
        long at = Math.max(survivor.getSegmentClock(), absorbed.getSegmentClock());
        for (Map.Entry<String, WindowState> entry : absorbed.getWindows().entrySet()) {
            WindowAggregate aggregate = plan.aggregatesByKey.get(entry.getKey());
            if (aggregate == null) {
                continue;
            }
            WindowState from = WindowState.newBuilder(entry.getValue()).build(); // a deep copy
            WindowState into = stateFor(survivor, aggregate);
            if (at != EventTime.NONE) {
                // What no window at the later clock can hold goes first, so that it takes no room
                // (the limits of counts and distinct, the cap of sums).
                aggregate.prune(from, at);
                aggregate.prune(into, at);
            }
            aggregate.merge(into, from);
        }
    }

    /**
     * Decides the segments at {@code t} (or at the profile's clock, if that is later), moves the
     * clock there, drops what no future window can hold, and returns the transitions. Memberships
     * of segments the plan no longer has are exited.
     *
     * <p>Only segments whose result can have changed since the previous evaluation are tested:
     * those over an aggregate that gained an event ({@link #observe}) or lost one to a window
     * boundary, those reading the profile, and those referring to a segment that just changed. The
     * others keep their membership. This keeps the cost of an evaluation proportional to what an
     * event touches rather than to the number of segments.
     */
    public Transitions evaluate(ProfileState profile, long t, long watermark) {
        return evaluate(profile, t, watermark, false);
    }

    /**
     * As {@link #evaluate(ProfileState, long, long)}; with {@code everything}, every segment is
     * tested (after the definitions changed).
     */
    public Transitions evaluate(ProfileState profile, long t, long watermark, boolean everything) {
        long previous = profile.getSegmentClock();
        long at = Math.max(t, previous);
        boolean all = everything || previous == EventTime.NONE;
        Set<WindowAggregate> changed = all ? Set.of() : changedSince(profile, previous, at);
        touched.clear();
        profile.setSegmentClock(at);
        maintain(profile, at, watermark);
        Instant instant = new Instant(profile, at);
        Map<String, Long> before = profile.getSegments();
        for (Map.Entry<String, Long> member : before.entrySet()) {
            if (plan.segmentIds.contains(member.getKey())) {
                instant.members.put(member.getKey(), member.getValue());
            }
        }
        List<SegmentChange> changes = new ArrayList<>();
        Map<String, Long> exited = new HashMap<>();
        Set<String> changedSegments = new HashSet<>();
        for (SegmentPlan.Segment segment : plan.segments) {
            if (!all && !mayHaveChanged(segment, changed, changedSegments)) {
                continue;
            }
            boolean is = segment.condition().test(instant);
            boolean was = instant.members.containsKey(segment.id());
            if (is && !was) {
                instant.members.put(segment.id(), at);
                changes.add(new SegmentChange(segment.id(), SegmentStatus.realized, at));
                changedSegments.add(segment.id());
            } else if (was && !is) {
                instant.members.remove(segment.id());
                changes.add(new SegmentChange(segment.id(), SegmentStatus.exited, at));
                exited.put(segment.id(), before.get(segment.id()));
                changedSegments.add(segment.id());
            }
        }
        for (Map.Entry<String, Long> member : before.entrySet()) {
            if (!plan.segmentIds.contains(member.getKey())) {
                changes.add(new SegmentChange(member.getKey(), SegmentStatus.exited, at));
                exited.put(member.getKey(), member.getValue());
            }
        }
        if (!changes.isEmpty()) {
            changes.sort(Comparator.comparing(SegmentChange::getSegmentId));
            profile.setSegments(instant.members);
            profile.setSegmentsChangedAt(Math.max(profile.getSegmentsChangedAt(), at));
        }
        return new Transitions(at, changes, exited);
    }

    private static boolean mayHaveChanged(
            SegmentPlan.Segment segment,
            Set<WindowAggregate> changed,
            Set<String> changedSegments) {
        if (segment.readsProfile()) {
            return true;
        }
        for (WindowAggregate aggregate : segment.aggregates()) {
            if (changed.contains(aggregate)) {
                return true;
            }
        }
        for (String reference : segment.references()) {
            if (changedSegments.contains(reference)) {
                return true;
            }
        }
        return false;
    }

    /** Aggregates that gained an event, or lost one to a boundary in (previous, at]. */
    private Set<WindowAggregate> changedSince(ProfileState profile, long previous, long at) {
        Set<WindowAggregate> changed = new HashSet<>(touched);
        for (Map.Entry<String, WindowState> entry : profile.getWindows().entrySet()) {
            WindowAggregate aggregate = plan.aggregatesByKey.get(entry.getKey());
            if (aggregate != null
                    && !changed.contains(aggregate)
                    && aggregate.nextChange(entry.getValue(), previous) <= at) {
                changed.add(aggregate);
            }
        }
        return changed;
    }

    /**
     * The first instant after the profile's clock at which an event leaves a window, so that a
     * result may change without a new event; {@link #NEVER} when none can.
     */
    public long nextBoundary(ProfileState profile) {
        long clock = profile.getSegmentClock();
        long next = NEVER;
        for (Map.Entry<String, WindowState> entry : profile.getWindows().entrySet()) {
            WindowAggregate aggregate = plan.aggregatesByKey.get(entry.getKey());
            if (aggregate != null) {
                next = Math.min(next, aggregate.nextChange(entry.getValue(), clock));
            }
        }
        return next;
    }

    /**
     * The plan's measures (model features) at {@code t}, or at the profile's clock if that is
     * later, in the order they were compiled: Double, Boolean or String values, other CEL values,
     * or null where there is none (an average of nothing, an expression that failed, which is
     * counted). Segment references read the memberships as they stand. Changes nothing.
     */
    public Object[] measure(ProfileState profile, long t) {
        Instant instant = new Instant(profile, Math.max(t, profile.getSegmentClock()));
        instant.members.putAll(profile.getSegments());
        Object[] values = new Object[plan.measures.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = plan.measures.get(i).read(instant);
        }
        return values;
    }

    /**
     * Whether {@code event} satisfies an event predicate (a model's label or example trigger); an
     * expression that fails is false, and counted. The event's document is built once for
     * consecutive calls on the same event: the same id and time (with object reuse on, the same
     * object may carry the next event, so identity alone would not do).
     */
    public boolean matches(CelExpression predicate, ExperienceEvent event) {
        if (lastActivation == null
                || event.getTimestamp() != lastTimestamp
                || !event.getEventId().equals(lastEventId)) {
            lastEventId = event.getEventId();
            lastTimestamp = event.getTimestamp();
            lastActivation = Map.of("event", CelDocuments.event(event));
        }
        return truth(predicate, lastActivation);
    }

    private String lastEventId;
    private long lastTimestamp;
    private Map<String, Object> lastActivation;

    /** Settles sequences, prunes, and frees the state of aggregates no definition uses any more. */
    private void maintain(ProfileState profile, long t, long watermark) {
        for (Iterator<Map.Entry<String, WindowState>> it =
                        profile.getWindows().entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<String, WindowState> entry = it.next();
            WindowAggregate aggregate = plan.aggregatesByKey.get(entry.getKey());
            if (aggregate == null) {
                it.remove();
                continue;
            }
            if (aggregate instanceof StepSequence sequence) {
                sequence.settle(entry.getValue(), Math.min(watermark, t));
            }
            aggregate.prune(entry.getValue(), t);
            if (aggregate.isEmpty(entry.getValue())) {
                it.remove();
            }
        }
    }

    private WindowState stateFor(ProfileState profile, WindowAggregate aggregate) {
        touched.add(aggregate);
        return profile.getWindows()
                .computeIfAbsent(aggregate.key, k -> WindowAggregate.emptyState());
    }

    /** One evaluation instant: what checks read. */
    final class Instant {
        private final ProfileState profile;
        private final long time;
        private final Map<String, Long> members = new HashMap<>();
        private Map<String, Object> document;

        Instant(ProfileState profile, long time) {
            this.profile = profile;
            this.time = time;
        }

        long time() {
            return time;
        }

        WindowState state(WindowAggregate aggregate) {
            WindowState state = profile.getWindows().get(aggregate.key);
            return state != null ? state : WindowAggregate.emptyState();
        }

        boolean isMember(String segmentId) {
            return members.containsKey(segmentId);
        }

        boolean profileMatches(CelExpression expression) {
            return truth(expression, Map.of("profile", document()));
        }

        Object profileValue(CelExpression expression) {
            return value(expression, Map.of("profile", document()));
        }

        private Map<String, Object> document() {
            if (document == null) {
                document = CelDocuments.profile(profile);
            }
            return document;
        }
    }

    /** The value of a profile expression, or null (counted) where it fails. */
    private Object value(CelExpression expression, Map<String, Object> activation) {
        try {
            Object value = expression.program().eval(activation);
            if (!(value instanceof NullValue)) {
                return value;
            }
            return null;
        } catch (CelEvaluationException | RuntimeException e) {
            onExpressionError.run();
            return null;
        }
    }

    private boolean truth(CelExpression expression, Map<String, Object> activation) {
        try {
            Object result = expression.program().eval(activation);
            if (result instanceof Boolean b) {
                return b;
            }
        } catch (CelEvaluationException | RuntimeException e) {
            // A missing field or a wrong type: false here, and counted (contract section 5).
        }
        onExpressionError.run();
        return false;
    }

    /** One event's CEL document and expression results, each computed at most once. */
    private final class EventInputs {
        private final ExperienceEvent event;
        private Map<String, Object> activation;
        private final Boolean[] truths = new Boolean[plan.expressions.size()];
        private final Object[] values = new Object[plan.expressions.size()];
        private final boolean[] failed = new boolean[plan.expressions.size()];

        EventInputs(ExperienceEvent event) {
            this.event = event;
        }

        private Map<String, Object> activation() {
            if (activation == null) {
                activation = Map.of("event", CelDocuments.event(event));
            }
            return activation;
        }

        boolean matches(int expression) {
            if (truths[expression] == null) {
                truths[expression] = truth(plan.expressions.get(expression), activation());
            }
            return truths[expression];
        }

        /** The expression's value, or null when it failed (counted once per event). */
        private Object value(int expression) {
            if (values[expression] == null && !failed[expression]) {
                try {
                    values[expression] =
                            plan.expressions.get(expression).program().eval(activation());
                } catch (CelEvaluationException | RuntimeException e) {
                    failed[expression] = true;
                    onExpressionError.run();
                }
            }
            return values[expression];
        }

        /**
         * The value as a finite number, or null. A value of another type is an error for this
         * numeric aggregate only: a {@code distinct} of the same expression still counts it.
         */
        Double number(int expression) {
            Object value = value(expression);
            double number;
            if (value instanceof Long l) {
                number = l;
            } else if (value instanceof Double d) {
                number = d;
            } else if (value instanceof UnsignedLong u) {
                number = u.doubleValue();
            } else {
                if (value != null) {
                    onExpressionError.run();
                }
                return null;
            }
            if (!Double.isFinite(number)) {
                onExpressionError.run();
                return null;
            }
            return number;
        }

        /** A key equal for equal CEL values (1 and 1.0 alike), distinct across types otherwise. */
        String distinctKey(int expression) {
            Object value = value(expression);
            if (value == null) {
                return null;
            } else if (value instanceof String s) {
                return "s:" + s;
            } else if (value instanceof Boolean b) {
                return "b:" + b;
            } else if (value instanceof NullValue) {
                return "null";
            } else if (value instanceof Long
                    || value instanceof Double
                    || value instanceof UnsignedLong) {
                Double number = number(expression);
                if (number == null) {
                    return "n:" + value; // not finite: still a value of its own
                }
                return number == Math.rint(number) && Math.abs(number) < 0x1p53
                        ? "n:" + number.longValue()
                        : "n:" + number;
            }
            return "o:" + value;
        }
    }
}
