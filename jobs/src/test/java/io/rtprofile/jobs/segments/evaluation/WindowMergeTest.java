package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.jobs.segments.definition.Comparison;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.state.ProfileState;
import io.rtprofile.schema.state.WindowState;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static io.rtprofile.jobs.testing.SampleEvents.T0;
import static io.rtprofile.jobs.testing.SampleEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Identity merges of window aggregates ({@link SegmentEvaluator#absorbWindows}, {@link
 * WindowAggregate#merge}): a profile that absorbed another's windows answers, from the later of the
 * two clocks on, as a profile built from both event streams would.
 */
class WindowMergeTest {

    private static final long S = 1_000;
    private static final long M = 60 * S;
    private static final long H = 60 * M;
    private static final long D = 24 * H;

    // ---------------------------------------------------------------- random profiles, merged

    /**
     * How the events reach the aggregates: each settled at once (the watermark at the event, as for
     * ordered input), or all left pending (a watermark that never moves).
     */
    private enum Order {
        SETTLED,
        PENDING
    }

    /** How many pairs of streams each set of random definitions is tried with. */
    private static final int STREAMS_PER_DEFINITIONS = 5;

    /** What the cases of one test saw. */
    private static final class Tally {
        int cases;
        int instants;
        int memberships;
        int casesWhereUnmergedDiffers;
        int sequenceChecks;
        int sequencesOnlyTheUnionHolds;
    }

    @Test
    void mergedProfileAnswersAsTheUnionOfBothStreams() throws Exception {
        Tally tally = new Tally();
        for (long seed = 0; seed < 20; seed++) {
            run(seed, false, Order.SETTLED, tally);
        }
        System.out.printf(
                "merge, no sequences: %d cases, %d instants, %d memberships compared;"
                        + " unmerged differs in %d%n",
                tally.cases, tally.instants, tally.memberships, tally.casesWhereUnmergedDiffers);
        assertThat(tally.memberships).isGreaterThan(1_000);
        // Without the merge the survivor answers otherwise in many cases: the check has teeth.
        assertThat(tally.casesWhereUnmergedDiffers).isGreaterThan(tally.cases / 3);
    }

    @Test
    void pendingSequenceEventsMergeExactly() throws Exception {
        Tally tally = new Tally();
        for (long seed = 1_000; seed < 1_020; seed++) {
            run(seed, true, Order.PENDING, tally);
        }
        System.out.printf(
                "merge, pending sequences: %d cases, %d instants, %d memberships compared;"
                        + " unmerged differs in %d%n",
                tally.cases, tally.instants, tally.memberships, tally.casesWhereUnmergedDiffers);
        assertThat(tally.memberships).isGreaterThan(1_000);
        assertThat(tally.casesWhereUnmergedDiffers).isGreaterThan(tally.cases / 3);
    }

    /** Settled chains merge by their maximum: never a sequence the union does not have. */
    @Test
    void settledSequenceChainsUnderApproximate() throws Exception {
        Tally tally = new Tally();
        for (long seed = 2_000; seed < 2_020; seed++) {
            run(seed, true, Order.SETTLED, tally);
        }
        System.out.printf(
                "merge, settled sequences: %d cases, %d sequence checks, %d where only the"
                        + " union holds%n",
                tally.cases, tally.sequenceChecks, tally.sequencesOnlyTheUnionHolds);
        assertThat(tally.sequenceChecks).isGreaterThan(100);
    }

    /** Random definitions from {@code seed}, each tried with several pairs of random streams. */
    private static void run(long seed, boolean sequences, Order order, Tally tally)
            throws Exception {
        Random r = new Random(seed);
        String text = RandomSegments.definitions(r, 4 + r.nextInt(8), sequences);
        // Compiling definitions costs far more than running them: several cases for each.
        SegmentPlan plan = SegmentPlan.of(SegmentDefinitions.parse("random.json", text));
        for (int i = 0; i < STREAMS_PER_DEFINITIONS; i++) {
            run(plan, "seed " + seed + ", streams " + i, text, r, sequences, order, tally);
        }
    }

    /**
     * One case: profiles a and b from two random streams and u from their union, b merged into a;
     * then, at instants from the later clock on (window boundaries, jumps, and new events given to
     * both), a and u must agree. With {@code sequences} settled, only the other aggregates must be
     * equal; each sequence of a must hold only where u's holds.
     */
    private static void run(
            SegmentPlan plan,
            String name,
            String text,
            Random r,
            boolean sequences,
            Order order,
            Tally tally) {
        List<RandomSegments.Event> a = new ArrayList<>();
        List<RandomSegments.Event> b = new ArrayList<>();
        for (RandomSegments.Event e : RandomSegments.events(r, 2, 1, 30)) {
            (e.customer().equals("C-0") ? a : b).add(e);
        }
        // Some ties across the streams: an event of b at the time of one of a.
        for (int i = 0; i < b.size(); i++) {
            if (r.nextInt(4) == 0) {
                RandomSegments.Event e = b.get(i);
                long ts = a.get(r.nextInt(a.size())).timestamp();
                b.set(i, new RandomSegments.Event(e.eventId(), ts, e.type(), "C-1", e.v(), e.k()));
            }
        }
        b.sort(RandomSegments.EVENT_ORDER);
        List<RandomSegments.Event> union = new ArrayList<>(a);
        union.addAll(b);
        union.sort(RandomSegments.EVENT_ORDER);

        // a and b in one operator (one evaluator), as an identity merge would find them.
        SegmentEvaluator operator = new SegmentEvaluator(plan, () -> {});
        SegmentEvaluator reference = new SegmentEvaluator(plan, () -> {});
        SegmentEvaluator unmerged = new SegmentEvaluator(plan, () -> {});
        ProfileState pa = build(operator, "a", a, order);
        ProfileState pb = build(operator, "b", b, order);
        ProfileState pu = build(reference, "u", union, order);
        long at = Math.max(pa.getSegmentClock(), pb.getSegmentClock());
        assertThat(pu.getSegmentClock()).isEqualTo(at);

        ProfileState pn = copy(pa);
        ProfileState absorbedBefore = copy(pb);
        Map<String, Long> membersBefore = Map.copyOf(pa.getSegments());
        long clockBefore = pa.getSegmentClock();
        operator.absorbWindows(pa, pb);
        assertThat(pb).isEqualTo(absorbedBefore);
        assertThat(pa.getSegments()).isEqualTo(membersBefore);
        assertThat(pa.getSegmentClock()).isEqualTo(clockBefore);
        pa.setSegmentClock(at);
        pn.setSegmentClock(at);

        boolean unmergedDiffers = false;
        long t = at;
        int fresh = 0;
        for (int step = 0; step < 12; step++) {
            long watermark = order == Order.SETTLED ? t : Long.MIN_VALUE;
            operator.evaluate(pa, t, watermark, true);
            reference.evaluate(pu, t, watermark, true);
            unmerged.evaluate(pn, t, watermark, true);
            String where = name + " at " + java.time.Instant.ofEpochMilli(t) + "\n" + text;
            tally.instants++;
            if (sequences && order == Order.SETTLED) {
                compareSettledSequences(plan, pa, pu, t, tally, where);
            } else {
                assertThat(members(pa)).as(where).isEqualTo(members(pu));
                assertThat(operator.nextBoundary(pa))
                        .as(where)
                        .isEqualTo(reference.nextBoundary(pu));
                // Stronger still: the merged state is the union's, entry for entry.
                assertThat(pa.getWindows()).as(where).isEqualTo(pu.getWindows());
                tally.memberships += plan.segments.size();
                unmergedDiffers |=
                        !members(pn).equals(members(pu))
                                || unmerged.nextBoundary(pn) != reference.nextBoundary(pu);
            }
            switch (r.nextInt(4)) {
                case 0, 1 -> {
                    long next = reference.nextBoundary(pu);
                    t = next == SegmentEvaluator.NEVER ? t + H : next;
                }
                case 2 -> t += 1 + r.nextInt((int) (2 * H));
                default -> {
                    long ts = r.nextInt(3) == 0 ? t : t + r.nextInt((int) (10 * M));
                    RandomSegments.Event e =
                            new RandomSegments.Event(
                                    "n-" + fresh++,
                                    ts,
                                    RandomSegments.TYPES[r.nextInt(RandomSegments.TYPES.length)],
                                    "C-0",
                                    r.nextInt(3) == 0 ? null : (long) r.nextInt(6),
                                    RandomSegments.KS[r.nextInt(RandomSegments.KS.length)]);
                    apply(operator, pa, e, order);
                    apply(reference, pu, e, order);
                    apply(unmerged, pn, e, order);
                    t = ts;
                }
            }
        }
        tally.cases++;
        if (unmergedDiffers) {
            tally.casesWhereUnmergedDiffers++;
        }
    }

    /**
     * Other aggregates equal; a sequence of the merged profile holds only where the union's does.
     */
    private static void compareSettledSequences(
            SegmentPlan plan, ProfileState pa, ProfileState pu, long t, Tally tally, String where) {
        for (WindowAggregate aggregate : plan.aggregatesByKey.values()) {
            WindowState merged = pa.getWindows().get(aggregate.key);
            WindowState union = pu.getWindows().get(aggregate.key);
            if (aggregate instanceof StepSequence sequence) {
                boolean mergedHolds = merged != null && sequence.holds(merged, t);
                boolean unionHolds = union != null && sequence.holds(union, t);
                if (mergedHolds) {
                    assertThat(unionHolds).as(where).isTrue();
                } else if (unionHolds) {
                    tally.sequencesOnlyTheUnionHolds++;
                }
                tally.sequenceChecks++;
            } else {
                assertThat(merged).as(where).isEqualTo(union);
            }
        }
    }

    private static ProfileState build(
            SegmentEvaluator evaluator, String id, List<RandomSegments.Event> events, Order order) {
        ProfileState profile = ProfileMerger.newProfile(id);
        for (RandomSegments.Event e : events) {
            apply(evaluator, profile, e, order);
        }
        return profile;
    }

    /** As the profile operator applies an event: boundaries before it, the event, its instant. */
    private static void apply(
            SegmentEvaluator evaluator, ProfileState profile, RandomSegments.Event e, Order order) {
        long ts = e.timestamp();
        long watermark = order == Order.SETTLED ? ts : Long.MIN_VALUE;
        long boundary;
        while ((boundary = evaluator.nextBoundary(profile)) < ts) {
            evaluator.evaluate(profile, boundary, watermark);
        }
        evaluator.observe(profile, experienceEvent(e), watermark);
        evaluator.evaluate(profile, ts, watermark);
    }

    private static ExperienceEvent experienceEvent(RandomSegments.Event e) {
        List<String> properties = new ArrayList<>();
        if (e.v() instanceof String s) {
            properties.add("\"v\":\"" + s + "\"");
        } else if (e.v() != null) {
            properties.add("\"v\":" + e.v());
        }
        if (e.k() != null) {
            properties.add("\"k\":\"" + e.k() + "\"");
        }
        return event(e.eventId())
                .at(e.timestamp())
                .type(e.type())
                .identity("crm", e.customer())
                .properties("{" + String.join(",", properties) + "}")
                .build();
    }

    private static Set<String> members(ProfileState profile) {
        return new TreeSet<>(profile.getSegments().keySet());
    }

    private static ProfileState copy(ProfileState profile) {
        return ProfileState.newBuilder(profile).build(); // Avro builders copy deeply
    }

    // ---------------------------------------------------------------- the evaluator, by hand

    private static final String DEFINITIONS =
            """
            - id: busy
              name: three visits in an hour
              condition:
                events: {where: event.type == "visit", within: 1h, count: ">= 3"}
            - id: browsing
              name: three products in an hour
              condition:
                events: {where: event.type == "visit", within: 1h, distinct: event.properties.sku, value: ">= 3"}
            - id: big-buyer
              name: 100 in a day
              condition:
                events: {where: event.type == "buy", within: 1d, sum: event.properties.value, value: ">= 100"}
            - id: loyal
              name: 150 ever
              condition:
                events: {where: event.type == "buy", within: lifetime, sum: event.properties.value, value: ">= 150"}
            - id: cheap
              name: every purchase of a day below 60
              condition:
                events: {where: event.type == "buy", within: 1d, max: event.properties.value, value: "< 60"}
            """;

    @Test
    void absorbedWindowsCountForEverySegmentThatUsesThem() throws Exception {
        SegmentPlan plan = SegmentPlan.of(SegmentDefinitions.parse("merge.yaml", DEFINITIONS));
        SegmentEvaluator evaluator = new SegmentEvaluator(plan, () -> {});
        ProfileState a = ProfileMerger.newProfile("a");
        observe(evaluator, a, "a1", T0, "visit", "{\"sku\": \"s1\"}");
        observe(evaluator, a, "a2", T0 + 10 * M, "visit", "{\"sku\": \"s2\"}");
        observe(evaluator, a, "a3", T0 + 20 * M, "buy", "{\"value\": 50}");
        ProfileState b = ProfileMerger.newProfile("b");
        observe(evaluator, b, "b0", T0 - 2 * D, "buy", "{\"value\": 40}"); // lifetime only
        observe(evaluator, b, "b1", T0 + 5 * M, "visit", "{\"sku\": \"s2\"}");
        observe(evaluator, b, "b2", T0 + 25 * M, "buy", "{\"value\": 70}");
        observe(evaluator, b, "b3", T0 + 30 * M, "visit", "{\"sku\": \"s3\"}");
        assertThat(members(a)).containsExactly("cheap");
        assertThat(members(b)).isEmpty();
        // State of an aggregate no definition uses any more: ignored.
        b.getWindows().put("gone", WindowAggregate.emptyState());
        ProfileState bBefore = copy(b);
        ProfileState incremental = copy(a);

        evaluator.absorbWindows(a, b);
        assertThat(a.getWindows()).doesNotContainKey("gone");
        assertThat(a.getSegmentClock()).isEqualTo(T0 + 20 * M);
        assertThat(members(a)).containsExactly("cheap");
        assertThat(b).isEqualTo(bBefore);

        a.setSegmentClock(T0 + 30 * M);
        List<String> changes = changes(evaluator.evaluate(a, T0 + 30 * M, T0 + 30 * M, true));
        assertThat(changes)
                .containsExactly(
                        "big-buyer realized", // 50 + 70
                        "browsing realized", // s1, s2, s3
                        "busy realized", // four visits
                        "cheap exited", // the 70
                        "loyal realized"); // 40 + 50 + 70
        // The merged aggregates are touched: even an incremental evaluation tests their segments.
        evaluator.absorbWindows(incremental, b);
        incremental.setSegmentClock(T0 + 30 * M);
        assertThat(changes(evaluator.evaluate(incremental, T0 + 30 * M, T0 + 30 * M, false)))
                .isEqualTo(changes);

        // s1 leaves at T0 + 1h; the visits kept for the count are the last three, from 5 min on.
        List<String> later = new ArrayList<>();
        long boundary;
        while ((boundary = evaluator.nextBoundary(a)) != SegmentEvaluator.NEVER) {
            for (String change : changes(evaluator.evaluate(a, boundary, boundary))) {
                later.add(change + " at +" + (boundary - T0) / M + "m");
            }
        }
        assertThat(later)
                .containsExactly(
                        "browsing exited at +60m",
                        "busy exited at +65m",
                        "big-buyer exited at +1460m"); // the 50 leaves: 70 alone
        assertThat(members(a)).containsExactly("loyal");
    }

    private static void observe(
            SegmentEvaluator evaluator,
            ProfileState profile,
            String id,
            long ts,
            String type,
            String properties) {
        ExperienceEvent e =
                event(id).at(ts).type(type).identity("crm", id).properties(properties).build();
        evaluator.observe(profile, e, ts);
        evaluator.evaluate(profile, ts, ts);
    }

    private static List<String> changes(SegmentEvaluator.Transitions transitions) {
        return transitions.changes().stream()
                .map((SegmentChange c) -> c.getSegmentId() + " " + c.getStatus())
                .toList();
    }

    // ---------------------------------------------------------------- each kind, by hand

    @Test
    void countsKeepTheNewestOfBothWithEveryEqualTime() {
        RecentTimes recent = new RecentTimes("k");
        recent.needAtLeast(4);
        recent.useWith(H);
        WindowState into = WindowAggregate.emptyState();
        WindowState from = WindowAggregate.emptyState();
        for (long ts : new long[] {10, 30, 50}) {
            recent.add(into, T0 + ts);
        }
        for (long ts : new long[] {20, 30, 40}) {
            recent.add(from, T0 + ts);
        }
        recent.merge(into, from);
        assertThat(into.getTimes()).containsExactly(T0 + 50, T0 + 40, T0 + 30, T0 + 30);
        assertThat(from.getTimes()).containsExactly(T0 + 40, T0 + 30, T0 + 20);
        assertThat(recent.count(into, T0 + 50, H)).isEqualTo(4);
        // A count decided by four events: the oldest kept leaves first.
        assertThat(recent.nextChange(into, T0 + 50)).isEqualTo(T0 + 30 + H);
    }

    @Test
    void distinctValuesKeepTheLatestTimeOfEachAndTheMostRecentOnes() {
        DistinctValues distinct = new DistinctValues("k");
        distinct.needAtLeast(3);
        distinct.useWith(H);
        WindowState into = WindowAggregate.emptyState();
        WindowState from = WindowAggregate.emptyState();
        distinct.add(into, "x", T0 + 10);
        distinct.add(into, "y", T0 + 20);
        distinct.add(into, "z", T0 + 30);
        distinct.add(from, "y", T0 + 5);
        distinct.add(from, "w", T0 + 25);
        distinct.add(from, "v", T0 + 25);
        distinct.add(from, "x", T0 + 40);
        distinct.merge(into, from);
        // Union: x 40, z 30, v 25, w 25 (ties by key), y 20; the three most recent are kept.
        assertThat(into.getKeys()).containsExactly("x", "z", "v");
        assertThat(into.getTimes()).containsExactly(T0 + 40, T0 + 30, T0 + 25);
        assertThat(distinct.count(into, T0 + 40, H)).isEqualTo(3);
    }

    @Test
    void extremesTakeTheLatestOfEachKindOfValue() {
        Extremes extremes = new Extremes("k", 5);
        extremes.useWith(H);
        WindowState into = WindowAggregate.emptyState();
        WindowState from = WindowAggregate.emptyState();
        extremes.add(into, 7, T0 + 10);
        extremes.add(into, 3, T0 + 30);
        extremes.add(from, 5, T0 + 20);
        extremes.add(from, 9, T0 + 15);
        extremes.merge(into, from);
        assertThat(into.getTimes()).containsExactly(T0 + 15, T0 + 20, T0 + 30);
        long t = T0 + 30;
        assertThat(extremes.test(into, t, H, true, Comparison.Operator.GT)).isTrue(); // max 9
        assertThat(extremes.test(into, t, H, false, Comparison.Operator.LT)).isTrue(); // min 3
        // A window of 15 ms at T0 + 30 no longer holds the 9 (T0 + 15): the maximum is the 5.
        assertThat(extremes.test(into, t, 15, true, Comparison.Operator.EQ)).isTrue();
        // An empty state merges as nothing.
        WindowState empty = WindowAggregate.emptyState();
        extremes.merge(into, empty);
        assertThat(into.getTimes()).containsExactly(T0 + 15, T0 + 20, T0 + 30);
    }

    @Test
    void sumsAddTheirTotalsAndCombineEntriesOfEqualTimes() {
        WindowedSum sum = new WindowedSum("k");
        sum.useWith(H);
        sum.useWith(Long.MAX_VALUE);
        WindowState into = WindowAggregate.emptyState();
        WindowState from = WindowAggregate.emptyState();
        sum.add(into, 1, T0 + 10);
        sum.add(into, 2, T0 + 20);
        sum.add(from, 4, T0 + 20);
        sum.add(from, 8, T0 + 30);
        sum.add(from, 16, T0 - 2 * H);
        sum.prune(from, T0 + 30); // the 16 is left in the lifetime total only
        sum.merge(into, from);
        assertThat(into.getTimes()).containsExactly(T0 + 10, T0 + 20, T0 + 30);
        assertThat(into.getSums()).containsExactly(1.0, 6.0, 8.0);
        assertThat(into.getCounts()).containsExactly(1L, 2L, 1L);
        assertThat(sum.sumAndCount(into, T0 + 30, H)).containsExactly(15.0, 4.0);
        assertThat(sum.sumAndCount(into, T0 + 30, Long.MAX_VALUE)).containsExactly(31.0, 5.0);
        assertThat(sum.sumAndCount(into, T0 + 20 + H, H)).containsExactly(8.0, 1.0);
    }

    @Test
    void sumsPastTheCapMergeAsOneProfileWithAllTheEventsWould() {
        long window = WindowedSum.MAX_ENTRIES * S; // aligned buckets of one second
        WindowedSum sum = new WindowedSum("k");
        sum.useWith(window);
        WindowState into = WindowAggregate.emptyState();
        WindowState from = WindowAggregate.emptyState();
        WindowState union = WindowAggregate.emptyState();
        for (int i = 0; i < 300; i++) {
            sum.add(into, 1, T0 + i * S);
            sum.add(from, 2, T0 + i * S + 500); // same bucket as the one of into
            sum.add(union, 1, T0 + i * S);
            sum.add(union, 2, T0 + i * S + 500);
        }
        assertThat(into.getTimes()).hasSize(300);
        sum.merge(into, from);
        assertThat(into.getTimes()).hasSize(WindowedSum.MAX_ENTRIES);
        assertThat(into).isEqualTo(union);
        // The oldest pairs are merged into their later time; nothing is lost.
        assertThat(into.getTimes().get(0)).isEqualTo(T0 + 500);
        assertThat(into.getCounts().get(0)).isEqualTo(2L);
        assertThat(sum.sumAndCount(into, T0 + 299 * S + 500, window)).containsExactly(900.0, 600.0);
    }

    @Test
    void sequencesMergeTheirPendingEventsInOrder() {
        StepSequence sequence = new StepSequence("k", 2, H);
        WindowState into = WindowAggregate.emptyState();
        WindowState from = WindowAggregate.emptyState();
        long never = Long.MIN_VALUE; // a watermark behind everything: all events wait
        sequence.add(into, T0 + 10, "e2", 0b01, never);
        sequence.add(into, T0 + 30, "e5", 0b10, never);
        sequence.add(from, T0 + 10, "e1", 0b10, never);
        sequence.add(from, T0 + 20, "e3", 0b01, never);
        sequence.add(from, T0 + 30, "e5", 0b10, never); // an event both profiles saw
        assertThat(sequence.latestCompleteStart(into, T0 + 30)).isEqualTo(T0 + 10);
        sequence.merge(into, from);
        assertThat(into.getTimes()).containsExactly(T0 + 10, T0 + 10, T0 + 20, T0 + 30);
        assertThat(into.getKeys()).containsExactly("e1", "e2", "e3", "e5");
        assertThat(into.getSteps()).containsExactly(0b10, 0b01, 0b01, 0b10);
        // e1 (step 2) comes before any step 1; the latest chain starts at e3.
        assertThat(sequence.latestCompleteStart(into, T0 + 30)).isEqualTo(T0 + 20);
        assertThat(sequence.holds(into, T0 + 20 + H - 1)).isTrue();
        assertThat(sequence.holds(into, T0 + 20 + H)).isFalse();
    }

    @Test
    void sequencesMergeSettledChainsByTheirLatestStarts() {
        StepSequence sequence = new StepSequence("k", 3, H);
        WindowState into = WindowAggregate.emptyState();
        WindowState from = WindowAggregate.emptyState();
        // Each event is settled as it comes (the watermark at the event).
        sequence.add(into, T0 + 10, "a1", 0b001, T0 + 10);
        sequence.add(into, T0 + 20, "a2", 0b010, T0 + 20);
        sequence.add(from, T0 + 15, "b1", 0b001, T0 + 15);
        assertThat(into.getChain()).containsExactly(T0 + 10, T0 + 10, Long.MIN_VALUE);
        assertThat(from.getChain()).containsExactly(T0 + 15, Long.MIN_VALUE, Long.MIN_VALUE);
        sequence.merge(into, from);
        assertThat(into.getChain()).containsExactly(T0 + 15, T0 + 10, Long.MIN_VALUE);
        sequence.add(into, T0 + 40, "a3", 0b100, T0 + 40);
        assertThat(sequence.latestCompleteStart(into, T0 + 40)).isEqualTo(T0 + 10);
    }

    /** The documented under-approximation: a chain across both profiles' settled events is lost. */
    @Test
    void aSettledChainAcrossBothProfilesIsNotFound() {
        StepSequence sequence = new StepSequence("k", 2, H);
        WindowState into = WindowAggregate.emptyState();
        WindowState from = WindowAggregate.emptyState();
        WindowState union = WindowAggregate.emptyState();
        sequence.add(into, T0 + 10, "a1", 0b01, T0 + 10);
        sequence.add(from, T0 + 20, "b1", 0b10, T0 + 20);
        sequence.add(union, T0 + 10, "a1", 0b01, T0 + 10);
        sequence.add(union, T0 + 20, "b1", 0b10, T0 + 20);
        sequence.merge(into, from);
        assertThat(sequence.holds(union, T0 + 20)).isTrue();
        assertThat(sequence.holds(into, T0 + 20)).isFalse();
    }
}
