package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.scoring.ActiveModels;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.segments.evaluation.SegmentEvaluator;
import io.rtprofile.jobs.segments.evaluation.SegmentPlan;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.TrainingExample;
import io.rtprofile.schema.internal.CatalogChange;
import io.rtprofile.schema.internal.ProfileInstruction;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.ProfileTransfer;
import io.rtprofile.schema.internal.SegmentDefinitionChange;
import io.rtprofile.schema.internal.Tombstone;
import io.rtprofile.schema.internal.TombstoneReason;
import io.rtprofile.schema.state.PendingExample;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
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
 *
 * <p>Models (docs/models.md): their features are measures compiled into the segment plan, so they
 * share aggregates with segments. Every evaluation scores the profile with each model's latest
 * published version (broadcast, from the trainer), and an update is due when a score moved enough.
 * A profile takes a training example (its inputs at that instant) on an event, at most one pending
 * per model, and labels it positive on an outcome event within the horizon or negative on an
 * event-time timer at its end; labelled examples leave on {@link #TRAINING_EXAMPLES}.
 */
public final class ProfileBuilder
        extends KeyedBroadcastProcessFunction<
                String, ProfileInstruction, CatalogChange, ProfileOutput> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProfileBuilder.class);

    /** Broadcast state: definition text by segment id as published; "" marks a removal. */
    public static final MapStateDescriptor<String, String> PUBLISHED_SEGMENTS =
            new MapStateDescriptor<>(
                    "segment-definitions", StringSerializer.INSTANCE, StringSerializer.INSTANCE);

    /** Broadcast state: the latest published version of each model, by model id. */
    public static final MapStateDescriptor<String, Model> PUBLISHED_MODELS =
            new MapStateDescriptor<>(
                    "published-models",
                    StringSerializer.INSTANCE,
                    new AvroSerializer<>(Model.class));

    /** Labelled training examples, for the trainer and the {@code training-examples} topic. */
    public static final OutputTag<TrainingExample> TRAINING_EXAMPLES =
            new OutputTag<>("training-examples", new AvroTypeInfo<>(TrainingExample.class));

    /**
     * A score shown in an update is replaced (and an update is due) when the model's score of the
     * profile moves by at least this much, or its percentile by {@link #PERCENTILE_CHANGE}: small
     * moves from each new model version do not each rewrite every profile downstream.
     */
    static final double SCORE_CHANGE = 0.01;

    static final int PERCENTILE_CHANGE = 5;

    /** The state of absorbed profiles, on its way back to the resolver and on to the survivor. */
    public static final OutputTag<ProfileTransfer> TRANSFERS =
            new OutputTag<>("profile-transfers", new AvroTypeInfo<>(ProfileTransfer.class));

    private static final long NO_TIMER = Long.MIN_VALUE;
    private static final SegmentEvaluator.Transitions NO_TRANSITIONS =
            new SegmentEvaluator.Transitions(Long.MIN_VALUE, List.of(), Map.of());

    private final ProfileMerger merger;
    private final SegmentCatalog initialSegments;
    private final ModelCatalog initialModels;
    private final long asOf;

    private transient ValueState<ProfileState> profile;
    private transient MapState<Long, List<ExperienceEvent>> pending;
    private transient ValueState<List<String>> awaited;
    private transient MapState<String, PendingExample> examples;
    private transient SegmentEvaluator evaluator;
    private transient ActiveModels models;
    private transient Map<String, String> activeTexts;
    private transient Map<String, String> activeModelTexts;
    private transient Map<String, Model> versions;

    /**
     * Versions in force from an event time (a bounded run's replay, {@code Model.inForceFrom}), by
     * model id and that time; empty in the job, where a version is in force once it arrives.
     */
    private transient Map<String, TreeMap<Long, Model>> replayed;

    private transient Counter updates;
    private transient Counter transitions;
    private transient Counter expressionErrors;
    private transient Counter refusedDefinitions;
    private transient Counter mergesCompleted;
    private transient Counter examplesLabelled;

    public ProfileBuilder(ProfileJobSettings settings, SegmentCatalog initialSegments) {
        this(settings, initialSegments, Long.MAX_VALUE);
    }

    /**
     * @param asOf where a bounded run stops event time (Long.MAX_VALUE: never). Later events still
     *     update attributes and identities, at once, but segments stay as of that instant.
     */
    public ProfileBuilder(ProfileJobSettings settings, SegmentCatalog initialSegments, long asOf) {
        this(settings, initialSegments, ModelCatalog.empty(), asOf);
    }

    /**
     * @param initialModels the models in force from the start; published versions (and run-time
     *     definitions) arrive on the broadcast input and win over them
     */
    public ProfileBuilder(
            ProfileJobSettings settings,
            SegmentCatalog initialSegments,
            ModelCatalog initialModels,
            long asOf) {
        this.merger = new ProfileMerger(settings);
        this.initialSegments = Objects.requireNonNull(initialSegments, "initialSegments");
        this.initialModels = Objects.requireNonNull(initialModels, "initialModels");
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
        examples = getRuntimeContext().getMapState(pendingExamplesDescriptor());
        replayed = new HashMap<>();
        var metrics = getRuntimeContext().getMetricGroup();
        updates = metrics.counter("profileUpdates");
        transitions = metrics.counter("segmentTransitions");
        expressionErrors = metrics.counter("segmentExpressionErrors");
        refusedDefinitions = metrics.counter("segmentDefinitionsRefused");
        mergesCompleted = metrics.counter("profileMergesCompleted");
        examplesLabelled = metrics.counter("trainingExamplesLabelled");
    }

    /** Training examples taken and not labelled yet, by model id: at most one per model. */
    public static MapStateDescriptor<String, PendingExample> pendingExamplesDescriptor() {
        return new MapStateDescriptor<>(
                "examples-awaiting-labels",
                StringSerializer.INSTANCE,
                new AvroSerializer<>(PendingExample.class));
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
        SegmentEvaluator segments = evaluator(ctx);
        Side side = new Side(ctx.timerService(), example -> ctx.output(TRAINING_EXAMPLES, example));
        if (instruction.getTransfer() != null) {
            receive(instruction.getTransfer(), segments, ctx, side, out);
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
        if (segments.plan().isOrderSensitive() && time > watermark) {
            // Held until the watermark passes it (at most the allowed lateness): the price of
            // exact transitions. Without segments nothing depends on order, so nothing waits.
            hold(event, ctx.timerService());
            return;
        }
        ProfileState current = current(ctx.getCurrentKey());
        apply(current, event, segments, watermark, side, out);
        schedule(current, segments, ctx.timerService());
        profile.update(current);
    }

    /** Where an evaluation's timers and labelled examples go. */
    private record Side(TimerService timers, Consumer<TrainingExample> examples) {}

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
        // Examples waiting for labels describe a profile that no longer exists: they go too.
        for (PendingExample example : examples.values()) {
            ctx.timerService().deleteEventTimeTimer(example.getDeadline());
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
        examples.clear();
    }

    /**
     * The state of a profile absorbed into this one has arrived: merge it; once the last awaited
     * one is here, decide every segment on the merged profile and apply the events held meanwhile.
     */
    private void receive(
            ProfileTransfer transfer,
            SegmentEvaluator segments,
            ReadOnlyContext ctx,
            Side side,
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
        SegmentEvaluator.Transitions result = NO_TRANSITIONS;
        if (current.getSegmentClock() != Long.MIN_VALUE) {
            // Scores of the merged profile first: segment conditions may read them.
            rescore(current, segments, current.getSegmentClock());
            result = segments.evaluate(current, current.getSegmentClock(), watermark, true);
        }
        if (!current.getIdentities().isEmpty()) {
            // (Without identities no event has been applied to either side yet: nothing to show.)
            emit(current, result, out);
        }
        release(current, segments, watermark, side, out);
        expireExamples(ctx.getCurrentKey(), watermark, side);
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
            Side side,
            Collector<ProfileOutput> out)
            throws Exception {
        List<Long> times = new ArrayList<>();
        for (Long time : pending.keys()) {
            if (!segments.plan().isOrderSensitive() || time <= watermark || time > asOf) {
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
                    apply(current, event, segments, watermark, side, out);
                }
            }
        }
        if (segments.plan().isOrderSensitive()) {
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

    /**
     * Applies one event: boundaries due before it, then the event; then its labels and scores, the
     * examples it takes, and its segment evaluation.
     */
    private void apply(
            ProfileState current,
            ExperienceEvent event,
            SegmentEvaluator segments,
            long watermark,
            Side side,
            Collector<ProfileOutput> out)
            throws Exception {
        long time = event.getTimestamp();
        // Exits due before this event are reported at their own instants, first.
        catchUp(current, segments, boundary -> boundary < time, watermark, out);
        segments.observe(current, event, watermark);
        boolean changed = merger.apply(current, event);
        if (!models.isEmpty()) {
            long at = Math.max(time, current.getSegmentClock());
            // An example whose horizon ended before this event had no outcome: its timer may not
            // have fired yet when events come late (applied as they arrive, after the watermark).
            // The pending examples are read once for the three steps of this event.
            Map<String, PendingExample> open = pendingExamples();
            expireExamples(current.getProfileId(), open, time - 1, side);
            label(event, segments, open);
            Object[] measured = segments.measure(current, at);
            changed |= rescore(current, measured, at);
            takeExamples(current.getProfileId(), event, measured, at, segments, side, open);
        }
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
        SegmentEvaluator segments = evaluator(ctx);
        Side side = new Side(ctx.timerService(), example -> ctx.output(TRAINING_EXAMPLES, example));
        long watermark = ctx.timerService().currentWatermark();
        List<ExperienceEvent> due = pending.get(timestamp);
        ProfileState current = profile.value();
        if (due != null) {
            pending.remove(timestamp);
            current = current != null ? current : ProfileMerger.newProfile(ctx.getCurrentKey());
            due.sort(EVENT_ORDER);
            for (ExperienceEvent event : due) {
                apply(current, event, segments, watermark, side, out);
            }
        }
        // After the events of this instant, which may still label an example due now.
        expireExamples(ctx.getCurrentKey(), timestamp, side);
        if (due == null && (current == null || current.getBoundaryTimer() != timestamp)) {
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
            CatalogChange change, Context ctx, Collector<ProfileOutput> out) throws Exception {
        if (change.getModel() != null) {
            publish(change.getModel(), ctx);
        } else if (change.getSegment() != null) {
            changeSegment(change.getSegment(), ctx, out);
        }
    }

    /**
     * A model version arrives: later versions replace earlier ones (an older one arriving late, say
     * re-read from the topic, is ignored). New weights change nothing at once: profiles are scored
     * with them at their next evaluation. A new definition (or a removal) recompiles what the task
     * evaluates.
     */
    private void publish(Model arrived, Context ctx) throws Exception {
        // Kept beyond this call: a copy, since with object reuse the input may recycle its record.
        Model model = Model.newBuilder(arrived).build();
        BroadcastState<String, Model> published = ctx.getBroadcastState(PUBLISHED_MODELS);
        Model held = published.get(model.getModelId());
        if (held != null && held.getVersion() >= model.getVersion()) {
            return;
        }
        evaluator(ctx);
        published.put(model.getModelId(), model);
        versions.put(model.getModelId(), model);
        if (model.getInForceFrom() != Long.MIN_VALUE) {
            replayed.computeIfAbsent(model.getModelId(), k -> new TreeMap<>())
                    .put(model.getInForceFrom(), model);
        }
        String text = model.getDefinition();
        String active = activeModelTexts.get(model.getModelId());
        if (!Objects.equals(text, active)) {
            evaluator = null;
            evaluator(ctx);
            LOG.info(
                    "Model {} {} (version {}); models in force now {}",
                    model.getModelId(),
                    text == null ? "removed" : "defined",
                    model.getVersion(),
                    activeModelTexts.keySet());
        }
    }

    private void changeSegment(
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
        evaluator(ctx);
        Map<String, String> before = activeTexts;
        published.put(change.getId(), text);
        evaluator = null;
        SegmentEvaluator segments = evaluator(ctx);
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
                    // (Scores stay as they are: they change at the profile's next evaluation.)
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
            // A feature leaving its window moves a score as an exit moves a membership.
            boolean rescored = rescore(current, segments, boundary);
            SegmentEvaluator.Transitions result = segments.evaluate(current, boundary, watermark);
            if (rescored || !result.isEmpty()) {
                emit(current, result, out);
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Models: scores, examples, labels (docs/models.md).

    private boolean rescore(ProfileState current, SegmentEvaluator segments, long at) {
        if (models.isEmpty() && current.getScores().isEmpty()) {
            return false;
        }
        return rescore(
                current, models.isEmpty() ? new Object[0] : segments.measure(current, at), at);
    }

    /**
     * Scores the profile with every model that has a published version, from the measured features;
     * replaces a shown score that moved enough ({@link #SCORE_CHANGE}), adds new ones and drops
     * those of models no longer in force.
     *
     * @return whether the shown scores changed (an update is due)
     */
    private boolean rescore(ProfileState current, Object[] measured, long at) {
        Map<String, Score> shown = current.getScores();
        Map<String, Score> next = new HashMap<>();
        boolean changed = false;
        for (ActiveModels.Active model : models.models()) {
            Model published = version(model.id(), at);
            if (published == null
                    || published.getDefinition() == null
                    || published.getExamples() == 0
                    || !published.getDefinition().equals(activeModelTexts.get(model.id()))) {
                continue; // nothing learned yet for this definition: no score to show
            }
            Score fresh = ActiveModels.score(model, models.inputs(model, measured), published);
            if (fresh == null) {
                continue; // a cluster model still gathering its first points
            }
            Score old = shown.get(model.id());
            if (old == null || movedEnough(old, fresh)) {
                next.put(model.id(), fresh);
                changed = true;
            } else {
                next.put(model.id(), old);
            }
        }
        changed |= !next.keySet().equals(shown.keySet());
        if (changed) {
            current.setScores(next);
            current.setScoresChangedAt(Math.max(current.getScoresChangedAt(), at));
        }
        return changed;
    }

    private static boolean movedEnough(Score old, Score fresh) {
        if (!Objects.equals(old.getCluster(), fresh.getCluster())) {
            return true;
        }
        if (Math.abs(old.getScore() - fresh.getScore()) >= SCORE_CHANGE) {
            return true;
        }
        Integer before = old.getPercentile();
        Integer after = fresh.getPercentile();
        if (before == null || after == null) {
            return before != after;
        }
        return Math.abs(before - after) >= PERCENTILE_CHANGE;
    }

    /**
     * The event is an outcome for the examples it falls after, within their horizon: they are
     * positive. They still wait for their deadline before they go to the trainer, as negatives
     * must: were positives learned at once, every example of a model's first horizon would be
     * positive, and a model would learn each period's positives before its negatives (label-delay
     * bias; docs/models.md).
     */
    private void label(
            ExperienceEvent event, SegmentEvaluator segments, Map<String, PendingExample> open)
            throws Exception {
        long time = event.getTimestamp();
        for (ActiveModels.Active model : models.models()) {
            PendingExample example = open.get(model.id());
            if (model.isSupervised()
                    && example != null
                    && example.getOutcomeAt() == null
                    && time > example.getTakenAt()
                    && time <= example.getDeadline()
                    && segments.matches(model.definition().label().orElseThrow().event(), event)) {
                example.setOutcomeAt(time);
                examples.put(model.id(), example);
            }
        }
    }

    /** Takes an example for each model without one pending whose trigger the event matches. */
    private void takeExamples(
            String profileId,
            ExperienceEvent event,
            Object[] measured,
            long at,
            SegmentEvaluator segments,
            Side side,
            Map<String, PendingExample> open)
            throws Exception {
        for (ActiveModels.Active model : models.models()) {
            if (open.containsKey(model.id())
                    || (model.definition().examplesWhen().isPresent()
                            && !segments.matches(model.definition().examplesWhen().get(), event))) {
                continue;
            }
            Model published = version(model.id(), at);
            long version = published == null ? 0L : published.getVersion();
            long deadline = at + model.definition().exampleHorizon();
            Map<String, Double> inputs = models.inputs(model, measured).values();
            PendingExample taken;
            if (model.isSupervised()) {
                taken = new PendingExample(at, deadline, version, inputs, null);
            } else {
                // A point needs no label: it goes at once, and the entry only spaces the
                // profile's points by the model's interval.
                side.examples()
                        .accept(
                                new TrainingExample(
                                        model.id(),
                                        profileId,
                                        at,
                                        at,
                                        null,
                                        null,
                                        version,
                                        inputs));
                taken = new PendingExample(at, deadline, version, new HashMap<>(), null);
            }
            examples.put(model.id(), taken);
            open.put(model.id(), taken);
            side.timers().registerEventTimeTimer(deadline);
        }
    }

    /**
     * Examples whose horizon has passed by {@code upTo} are final: positive if an outcome came,
     * negative otherwise.
     */
    private void expireExamples(String profileId, long upTo, Side side) throws Exception {
        expireExamples(profileId, pendingExamples(), upTo, side);
    }

    private void expireExamples(
            String profileId, Map<String, PendingExample> open, long upTo, Side side)
            throws Exception {
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, PendingExample> entry : open.entrySet()) {
            if (entry.getValue().getDeadline() <= upTo) {
                expired.add(entry.getKey());
            }
        }
        for (String modelId : expired) {
            PendingExample example = open.remove(modelId);
            examples.remove(modelId);
            ActiveModels.Active model = models.find(modelId);
            if (model != null && model.isSupervised()) {
                labelled(modelId, profileId, example, side);
            }
        }
    }

    /** The profile's pending examples by model id (at most one per model: a few entries). */
    private Map<String, PendingExample> pendingExamples() throws Exception {
        Map<String, PendingExample> open = new HashMap<>();
        for (Map.Entry<String, PendingExample> entry : examples.entries()) {
            open.put(entry.getKey(), entry.getValue());
        }
        return open;
    }

    private void labelled(String modelId, String profileId, PendingExample example, Side side) {
        side.examples()
                .accept(
                        new TrainingExample(
                                modelId,
                                profileId,
                                example.getTakenAt(),
                                example.getDeadline(),
                                example.getOutcomeAt() != null,
                                example.getOutcomeAt(),
                                example.getModelVersion(),
                                example.getFeatures()));
        examplesLabelled.inc();
    }

    /** Whether a timer at {@code time} still serves an example's deadline. */
    private boolean isExampleDeadline(long time) throws Exception {
        for (PendingExample example : examples.values()) {
            if (example.getDeadline() == time) {
                return true;
            }
        }
        return false;
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
            if (!pending.contains(registered) && !isExampleDeadline(registered)) {
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

    private SegmentEvaluator evaluator(ReadOnlyContext ctx) throws Exception {
        return evaluator(
                ctx.getBroadcastState(PUBLISHED_SEGMENTS), ctx.getBroadcastState(PUBLISHED_MODELS));
    }

    private SegmentEvaluator evaluator(Context ctx) throws Exception {
        return evaluator(
                ctx.getBroadcastState(PUBLISHED_SEGMENTS), ctx.getBroadcastState(PUBLISHED_MODELS));
    }

    /**
     * The evaluator for the segments and models in force, compiled once per change of their
     * definitions (not of a model's weights).
     */
    private SegmentEvaluator evaluator(
            ReadOnlyBroadcastState<String, String> published,
            ReadOnlyBroadcastState<String, Model> publishedModels)
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
            models = models(publishedModels);
            evaluator =
                    new SegmentEvaluator(
                            SegmentPlan.of(resolution.active(), models.measures()),
                            expressionErrors::inc);
        }
        return evaluator;
    }

    /** The version that scores at {@code at}: the latest to arrive, or to be in force by then. */
    private Model version(String modelId, long at) {
        TreeMap<Long, Model> timeline = replayed.get(modelId);
        if (timeline == null) {
            return versions.get(modelId);
        }
        Map.Entry<Long, Model> inForce = timeline.lowerEntry(at);
        return inForce == null ? null : inForce.getValue();
    }

    /** The models in force: the initial ones, replaced or removed by published definitions. */
    private ActiveModels models(ReadOnlyBroadcastState<String, Model> published) throws Exception {
        Map<String, String> texts = new TreeMap<>(initialModels.texts());
        versions = new HashMap<>();
        for (Map.Entry<String, Model> entry : published.immutableEntries()) {
            versions.put(entry.getKey(), entry.getValue());
            if (entry.getValue().getDefinition() == null) {
                texts.remove(entry.getKey());
            } else {
                texts.put(entry.getKey(), entry.getValue().getDefinition());
            }
        }
        ActiveModels.Resolution resolution = ActiveModels.resolve(texts);
        for (String refusal : resolution.refused()) {
            LOG.warn("Model definition not in force: {}", refusal);
            refusedDefinitions.inc();
        }
        Map<String, String> active = new TreeMap<>();
        resolution.models().models().forEach(m -> active.put(m.id(), texts.get(m.id())));
        activeModelTexts = active;
        return resolution.models();
    }
}
