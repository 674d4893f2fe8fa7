package io.rtprofile.jobs.identity;

import io.rtprofile.jobs.config.MergePolicy;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.profile.ProfileKeys;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.jobs.testing.SampleEvents;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.LinkRefusal;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.internal.ProfileInstruction;
import io.rtprofile.schema.internal.ProfileTransfer;
import io.rtprofile.schema.state.IdentityState;
import io.rtprofile.schema.state.ProfileState;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.rtprofile.jobs.testing.SampleEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity resolver in the operator harness: what it tells each profile, in what order, for
 * links, merges, chains of merges in flight, merge protection, the identity limit and erasure.
 */
class IdentityResolverTest {
    private static final long DAY = Duration.ofDays(1).toMillis();

    private final AtomicInteger closed = new AtomicInteger();
    private KeyedTwoInputStreamOperatorTestHarness<
                    String, ExperienceEvent, ProfileTransfer, ProfileInstruction>
            harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(50);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private KeyedTwoInputStreamOperatorTestHarness<
                    String, ExperienceEvent, ProfileTransfer, ProfileInstruction>
            harness(int maxIdentities) throws Exception {
        ProfileJobSettings d = ProfileJobSettings.defaults();
        ProfileJobSettings settings =
                new ProfileJobSettings(
                        d.namespaces(),
                        d.maxEventBytes(),
                        d.dedupHorizon(),
                        MergePolicy.TIMESTAMP,
                        d.sourcePrecedence(),
                        d.outOfOrderness(),
                        d.sourceIdleness(),
                        maxIdentities,
                        Duration.ofDays(30));
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new IdentityResolverOperator(
                                new IdentityResolver(settings, closed::incrementAndGet)),
                        e -> IdentityResolver.GRAPH,
                        t -> IdentityResolver.GRAPH,
                        Types.STRING);
        h.open();
        return h;
    }

    private static String idOf(String namespace, String id) {
        return ProfileKeys.profileIdFor(new Identity(namespace, id));
    }

    private List<ProfileInstruction> send(ExperienceEvent event) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processElement1(new StreamRecord<>(event, event.getTimestamp()));
        List<ProfileInstruction> all = harness.extractOutputValues();
        return new ArrayList<>(all.subList(before, all.size()));
    }

    private List<ProfileInstruction> transfer(String absorbedId, Identity... identities)
            throws Exception {
        ProfileState state = ProfileMerger.newProfile(absorbedId);
        for (Identity i : identities) {
            state.getIdentities().add(new IdentityState(i.getNamespace(), i.getId(), T0, T0));
        }
        int before = harness.extractOutputValues().size();
        harness.processElement2(
                new StreamRecord<>(new ProfileTransfer(absorbedId, state, List.of())));
        List<ProfileInstruction> all = harness.extractOutputValues();
        return new ArrayList<>(all.subList(before, all.size()));
    }

    @Test
    void aChainOfLinksInOrderBuildsOneProfileWithoutMerging() throws Exception {
        String device = idOf("ecid", "d1");
        assertThat(send(SampleEvents.event("e1").identity("ecid", "d1").build()))
                .singleElement()
                .satisfies(i -> assertThat(i.getProfileId()).isEqualTo(device));
        assertThat(
                        send(
                                SampleEvents.event("e2")
                                        .at(T0 + 1)
                                        .identity("ecid", "d1")
                                        .identity("email", "ann@example.com")
                                        .build()))
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.getProfileId()).isEqualTo(device);
                            assertThat(i.getExpect()).isEmpty();
                        });
        assertThat(
                        send(
                                SampleEvents.event("e3")
                                        .at(T0 + 2)
                                        .identity("email", "ann@example.com")
                                        .identity("crm", "C-1")
                                        .build()))
                .singleElement()
                .satisfies(i -> assertThat(i.getProfileId()).isEqualTo(device));
        assertThat(send(SampleEvents.event("e4").at(T0 + 3).identity("crm", "C-1").build()))
                .singleElement()
                .satisfies(i -> assertThat(i.getProfileId()).isEqualTo(device));
    }

    @Test
    void aLinkBetweenTwoProfilesAbsorbsTheLowerPriorityOneBeforeTheEventReachesTheSurvivor()
            throws Exception {
        String device = idOf("ecid", "d1");
        String email = idOf("email", "ann@example.com");
        send(SampleEvents.event("e1").identity("ecid", "d1").build());
        send(SampleEvents.event("e2").identity("email", "ann@example.com").build());

        List<ProfileInstruction> link =
                send(
                        SampleEvents.event("e3")
                                .at(T0 + 5)
                                .identity("ecid", "d1")
                                .identity("email", "ann@example.com")
                                .build());

        assertThat(link).hasSize(2);
        assertThat(link.get(0).getProfileId()).isEqualTo(device);
        assertThat(link.get(0).getAbsorbInto()).isEqualTo(email);
        assertThat(link.get(0).getAt()).isEqualTo(T0 + 5);
        assertThat(link.get(1).getProfileId()).isEqualTo(email);
        assertThat(link.get(1).getEvent().getEventId()).isEqualTo("e3");
        assertThat(link.get(1).getExpect()).containsExactly(device);

        // Later events of the device go to the survivor at once.
        assertThat(send(SampleEvents.event("e4").at(T0 + 6).identity("ecid", "d1").build()))
                .singleElement()
                .satisfies(i -> assertThat(i.getProfileId()).isEqualTo(email));

        // The absorbed state is routed to the survivor.
        assertThat(transfer(device, new Identity("ecid", "d1")))
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.getProfileId()).isEqualTo(email);
                            assertThat(i.getTransfer().getAbsorbedId()).isEqualTo(device);
                            assertThat(i.getTransfer().getState().getIdentities())
                                    .extracting(IdentityState::getId)
                                    .containsExactly("d1");
                        });
    }

    @Test
    void aSurvivorAbsorbedWhileItWaitsPassesItsWaitsOnAndTransfersFollowToTheEnd()
            throws Exception {
        String device = idOf("ecid", "d1");
        String email = idOf("email", "ann@example.com");
        String crm = idOf("crm", "C-1");
        send(SampleEvents.event("e1").identity("ecid", "d1").build());
        send(SampleEvents.event("e2").identity("email", "ann@example.com").build());
        send(SampleEvents.event("e3").identity("crm", "C-1").build());
        send(
                SampleEvents.event("e4")
                        .identity("ecid", "d1")
                        .identity("email", "ann@example.com")
                        .build()); // device -> email, in flight

        List<ProfileInstruction> second =
                send(
                        SampleEvents.event("e5")
                                .identity("crm", "C-1")
                                .identity("email", "ann@example.com")
                                .build());

        assertThat(second.get(0).getProfileId()).isEqualTo(email);
        assertThat(second.get(0).getAbsorbInto()).isEqualTo(crm);
        assertThat(second.get(1).getProfileId()).isEqualTo(crm);
        assertThat(second.get(1).getExpect()).containsExactlyInAnyOrder(email, device);

        // Both transfers end at the final survivor, whatever order they come back in.
        assertThat(transfer(device, new Identity("ecid", "d1")))
                .singleElement()
                .satisfies(i -> assertThat(i.getProfileId()).isEqualTo(crm));
        assertThat(transfer(email, new Identity("email", "ann@example.com")))
                .singleElement()
                .satisfies(i -> assertThat(i.getProfileId()).isEqualTo(crm));
        assertThat(closed).hasValue(0);
    }

    @Test
    void aLinkJoiningTwoCrmIdsIsRefusedReportedAndAppliedToTheHighestPriorityIdentity()
            throws Exception {
        send(
                SampleEvents.event("e1")
                        .identity("crm", "C-1")
                        .identity("email", "ann@example.com")
                        .build());
        send(SampleEvents.event("e2").identity("crm", "C-2").build());

        List<ProfileInstruction> refused =
                send(
                        SampleEvents.event("e3")
                                .at(T0 + 9)
                                .identity("email", "ann@example.com")
                                .identity("crm", "C-2")
                                .identity("ecid", "d9")
                                .build());

        // crm:C-2 has the highest priority; only what belongs to its profile travels along.
        assertThat(refused)
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.getProfileId()).isEqualTo(idOf("crm", "C-2"));
                            assertThat(i.getExpect()).isEmpty();
                            assertThat(i.getEvent().getIdentities())
                                    .containsExactly(new Identity("crm", "C-2"));
                        });
        List<LinkRefusal> reported = sideOutput(IdentityResolver.REFUSED_LINKS);
        assertThat(reported)
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getEventId()).isEqualTo("e3");
                            assertThat(r.getCrmIds()).containsExactly("C-1", "C-2");
                            assertThat(r.getProfileIds())
                                    .containsExactlyInAnyOrder(
                                            idOf("crm", "C-1"), idOf("crm", "C-2"));
                            assertThat(r.getRoutedTo()).isEqualTo(idOf("crm", "C-2"));
                            assertThat(r.getIdentities()).hasSize(3);
                        });
        // Nothing was linked: the unknown device is still unknown, the email still with C-1.
        assertThat(send(SampleEvents.event("e4").identity("ecid", "d9").build()))
                .singleElement()
                .satisfies(i -> assertThat(i.getProfileId()).isEqualTo(idOf("ecid", "d9")));
        assertThat(send(SampleEvents.event("e5").identity("email", "ann@example.com").build()))
                .singleElement()
                .satisfies(i -> assertThat(i.getProfileId()).isEqualTo(idOf("crm", "C-1")));
    }

    @Test
    void beyondTheLimitTheLeastRecentlySeenIdentityLeavesAndLaterFoundsItsOwnProfile()
            throws Exception {
        harness.close();
        harness = harness(3);
        String email = idOf("email", "ann@example.com");
        send(SampleEvents.event("e0").at(T0).identity("email", "ann@example.com").build());
        for (int d = 1; d <= 2; d++) {
            send(
                    SampleEvents.event("e" + d)
                            .at(T0 + d * DAY)
                            .identity("email", "ann@example.com")
                            .identity("ecid", "d" + d)
                            .build());
        }
        // d1 was seen on day 1, d2 on day 2, the email on day 2: d1 is the least recent.
        List<ProfileInstruction> fourth =
                send(
                        SampleEvents.event("e3")
                                .at(T0 + 3 * DAY)
                                .identity("email", "ann@example.com")
                                .identity("ecid", "d3")
                                .build());
        assertThat(fourth)
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.getProfileId()).isEqualTo(email);
                            assertThat(i.getEvicted()).containsExactly(new Identity("ecid", "d1"));
                        });
        assertThat(send(SampleEvents.event("e4").at(T0 + 4 * DAY).identity("ecid", "d1").build()))
                .singleElement()
                .satisfies(i -> assertThat(i.getProfileId()).isEqualTo(idOf("ecid", "d1")));
    }

    @Test
    void anIdentityThatLeftFoundsAProfileUnderANewIdWhileItsFirstProfileLives() throws Exception {
        harness.close();
        harness = harness(2);
        String first = idOf("ecid", "d1");
        send(SampleEvents.event("e1").at(T0).identity("ecid", "d1").build());
        send(
                SampleEvents.event("e2")
                        .at(T0 + DAY)
                        .identity("ecid", "d1")
                        .identity("ecid", "d2")
                        .build());
        List<ProfileInstruction> third =
                send(
                        SampleEvents.event("e3")
                                .at(T0 + 2 * DAY)
                                .identity("ecid", "d2")
                                .identity("ecid", "d3")
                                .build());
        assertThat(third.get(0).getProfileId()).isEqualTo(first);
        assertThat(third.get(0).getEvicted()).containsExactly(new Identity("ecid", "d1"));

        List<ProfileInstruction> again =
                send(SampleEvents.event("e4").at(T0 + 3 * DAY).identity("ecid", "d1").build());
        assertThat(again.get(0).getProfileId())
                .isNotEqualTo(first)
                .isEqualTo(ProfileKeys.profileIdFor(new Identity("ecid", "d1"), 1));
    }

    @Test
    void privacyDeleteErasesTheProfileAndSuppressesItsIdentitiesUntilThePeriodEnds()
            throws Exception {
        String email = idOf("email", "ann@example.com");
        send(
                SampleEvents.event("e1")
                        .identity("email", "ann@example.com")
                        .identity("ecid", "d1")
                        .build());

        List<ProfileInstruction> erase =
                send(
                        SampleEvents.event("del")
                                .at(T0 + DAY)
                                .type(IdentityResolver.PRIVACY_DELETE)
                                .identity("email", "ann@example.com")
                                .build());
        assertThat(erase)
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.getProfileId()).isEqualTo(email);
                            assertThat(i.getErase()).isTrue();
                            assertThat(i.getAt()).isEqualTo(T0 + DAY);
                        });

        // The device was part of the erased profile: a stale event carrying it is rejected.
        assertThat(send(SampleEvents.event("stale").at(T0).identity("ecid", "d1").build()))
                .isEmpty();
        List<RejectedEvent> rejected = sideOutput(IdentityResolver.SUPPRESSED);
        assertThat(rejected)
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r.getReason())
                                        .contains("ecid:d1")
                                        .contains("privacy.delete"));

        // Once event time passes the end of the suppression, the identity is free again.
        harness.processBothWatermarks(new Watermark(T0 + 31 * DAY));
        assertThat(
                        send(
                                SampleEvents.event("back")
                                        .at(T0 + 32 * DAY)
                                        .identity("ecid", "d1")
                                        .build()))
                .singleElement()
                .satisfies(i -> assertThat(i.getProfileId()).isEqualTo(idOf("ecid", "d1")));
    }

    @Test
    void aTransferOnItsWayToAnErasedProfileIsDroppedAndTheLoopClosesWhenNothingIsInFlight()
            throws Exception {
        String device = idOf("ecid", "d1");
        send(SampleEvents.event("e1").identity("ecid", "d1").build());
        send(SampleEvents.event("e2").identity("email", "ann@example.com").build());
        send(
                SampleEvents.event("e3")
                        .identity("ecid", "d1")
                        .identity("email", "ann@example.com")
                        .build());
        send(
                SampleEvents.event("del")
                        .at(T0 + DAY)
                        .type(IdentityResolver.PRIVACY_DELETE)
                        .identity("email", "ann@example.com")
                        .build());

        harness.endInput1();
        assertThat(closed).as("a transfer is still in flight").hasValue(0);
        assertThat(transfer(device, new Identity("ecid", "d1"))).isEmpty();
        assertThat(closed).hasValue(1);
    }

    private <T> List<T> sideOutput(org.apache.flink.util.OutputTag<T> tag) {
        List<T> values = new ArrayList<>();
        var records = harness.getSideOutput(tag);
        if (records != null) {
            records.forEach(r -> values.add(r.getValue()));
        }
        return values;
    }
}
