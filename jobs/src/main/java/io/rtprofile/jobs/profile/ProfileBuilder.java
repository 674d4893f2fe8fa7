package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.segments.evaluation.SegmentEvaluator;
import io.rtprofile.jobs.segments.evaluation.SegmentPlan;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.internal.ProfileInstruction;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.ProfileTransfer;
import io.rtprofile.schema.internal.SegmentDefinitionChange;
import io.rtprofile.schema.internal.Tombstone;
import io.rtprofile.schema.internal.TombstoneReason;
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
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 *
 * <p>Its input comes from the identity resolver ({@code IdentityResolver}): events to apply, and
 * the steps of an identity merge (docs/identity.md). An absorbed profile ships its whole state on
 * the {@link #TRANSFERS} side output, which the job feeds back to the resolver, and leaves a
 * tombstone; the survivor holds its own events until every state it expects has arrived, merges it,
 * and decides every segment again on the merged profile, so a "not" condition sees the events of
 * both. {@code privacy.delete} erases a profile with its timers and leaves a tombstone.
 */
public final class ProfileBuilder
        extends KeyedBroadcastProcessFunction<
                String, ProfileInstruction, SegmentDefinitionChange, ProfileOutput> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProfileBuilder.class);

    /** Broadcast state: definition text by segment id as published; "" marks a removal. */
    public static final MapStateDescriptor<String, String> PUBLISHED_SEGMENTS =
            new MapStateDescriptor<>(
                    "segment-definitions", StringSerializer.INSTANCE, StringSerializer.INSTANCE);

    /** The state of absorbed profiles, on its way back to the resolver and on to the survivor. */
    public static final OutputTag<ProfileTransfer> TRANSFERS =
            new OutputTag<>("profile-transfers", new AvroTypeInfo<>(ProfileTransfer.class));

    private static final long NO_TIMER = Long.MIN_VALUE;
    private static final SegmentEvaluator.Transitions NO_TRANSITIONS =
            new SegmentEvaluator.Transitions(Long.MIN_VALUE, List.of(), Map.of());

    private final ProfileMerger merger;
    private final SegmentCatalog initialSegments;
    private final long asOf;

    private transient ValueState<ProfileState> profile;
    private transient MapState<Long, List<ExperienceEvent>> pending;
    private transient ValueState<List<String>> awaited;
    private transient SegmentEvaluator evaluator;
    private transient Map<String, String> activeTexts;
    private transient Counter updates;
    private transient Counter transitions;
    private transient Counter expressionErrors;
    private transient Counter refusedDefinitions;
    private transient Counter mergesCompleted;

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
        awaited = getRuntimeContext().getState(awaitedTransfersDescriptor());
        var metrics = getRuntimeContext().getMetricGroup();
        updates = metrics.counter("profileUpdates");
        transitions = metrics.counter("segmentTransitions");
        expressionErrors = metrics.counter("segmentExpressionErrors");
        refusedDefinitions = metrics.counter("segmentDefinitionsRefused");
        mergesCompleted = metrics.counter("profileMergesCompleted");
    }

    /**
     * Absorbed profiles whose state this survivor still waits for; it holds its events meanwhile.
     */
    public static ValueStateDescriptor<List<String>> awaitedTransfersDescriptor() {
        return new ValueStateDescriptor<>(
                "awaited-transfers", new ListSerializer<>(StringSerializer.INSTANCE));
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
            ProfileInstruction instruction, ReadOnlyContext ctx, Collector<ProfileOutput> out)
            throws Exception {
        if (instruction.getAbsorbInto() != null) {
            leave(
                    ctx,
                    out,
                    TombstoneReason.merged,
                    instruction.getAbsorbInto(),
                    instruction.getAt());
            return;
        }
        if (instruction.getErase()) {
            leave(ctx, out, TombstoneReason.erased, null, instruction.getAt());
            return;
        }
        SegmentEvaluator segments = evaluator(ctx.getBroadcastState(PUBLISHED_SEGMENTS));
        if (instruction.getTransfer() != null) {
            receive(instruction.getTransfer(), segments, ctx, out);
            return;
        }
        List<String> waits = awaited.value();
        if (!instruction.getExpect().isEmpty()) {
            waits = waits == null ? new ArrayList<>() : new ArrayList<>(waits);
            waits.addAll(instruction.getExpect());
            awaited.update(waits);
        }
        if (!instruction.getEvicted().isEmpty()) {
            ProfileState current = current(ctx.getCurrentKey());
            if (ProfileMerger.removeIdentities(current, instruction.getEvicted())
                    && waits == null) {
                emit(current, NO_TRANSITIONS, out);
            }
            profile.update(current);
        }
        ExperienceEvent event = instruction.getEvent();
        long time = event.getTimestamp();
        long watermark = ctx.timerService().currentWatermark();
        if (waits != null) {
            // A merge is under way: nothing is applied until the absorbed state is here.
            hold(event, ctx.timerService());
            return;
        }
        if (time > asOf) {
            ProfileState current = current(ctx.getCurrentKey());
            applyAfterAsOf(current, event, out);
            profile.update(current);
            return;
        }
        if (!segments.plan().isEmpty() && time > watermark) {
            // Held until the watermark passes it (at most the allowed lateness): the price of
            // exact transitions. Without segments nothing depends on order, so nothing waits.
            hold(event, ctx.timerService());
            return;
        }
        ProfileState current = current(ctx.getCurrentKey());
        apply(current, event, segments, watermark, out);
        schedule(current, segments, ctx.timerService());
        profile.update(current);
    }

    /** Event time never gets past as-of: no window may see the event, but the profile does. */
    private void applyAfterAsOf(
            ProfileState current, ExperienceEvent event, Collector<ProfileOutput> out) {
        if (merger.apply(current, event)) {
            emit(current, NO_TRANSITIONS, out);
        }
    }

    /** Keeps an event until its timestamp's timer (and any merge under way) lets it through. */
    private void hold(ExperienceEvent event, TimerService timers) throws Exception {
        long time = event.getTimestamp();
        List<ExperienceEvent> atTime = pending.get(time);
        if (atTime == null) {
            atTime = new ArrayList<>(1);
            timers.registerEventTimeTimer(time);
        }
        atTime.add(event);
        pending.put(time, atTime);
    }

    /**
     * The profile leaves: absorbed by a merge (its state and held events go to the survivor) or
     * erased. Either way its state and timers go, and a profile downstream has seen gets a
     * tombstone.
     */
    private void leave(
            ReadOnlyContext ctx,
            Collector<ProfileOutput> out,
            TombstoneReason reason,
            String survivor,
            long at)
            throws Exception {
        String key = ctx.getCurrentKey();
        ProfileState state = profile.value();
        List<ExperienceEvent> held = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (Map.Entry<Long, List<ExperienceEvent>> entry : pending.entries()) {
            times.add(entry.getKey());
            held.addAll(entry.getValue());
        }
        for (long time : times) {
            ctx.timerService().deleteEventTimeTimer(time);
        }
        if (state != null && state.getBoundaryTimer() != NO_TIMER) {
            ctx.timerService().deleteEventTimeTimer(state.getBoundaryTimer());
        }
        if (reason == TombstoneReason.merged) {
            held.sort(EVENT_ORDER);
            ctx.output(
                    TRANSFERS,
                    new ProfileTransfer(
                            key, state != null ? state : ProfileMerger.newProfile(key), held));
        }
        if (state != null && state.getVersion() > 0) {
            out.collect(new ProfileOutput(key, null, new Tombstone(reason, survivor, at)));
        }
        profile.clear();
        pending.clear();
        awaited.clear();
    }

    /**
     * The state of a profile absorbed into this one has arrived: merge it; once the last awaited
     * one is here, decide every segment on the merged profile and apply the events held meanwhile.
     */
    private void receive(
            ProfileTransfer transfer,
            SegmentEvaluator segments,
            ReadOnlyContext ctx,
            Collector<ProfileOutput> out)
            throws Exception {
        ProfileState current = current(ctx.getCurrentKey());
        merger.absorb(current, transfer.getState());
        segments.absorbWindows(current, transfer.getState());
        for (ExperienceEvent event : transfer.getPendingEvents()) {
            hold(event, ctx.timerService());
        }
        List<String> waits = awaited.value();
        if (waits != null) {
            waits = new ArrayList<>(waits);
            waits.remove(transfer.getAbsorbedId());
        }
        if (waits != null && !waits.isEmpty()) {
            awaited.update(waits);
            profile.update(current);
            return;
        }
        awaited.clear();
        mergesCompleted.inc();
        long watermark = ctx.timerService().currentWatermark();
        SegmentEvaluator.Transitions result =
                current.getSegmentClock() == Long.MIN_VALUE
                        ? NO_TRANSITIONS
                        : segments.evaluate(current, current.getSegmentClock(), watermark, true);
        if (!current.getIdentities().isEmpty()) {
            // (Without identities no event has been applied to either side yet: nothing to show.)
            emit(current, result, out);
        }
        release(current, segments, watermark, ctx, out);
        schedule(current, segments, ctx.timerService());
        profile.update(current);
    }

    /**
     * Applies the held events that may go now: all of them without segments, else those the
     * watermark has passed, in (timestamp, eventId) order, and the boundaries due up to the
     * watermark. The timers of released events find nothing when they fire.
     */
    private void release(
            ProfileState current,
            SegmentEvaluator segments,
            long watermark,
            ReadOnlyContext ctx,
            Collector<ProfileOutput> out)
            throws Exception {
        List<Long> times = new ArrayList<>();
        for (Long time : pending.keys()) {
            if (segments.plan().isEmpty() || time <= watermark || time > asOf) {
                times.add(time);
            }
        }
        times.sort(null);
        for (long time : times) {
            List<ExperienceEvent> due = pending.get(time);
            pending.remove(time);
            due.sort(EVENT_ORDER);
            for (ExperienceEvent event : due) {
                if (time > asOf) {
                    applyAfterAsOf(current, event, out);
                } else {
                    apply(current, event, segments, watermark, out);
                }
            }
        }
        if (!segments.plan().isEmpty()) {
            catchUp(current, segments, boundary -> boundary <= watermark, watermark, out);
        }
    }

    private static final Comparator<ExperienceEvent> EVENT_ORDER =
            Comparator.comparingLong(ExperienceEvent::getTimestamp)
                    .thenComparing(ExperienceEvent::getEventId);

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
            Collector<ProfileOutput> out) {
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
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileOutput> out)
            throws Exception {
        if (awaited.value() != null) {
            // A merge is under way: what is due now is applied when the absorbed state arrives.
            ProfileState current = profile.value();
            if (current != null && current.getBoundaryTimer() == timestamp) {
                current.setBoundaryTimer(NO_TIMER);
                profile.update(current);
            }
            return;
        }
        SegmentEvaluator segments = evaluator(ctx.getBroadcastState(PUBLISHED_SEGMENTS));
        long watermark = ctx.timerService().currentWatermark();
        List<ExperienceEvent> due = pending.get(timestamp);
        ProfileState current = profile.value();
        if (due != null) {
            pending.remove(timestamp);
            current = current != null ? current : ProfileMerger.newProfile(ctx.getCurrentKey());
            due.sort(EVENT_ORDER);
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
            SegmentDefinitionChange change, Context ctx, Collector<ProfileOutput> out)
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
        // A survivor waiting for absorbed state decides everything when the merge completes.
        Set<String> merging = new HashSet<>();
        ctx.applyToKeyedState(
                awaitedTransfersDescriptor(),
                (key, state) -> {
                    if (state.value() != null) {
                        merging.add(key);
                    }
                });
        ctx.applyToKeyedState(
                profileStateDescriptor(),
                (key, state) -> {
                    ProfileState current = state.value();
                    if (current == null || merging.contains(key)) {
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
            Collector<ProfileOutput> out) {
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
            Collector<ProfileOutput> out) {
        out.collect(
                new ProfileOutput(
                        current.getProfileId(), merger.nextUpdate(current, result), null));
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
