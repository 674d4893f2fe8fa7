package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.segments.evaluation.SegmentEvaluator;
import io.rtprofile.jobs.segments.evaluation.SegmentPlan;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.internal.SegmentDefinitionChange;
import io.rtprofile.schema.state.ProfileState;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * Keeps one profile per key ({@code profileId}): its attributes, its window aggregates and its
 * segment memberships, and emits the whole profile, with the next {@code version}, whenever an
 * event or a window boundary changes what it shows. The keyed state is one Avro record, so adding a
 * field later is a schema evolution that restores old savepoints (docs/upgrades.md).
 *
 * <p>Segment definitions come from two places: those the job was started with, and those arriving
 * on the broadcast input ({@code segment-definitions}), which add, replace or remove (an empty text
 * is a removal) and win over the first. Every change to the active set re-evaluates every profile
 * at once, so a new segment has its audience and a removed one exits its members without waiting
 * for their next event (docs/segments.md).
 */
public final class ProfileBuilder
        extends KeyedBroadcastProcessFunction<
                String, ExperienceEvent, SegmentDefinitionChange, ProfileUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProfileBuilder.class);

    /** Broadcast state: definition text by segment id as published; "" marks a removal. */
    public static final MapStateDescriptor<String, String> PUBLISHED_SEGMENTS =
            new MapStateDescriptor<>(
                    "segment-definitions", StringSerializer.INSTANCE, StringSerializer.INSTANCE);

    private static final long NO_TIMER = Long.MIN_VALUE;
    private static final SegmentEvaluator.Transitions NO_TRANSITIONS =
            new SegmentEvaluator.Transitions(Long.MIN_VALUE, List.of(), Map.of());

    private final ProfileMerger merger;
    private final SegmentCatalog initialSegments;
    private final long asOf;

    private transient ValueState<ProfileState> profile;
    private transient MapState<Long, List<ExperienceEvent>> pending;
    private transient SegmentEvaluator evaluator;
    private transient Map<String, String> activeTexts;
    private transient Counter updates;
    private transient Counter transitions;
    private transient Counter expressionErrors;
    private transient Counter refusedDefinitions;

    public ProfileBuilder(ProfileJobSettings settings, SegmentCatalog initialSegments) {
        this(settings, initialSegments, Long.MAX_VALUE);
    }

    /**
     * @param asOf where a bounded run stops event time (Long.MAX_VALUE: never). Later events still
     *     update attributes and identities, at once, but segments stay as of that instant.
     */
    public ProfileBuilder(ProfileJobSettings settings, SegmentCatalog initialSegments, long asOf) {
        this.merger = new ProfileMerger(settings);
        this.initialSegments = Objects.requireNonNull(initialSegments, "initialSegments");
        this.asOf = asOf;
    }

    /** The profile state; the state-migration tools read and write it with this descriptor. */
    public static ValueStateDescriptor<ProfileState> profileStateDescriptor() {
        return new ValueStateDescriptor<>("profile", new AvroSerializer<>(ProfileState.class));
    }

    @Override
    public void open(OpenContext openContext) {
        profile = getRuntimeContext().getState(profileStateDescriptor());
        pending = getRuntimeContext().getMapState(pendingEventsDescriptor());
        var metrics = getRuntimeContext().getMetricGroup();
        updates = metrics.counter("profileUpdates");
        transitions = metrics.counter("segmentTransitions");
        expressionErrors = metrics.counter("segmentExpressionErrors");
        refusedDefinitions = metrics.counter("segmentDefinitionsRefused");
    }

    /**
     * Events waiting for the watermark, by timestamp: a profile's events reach this operator
     * through shuffles and Kafka partitions in no guaranteed order, while segment transitions are
     * exact only when each profile's events are applied in (timestamp, eventId) order.
     */
    public static MapStateDescriptor<Long, List<ExperienceEvent>> pendingEventsDescriptor() {
        return new MapStateDescriptor<>(
                "pending-events",
                LongSerializer.INSTANCE,
                new ListSerializer<>(new AvroSerializer<>(ExperienceEvent.class)));
    }

    @Override
    public void processElement(
            ExperienceEvent event, ReadOnlyContext ctx, Collector<ProfileUpdate> out)
            throws Exception {
        SegmentEvaluator segments = evaluator(ctx.getBroadcastState(PUBLISHED_SEGMENTS));
        long time = event.getTimestamp();
        long watermark = ctx.timerService().currentWatermark();
        if (time > asOf) {
            // Event time never gets there: no window may see it, but the profile does.
            ProfileState current = current(ctx.getCurrentKey());
            if (merger.apply(current, event)) {
                emit(current, NO_TRANSITIONS, out);
            }
            profile.update(current);
            return;
        }
        if (!segments.plan().isEmpty() && time > watermark) {
            // Held until the watermark passes it (at most the allowed lateness): the price of
            // exact transitions. Without segments nothing depends on order, so nothing waits.
            List<ExperienceEvent> atTime = pending.get(time);
            if (atTime == null) {
                atTime = new ArrayList<>(1);
                ctx.timerService().registerEventTimeTimer(time);
            }
            atTime.add(event);
            pending.put(time, atTime);
            return;
        }
        ProfileState current = current(ctx.getCurrentKey());
        apply(current, event, segments, watermark, out);
        schedule(current, segments, ctx.timerService());
        profile.update(current);
    }

    private ProfileState current(String key) throws Exception {
        ProfileState current = profile.value();
        return current != null ? current : ProfileMerger.newProfile(key);
    }

    /** Applies one event: boundaries due before it, then the event, then its evaluation. */
    private void apply(
            ProfileState current,
            ExperienceEvent event,
            SegmentEvaluator segments,
            long watermark,
            Collector<ProfileUpdate> out) {
        long time = event.getTimestamp();
        // Exits due before this event are reported at their own instants, first.
        catchUp(current, segments, boundary -> boundary < time, watermark, out);
        segments.observe(current, event, watermark);
        boolean changed = merger.apply(current, event);
        SegmentEvaluator.Transitions result = segments.evaluate(current, time, watermark);
        if (changed || !result.isEmpty()) {
            emit(current, result, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileUpdate> out)
            throws Exception {
        SegmentEvaluator segments = evaluator(ctx.getBroadcastState(PUBLISHED_SEGMENTS));
        long watermark = ctx.timerService().currentWatermark();
        List<ExperienceEvent> due = pending.get(timestamp);
        ProfileState current = profile.value();
        if (due != null) {
            pending.remove(timestamp);
            current = current != null ? current : ProfileMerger.newProfile(ctx.getCurrentKey());
            due.sort(Comparator.comparing(ExperienceEvent::getEventId));
            for (ExperienceEvent event : due) {
                apply(current, event, segments, watermark, out);
            }
        } else if (current == null || current.getBoundaryTimer() != timestamp) {
            return; // superseded: a later event already evaluated past it and moved the timer
        }
        if (current.getBoundaryTimer() == timestamp) {
            current.setBoundaryTimer(NO_TIMER);
            catchUp(current, segments, boundary -> boundary <= timestamp, watermark, out);
        }
        schedule(current, segments, ctx.timerService());
        profile.update(current);
    }

    @Override
    public void processBroadcastElement(
            SegmentDefinitionChange change, Context ctx, Collector<ProfileUpdate> out)
            throws Exception {
        BroadcastState<String, String> published = ctx.getBroadcastState(PUBLISHED_SEGMENTS);
        String text = change.getDefinition() == null ? "" : change.getDefinition();
        String previous = published.get(change.getId());
        if (text.equals(previous)
                || (previous == null
                        && text.equals(initialSegments.texts().getOrDefault(change.getId(), "")))) {
            return; // a replay of what is already in force (the topic is read from the start)
        }
        evaluator(published);
        Map<String, String> before = activeTexts;
        published.put(change.getId(), text);
        evaluator = null;
        SegmentEvaluator segments = evaluator(published);
        if (activeTexts.equals(before)) {
            return;
        }
        LOG.info(
                "Segment {} {}; active segments now {}",
                change.getId(),
                text.isEmpty() ? "removed" : "published",
                segments.plan().segmentIds());
        long watermark = ctx.currentWatermark();
        ctx.applyToKeyedState(
                profileStateDescriptor(),
                (key, state) -> {
                    ProfileState current = state.value();
                    if (current == null) {
                        return;
                    }
                    // The change happens now in event time (the watermark), and never before
                    // what the profile has already seen. Boundaries up to then come first, at
                    // their own instants.
                    long now =
                            Math.max(
                                    watermark,
                                    Math.max(current.getSegmentClock(), current.getUpdatedAt()));
                    catchUp(current, segments, boundary -> boundary <= now, watermark, out);
                    SegmentEvaluator.Transitions result =
                            segments.evaluate(current, now, watermark, true);
                    if (!result.isEmpty()) {
                        emit(current, result, out);
                    }
                    // No timer service here: a boundary this moved earlier is caught up, at its
                    // own instant, on the profile's next event or timer.
                    state.update(current);
                });
    }

    private void catchUp(
            ProfileState current,
            SegmentEvaluator segments,
            LongPredicate due,
            long watermark,
            Collector<ProfileUpdate> out) {
        long boundary;
        while ((boundary = segments.nextBoundary(current)) != SegmentEvaluator.NEVER
                && due.test(boundary)) {
            SegmentEvaluator.Transitions result = segments.evaluate(current, boundary, watermark);
            if (!result.isEmpty()) {
                emit(current, result, out);
            }
        }
    }

    /** Keeps exactly one timer per profile, at its next window boundary. */
    private void schedule(ProfileState current, SegmentEvaluator segments, TimerService timers)
            throws Exception {
        long next = segments.nextBoundary(current);
        long wanted = next == SegmentEvaluator.NEVER ? NO_TIMER : next;
        long registered = current.getBoundaryTimer();
        if (wanted == registered) {
            return;
        }
        if (registered != NO_TIMER) {
            // One timer per instant serves both purposes: keep it while events wait for it.
            if (!pending.contains(registered)) {
                timers.deleteEventTimeTimer(registered);
            }
        }
        if (wanted != NO_TIMER) {
            timers.registerEventTimeTimer(wanted);
        }
        current.setBoundaryTimer(wanted);
    }

    private void emit(
            ProfileState current,
            SegmentEvaluator.Transitions result,
            Collector<ProfileUpdate> out) {
        out.collect(merger.nextUpdate(current, result));
        updates.inc();
        transitions.inc(result.changes().size());
    }

    /** The evaluator for the definitions in force, compiled once per change of them. */
    private SegmentEvaluator evaluator(ReadOnlyBroadcastState<String, String> published)
            throws Exception {
        if (evaluator == null) {
            Map<String, String> texts = new TreeMap<>(initialSegments.texts());
            for (Map.Entry<String, String> entry : published.immutableEntries()) {
                if (entry.getValue().isEmpty()) {
                    texts.remove(entry.getKey());
                } else {
                    texts.put(entry.getKey(), entry.getValue());
                }
            }
            SegmentCatalog.Resolution resolution = SegmentCatalog.resolve(texts);
            for (String refusal : resolution.refused()) {
                LOG.warn("Segment definition not in force: {}", refusal);
                refusedDefinitions.inc();
            }
            Map<String, String> active = new TreeMap<>();
            resolution.active().forEach(d -> active.put(d.id(), texts.get(d.id())));
            activeTexts = active;
            evaluator =
                    new SegmentEvaluator(
                            SegmentPlan.of(resolution.active()), expressionErrors::inc);
        }
        return evaluator;
    }
}
