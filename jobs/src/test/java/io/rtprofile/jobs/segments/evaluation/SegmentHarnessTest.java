package io.rtprofile.jobs.segments.evaluation;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.profile.ProfileBuilder;
import io.rtprofile.jobs.profile.ProfileKeys;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.testing.ProfileBuilderHarness;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.internal.SegmentDefinitionChange;
import io.rtprofile.schema.state.ProfileState;

import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.rtprofile.jobs.testing.SampleEvents.T0;
import static io.rtprofile.jobs.testing.SampleEvents.event;
import static io.rtprofile.jobs.testing.SampleEvents.id;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each construct of the segment language in the profile operator, with time driven by watermarks:
 * entries and exits at their exact event-time instants, and state and timers gone once the windows
 * have passed.
 */
class SegmentHarnessTest {

    private static final ProfileJobSettings SETTINGS = ProfileJobSettings.defaults();
    private static final String ANN = ProfileKeys.profileIdFor(id("crm", "ann"));
    private static final long S = 1_000;
    private static final long M = 60 * S;
    private static final long H = 60 * M;
    private static final long D = 24 * H;

    private ProfileBuilderHarness harness;
    private int events;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void countEntersAtTheEventAndExitsWhenTheEventLeavesTheWindow() throws Exception {
        open(
                """
                id: searched
                name: searched
                condition:
                  events: {where: event.type == "web.search", within: 30d}
                """);
        send(T0, "web.search", "{}");
        send(T0 + 10 * D, "web.pageView", "{}");
        watermark(T0 + 30 * D - 1);
        assertThat(changes()).containsExactly("searched realized " + T0);
        watermark(T0 + 30 * D);
        assertThat(changes())
                .containsExactly("searched realized " + T0, "searched exited " + (T0 + 30 * D));
        assertNothingLeft();
    }

    @Test
    void countThresholdsKeepOnlyTheEventsTheyNeed() throws Exception {
        open(
                """
                id: three-in-an-hour
                name: three
                condition:
                  events: {where: event.type == "x", within: 1h, count: ">= 3"}
                """);
        for (int i = 0; i < 10; i++) {
            send(T0 + i * M, "x", "{}");
        }
        // Realized at the third; exits when the third most recent (at 9-2=7 min) leaves.
        watermark(T0 + 10 * H);
        assertThat(changes())
                .containsExactly(
                        "three-in-an-hour realized " + (T0 + 2 * M),
                        "three-in-an-hour exited " + (T0 + 7 * M + H));
        assertNothingLeft();
    }

    @Test
    void sumAndAverageForgetValuesAsTheyLeave() throws Exception {
        open(
                """
                - id: spender
                  name: spender
                  condition:
                    events:
                      where: event.type == "buy"
                      within: 7d
                      sum: event.properties.value
                      value: "> 100"
                - id: big-average
                  name: big average
                  condition:
                    events:
                      where: event.type == "buy"
                      within: 7d
                      avg: event.properties.value
                      value: ">= 60"
                """);
        send(T0, "buy", "{\"value\": 70}");
        send(T0 + D, "buy", "{\"value\": 40.5}");
        send(T0 + 2 * D, "buy", "{\"note\": \"no value: not counted, and counted as an error\"}");
        watermark(T0 + 9 * D);
        assertThat(changes())
                .containsExactly(
                        "big-average realized " + T0,
                        "big-average exited " + (T0 + D), // (70 + 40.5) / 2 < 60
                        "spender realized " + (T0 + D),
                        "spender exited " + (T0 + 7 * D)); // the 70 leaves: 40.5
        assertNothingLeft();
    }

    @Test
    void minAndMaxCompareWithTheirThreshold() throws Exception {
        open(
                """
                - id: all-small
                  name: every purchase below 20
                  condition:
                    events: {where: event.type == "buy", within: 1d, max: event.properties.value, value: "< 20"}
                - id: one-big
                  name: a purchase of at least 800
                  condition:
                    events: {where: event.type == "buy", within: 1d, max: event.properties.value, value: ">= 800"}
                - id: min-exactly-5
                  name: smallest is 5
                  condition:
                    events: {where: event.type == "buy", within: 1d, min: event.properties.value, value: "== 5"}
                """);
        send(T0, "buy", "{\"value\": 5}");
        send(T0 + H, "buy", "{\"value\": 900}");
        watermark(T0 + 3 * D);
        assertThat(changes())
                .containsExactly(
                        "all-small realized " + T0,
                        "min-exactly-5 realized " + T0,
                        "all-small exited " + (T0 + H),
                        "one-big realized " + (T0 + H),
                        "min-exactly-5 exited " + (T0 + D), // only the 900 is left
                        "one-big exited " + (T0 + H + D));
        assertNothingLeft();
    }

    @Test
    void distinctCountsValuesByTheirLastOccurrence() throws Exception {
        open(
                """
                id: browsers
                name: three products in a day
                condition:
                  events: {where: event.type == "view", within: 1d, distinct: event.properties.sku, value: ">= 3"}
                """);
        send(T0, "view", "{\"sku\": \"a\"}");
        send(T0 + H, "view", "{\"sku\": \"b\"}");
        send(T0 + 2 * H, "view", "{\"sku\": \"a\"}");
        send(T0 + 3 * H, "view", "{\"sku\": 1}");
        send(T0 + 4 * H, "view", "{\"sku\": 1.0}"); // the same value as 1
        watermark(T0 + 5 * D);
        // a(2h) b(1h) 1(4h): three until b leaves at 1h + 1d.
        assertThat(changes())
                .containsExactly(
                        "browsers realized " + (T0 + 3 * H), "browsers exited " + (T0 + H + D));
        assertNothingLeft();
    }

    @Test
    void sequenceNeedsItsStepsInOrderWithinTheWindow() throws Exception {
        open(
                """
                id: checkout-after-cart
                name: cart then checkout within 30 minutes
                condition:
                  sequence:
                    steps: [event.type == "cart", event.type == "checkout"]
                    within: 30m
                """);
        send(T0, "checkout", "{}"); // a checkout before any cart does not count
        send(T0 + M, "cart", "{}");
        send(T0 + 40 * M, "checkout", "{}"); // too late for the cart at 1 min
        send(T0 + 50 * M, "cart", "{}");
        send(T0 + 55 * M, "checkout", "{}");
        watermark(T0 + 3 * H);
        assertThat(changes())
                .containsExactly(
                        "checkout-after-cart realized " + (T0 + 55 * M),
                        "checkout-after-cart exited " + (T0 + 80 * M));
        assertNothingLeft();
    }

    @Test
    void notAnyAllAndReferencesAreDecidedAtTheSameInstant() throws Exception {
        open(
                """
                - id: searcher
                  name: searcher
                  condition:
                    events: {where: event.type == "search", within: 1h}
                - id: searcher-no-purchase
                  name: searched, bought nothing
                  condition:
                    all:
                      - segment: searcher
                      - not: {events: {where: event.type == "buy", within: 2h}}
                - id: active
                  name: searched or bought
                  condition:
                    any:
                      - segment: searcher
                      - events: {where: event.type == "buy", within: 2h}
                """);
        send(T0, "search", "{}");
        send(T0 + 10 * M, "buy", "{}");
        watermark(T0 + 5 * H);
        assertThat(changes())
                .containsExactly(
                        "active realized " + T0,
                        "searcher realized " + T0,
                        "searcher-no-purchase realized " + T0,
                        "searcher-no-purchase exited " + (T0 + 10 * M),
                        "searcher exited " + (T0 + H),
                        "active exited " + (T0 + 10 * M + 2 * H));
        assertNothingLeft();
    }

    @Test
    void profileConditionsSeeTheMergedProfile() throws Exception {
        open(
                """
                id: french
                name: French
                condition:
                  profile: profile.attributes.country == "FR"
                """);
        harness.processElement(
                event("e-1").at(T0).identity("crm", "ann").attribute("country", "FR").build(), T0);
        harness.processElement(
                event("e-2").at(T0 + S).identity("crm", "ann").attribute("country", "DE").build(),
                T0 + S);
        watermark(T0 + S);
        assertThat(changes()).containsExactly("french realized " + T0, "french exited " + (T0 + S));
        ProfileUpdate first = harness.extractOutputValues().get(0);
        assertThat(first.getSegments().get("french").getStatus()).isEqualTo(SegmentStatus.realized);
    }

    @Test
    void eventsWaitForTheWatermarkAndAreAppliedInTimestampThenEventIdOrder() throws Exception {
        open(
                """
                id: cart-then-checkout
                name: cart then checkout
                condition:
                  sequence: {steps: [event.type == "cart", event.type == "checkout"], within: 1h}
                """);
        // Arrival order is not event order (as after a shuffle or across partitions).
        send(T0 + 2 * M, "checkout", "{}");
        send(T0 + M, "cart", "{}");
        assertThat(harness.extractOutputValues()).isEmpty();
        watermark(T0 + 2 * M);
        assertThat(changes()).containsExactly("cart-then-checkout realized " + (T0 + 2 * M));
        assertThat(harness.extractOutputValues())
                .extracting(ProfileUpdate::getVersion)
                .containsExactly(1L, 2L);
    }

    @Test
    void eventTimeStandsStillWhenTheEventsGoQuiet() throws Exception {
        open(
                """
                id: recent
                name: an event in the last hour
                condition:
                  events: {within: 1h}
                """);
        send(T0, "x", "{}");
        watermark(T0);
        // Every events partition goes idle: no boundary may fire ahead of real event time.
        harness.getTwoInputOperator().processWatermarkStatus1(WatermarkStatus.IDLE);
        assertThat(changes()).containsExactly("recent realized " + T0);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.getTwoInputOperator().processWatermarkStatus1(WatermarkStatus.ACTIVE);
        watermark(T0 + H);
        assertThat(changes()).containsExactly("recent realized " + T0, "recent exited " + (T0 + H));
    }

    @Test
    void anEventWaitingAtTheInstantOfAMovedBoundaryIsNotLost() throws Exception {
        open(
                """
                id: recent-value
                name: a value of at least 1 in the last 30 s
                condition:
                  events: {within: 30s, max: event.properties.v, value: ">= 1"}
                """);
        send(T0, "x", "{\"v\": 5}");
        watermark(T0); // the boundary timer is at T0 + 30 s
        send(T0 + 30 * S, "x", "{\"v\": 5}"); // waits on that same timer
        send(T0 + 10 * S, "x", "{\"v\": 5}");
        watermark(T0 + 10 * S); // the boundary moves to T0 + 40 s
        watermark(T0 + 2 * M);
        assertThat(changes())
                .containsExactly(
                        "recent-value realized " + T0, "recent-value exited " + (T0 + 60 * S));
        assertNothingLeft();
    }

    @Test
    void eventsAfterTheAsOfInstantUpdateTheProfileButNoWindow() throws Exception {
        open(
                """
                id: recent
                name: an event in the last 30 minutes
                condition:
                  events: {within: 30m}
                """,
                T0 + H);
        send(T0, "x", "{}");
        harness.processElement(
                event("late-1")
                        .at(T0 + 2 * H)
                        .identity("crm", "ann")
                        .attribute("tier", "gold")
                        .build(),
                T0 + 2 * H);
        watermark(T0 + H); // a bounded run's event time stops at as-of
        assertThat(changes())
                .containsExactly("recent realized " + T0, "recent exited " + (T0 + 30 * M));
        assertThat(harness.extractOutputValues())
                .anySatisfy(u -> assertThat(u.getAttributes()).containsEntry("tier", "gold"));
    }

    @Test
    void lifetimeWindowsNeedNoTimers() throws Exception {
        open(
                """
                id: lifetime-spender
                name: spent over 100 ever
                condition:
                  events: {where: event.type == "buy", within: lifetime, sum: event.properties.value, value: "> 100"}
                """);
        send(T0, "buy", "{\"value\": 60}");
        send(T0 + 400 * D, "buy", "{\"value\": 60}");
        watermark(T0 + 1000 * D);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(changes()).containsExactly("lifetime-spender realized " + (T0 + 400 * D));
    }

    @Test
    void anEventOlderThanTheClockCountsWhereItStillFallsAndIsEvaluatedAtTheClock()
            throws Exception {
        open(
                """
                id: two-in-a-day
                name: two events in a day
                condition:
                  events: {within: 1d, count: ">= 2"}
                """);
        send(T0 + 10 * H, "x", "{}");
        watermark(T0 + 10 * H);
        send(T0 + 2 * H, "x", "{}"); // late: still in the window at 10 h
        send(T0 - 2 * D, "x", "{}"); // late and outside every window: no effect
        watermark(T0 + 3 * D);
        assertThat(changes())
                .containsExactly(
                        "two-in-a-day realized " + (T0 + 10 * H),
                        "two-in-a-day exited " + (T0 + 2 * H + D));
        assertNothingLeft();
    }

    @Test
    void definitionsPublishedAtRunTimeReevaluateEveryProfileAtOnce() throws Exception {
        open(
                """
                id: any-event
                name: any event in a day
                condition:
                  events: {within: 1d}
                """);
        send(T0, "x", "{}");
        watermark(T0);
        harness.processBroadcastElement(
                new SegmentDefinitionChange(
                        "everyone",
                        "{\"id\":\"everyone\",\"name\":\"all\",\"condition\":"
                                + "{\"not\":{\"events\":{\"where\":\"event.type == \\\"nope\\\"\","
                                + "\"within\":\"1d\"}}}}"),
                T0);
        assertThat(changes())
                .containsExactly("any-event realized " + T0, "everyone realized " + T0);
        // Removing a segment exits its members at once and frees its state.
        harness.processBroadcastElement(new SegmentDefinitionChange("any-event", null), T0);
        assertThat(changes()).endsWith("any-event exited " + T0);
        ProfileState state = profileState();
        assertThat(state.getSegments()).containsOnlyKeys("everyone");
        // The removed segment's aggregate is freed at the next evaluation; the other has none.
        watermark(T0 + 2 * D);
        assertThat(profileState().getWindows()).isEmpty();
        List<Long> versions = new ArrayList<>();
        harness.extractOutputValues().forEach(u -> versions.add(u.getVersion()));
        assertThat(versions).containsExactly(1L, 2L, 3L);
    }

    @Test
    void definitionsThatDoNotResolveWaitForTheirReferences() throws Exception {
        open(
                """
                id: base
                name: base
                condition:
                  events: {within: 1d}
                """);
        harness.processBroadcastElement(
                new SegmentDefinitionChange(
                        "derived",
                        "{\"id\":\"derived\",\"name\":\"d\",\"condition\":{\"segment\":\"later\"}}"),
                T0);
        send(T0, "x", "{}");
        watermark(T0);
        assertThat(changes()).containsExactly("base realized " + T0);
        harness.processBroadcastElement(
                new SegmentDefinitionChange(
                        "later",
                        "{\"id\":\"later\",\"name\":\"l\",\"condition\":{\"segment\":\"base\"}}"),
                T0);
        assertThat(changes())
                .containsExactly(
                        "base realized " + T0, "derived realized " + T0, "later realized " + T0);
    }

    // -----------------------------------------------------------------------------------------

    private void open(String yaml) throws Exception {
        open(yaml, Long.MAX_VALUE);
    }

    private void open(String yaml, long asOf) throws Exception {
        SegmentCatalog catalog = SegmentCatalog.of(SegmentDefinitions.parse("test.yaml", yaml));
        harness =
                new ProfileBuilderHarness(
                        new ProfileBuilder(SETTINGS, catalog, asOf), SETTINGS.namespaces());
        harness.open();
        // As in the job: the definitions input has no event time and is idle
        // (SegmentDefinitionsTopic).
        harness.getTwoInputOperator().processWatermarkStatus2(WatermarkStatus.IDLE);
    }

    private void send(long time, String type, String properties) throws Exception {
        events++;
        harness.processElement(
                event(String.format("e-%03d", events))
                        .at(time)
                        .type(type)
                        .identity("crm", "ann")
                        .properties(properties)
                        .build(),
                time);
    }

    private void watermark(long time) throws Exception {
        harness.processWatermark(time);
    }

    private List<String> changes() {
        List<String> out = new ArrayList<>();
        for (ProfileUpdate update : harness.extractOutputValues()) {
            for (SegmentChange change : update.getSegmentChanges()) {
                out.add(change.getSegmentId() + " " + change.getStatus() + " " + change.getAt());
            }
        }
        return out;
    }

    private ProfileState profileState() throws Exception {
        harness.getOperator().setCurrentKey(ANN);
        return harness.getOperator()
                .getKeyedStateBackend()
                .getPartitionedState(
                        org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                        org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        ProfileBuilder.profileStateDescriptor())
                .value();
    }

    /** Windows have passed: no aggregate state and no timer is left, only the profile. */
    private void assertNothingLeft() throws Exception {
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(profileState().getWindows()).isEmpty();
        assertThat(profileState().getBoundaryTimer()).isEqualTo(Long.MIN_VALUE);
    }
}
