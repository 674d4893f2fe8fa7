package io.rtprofile.jobs.identity;

import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.profile.ProfileBuilder;
import io.rtprofile.jobs.profile.ProfileKeys;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.testing.ProfileBuilderHarness;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.SegmentStatus;
import io.rtprofile.schema.internal.ProfileInstruction;
import io.rtprofile.schema.internal.ProfileOutput;
import io.rtprofile.schema.internal.ProfileTransfer;
import io.rtprofile.schema.internal.TombstoneReason;

import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.rtprofile.jobs.testing.SampleEvents.T0;
import static io.rtprofile.jobs.testing.SampleEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The profile operator's half of a merge, in the harness, with instructions as the resolver sends
 * them: the absorbed profile ships its state and leaves a tombstone; the survivor holds everything
 * until the state is in, and decides its segments on the merged profile.
 */
class ProfileMergeHarnessTest {
    private static final ProfileJobSettings SETTINGS = ProfileJobSettings.defaults();
    private static final long M = Duration.ofMinutes(1).toMillis();
    private static final long D = Duration.ofDays(1).toMillis();
    private static final String DEVICE = ProfileKeys.profileIdFor(new Identity("ecid", "d1"));
    private static final String EMAIL =
            ProfileKeys.profileIdFor(new Identity("email", "ann@example.com"));

    private static final String SEGMENTS =
            """
            - id: keen-searcher
              name: Three searches in 30 days, nothing bought
              condition:
                all:
                  - events: {where: event.type == "web.search", within: 30d, count: ">= 3"}
                  - not:
                      events: {where: event.type == "commerce.purchase", within: 30d}
            """;

    private ProfileBuilderHarness harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void open(String yaml) throws Exception {
        SegmentCatalog catalog =
                yaml == null
                        ? SegmentCatalog.empty()
                        : SegmentCatalog.of(SegmentDefinitions.parse("test.yaml", yaml));
        harness =
                new ProfileBuilderHarness(
                        new ProfileBuilder(SETTINGS, catalog), SETTINGS.namespaces());
        harness.open();
        harness.getTwoInputOperator().processWatermarkStatus2(WatermarkStatus.IDLE);
    }

    private void apply(String profileId, ExperienceEvent event, String... expect) throws Exception {
        harness.processInstruction(
                ProfileInstruction.newBuilder()
                        .setProfileId(profileId)
                        .setEvent(event)
                        .setExpect(List.of(expect))
                        .build(),
                event.getTimestamp());
    }

    private ProfileTransfer absorb(String absorbed, String survivor, long at) throws Exception {
        int before = harness.transfers().size();
        harness.processInstruction(
                ProfileInstruction.newBuilder()
                        .setProfileId(absorbed)
                        .setAbsorbInto(survivor)
                        .setAt(at)
                        .build(),
                at);
        assertThat(harness.transfers()).hasSize(before + 1);
        return harness.transfers().get(before);
    }

    private void deliver(String survivor, ProfileTransfer transfer) throws Exception {
        harness.processInstruction(
                ProfileInstruction.newBuilder()
                        .setProfileId(survivor)
                        .setTransfer(transfer)
                        .build(),
                Long.MIN_VALUE);
    }

    private static ExperienceEvent search(String id, long at, String namespace, String value) {
        return event(id).at(at).type("web.search").identity(namespace, value).build();
    }

    private List<String> changes(String profileId) {
        List<String> out = new ArrayList<>();
        for (ProfileUpdate update : harness.extractOutputValues()) {
            if (update.getProfileId().equals(profileId)) {
                for (SegmentChange c : update.getSegmentChanges()) {
                    out.add(c.getSegmentId() + " " + c.getStatus() + " " + c.getAt());
                }
            }
        }
        return out;
    }

    @Test
    void anAbsorbedProfileShipsItsStateAndHeldEventsLeavesATombstoneAndNothingElse()
            throws Exception {
        open(SEGMENTS);
        apply(DEVICE, search("s1", T0, "ecid", "d1"));
        apply(DEVICE, search("s2", T0 + M, "ecid", "d1"));
        harness.processWatermark(T0 + M);
        apply(DEVICE, search("s3", T0 + 2 * M, "ecid", "d1")); // held for the watermark
        assertThat(harness.extractOutputValues()).isNotEmpty();
        assertThat(harness.numEventTimeTimers()).isPositive();

        ProfileTransfer transfer = absorb(DEVICE, EMAIL, T0 + 3 * M);

        assertThat(transfer.getAbsorbedId()).isEqualTo(DEVICE);
        assertThat(transfer.getState().getIdentities()).hasSize(1);
        assertThat(transfer.getState().getWindows()).isNotEmpty();
        assertThat(transfer.getPendingEvents())
                .extracting(ExperienceEvent::getEventId)
                .containsExactly("s3");
        List<ProfileOutput> outputs = harness.outputs();
        ProfileOutput last = outputs.get(outputs.size() - 1);
        assertThat(last.getProfileId()).isEqualTo(DEVICE);
        assertThat(last.getUpdate()).isNull();
        assertThat(last.getTombstone().getReason()).isEqualTo(TombstoneReason.merged);
        assertThat(last.getTombstone().getSurvivorId()).isEqualTo(EMAIL);
        assertThat(last.getTombstone().getAt()).isEqualTo(T0 + 3 * M);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void anonymousSearchesCountInTheSegmentOnceTheLoginLinksThem() throws Exception {
        open(SEGMENTS);
        // Two anonymous searches on the phone, one search after logging in on the laptop.
        apply(DEVICE, search("s1", T0, "ecid", "d1"));
        apply(DEVICE, search("s2", T0 + M, "ecid", "d1"));
        apply(EMAIL, search("s3", T0 + 2 * M, "email", "ann@example.com"));
        harness.processWatermark(T0 + 2 * M);
        assertThat(changes(DEVICE)).isEmpty();
        assertThat(changes(EMAIL)).isEmpty();

        // The login links them: the device is absorbed into the email's profile.
        ExperienceEvent login =
                event("login")
                        .at(T0 + 3 * M)
                        .type("web.login")
                        .identity("ecid", "d1")
                        .identity("email", "ann@example.com")
                        .build();
        ProfileTransfer transfer = absorb(DEVICE, EMAIL, T0 + 3 * M);
        apply(EMAIL, login, DEVICE);
        harness.processWatermark(T0 + 3 * M);
        int before = harness.extractOutputValues().size();
        assertThat(changes(EMAIL)).as("nothing is decided before the state is in").isEmpty();

        deliver(EMAIL, transfer);

        assertThat(changes(EMAIL)).containsExactly("keen-searcher realized " + (T0 + 2 * M));
        List<ProfileUpdate> after = harness.extractOutputValues();
        ProfileUpdate merged = after.get(after.size() - 1);
        assertThat(after.size()).isGreaterThan(before);
        assertThat(merged.getProfileId()).isEqualTo(EMAIL);
        assertThat(merged.getIdentities())
                .containsExactly(
                        new Identity("email", "ann@example.com"), new Identity("ecid", "d1"));
        assertThat(merged.getSegments().get("keen-searcher").getStatus())
                .isIn(SegmentStatus.realized, SegmentStatus.existing);
        // Versions of the survivor stay contiguous through the merge.
        assertThat(after.stream().filter(u -> u.getProfileId().equals(EMAIL)))
                .extracting(ProfileUpdate::getVersion)
                .containsExactly(1L, 2L);
    }

    @Test
    void aPurchaseOnTheAbsorbedProfileKeepsTheSurvivorOutOfANotSegment() throws Exception {
        open(SEGMENTS);
        apply(EMAIL, search("s1", T0, "email", "ann@example.com"));
        apply(EMAIL, search("s2", T0 + M, "email", "ann@example.com"));
        apply(EMAIL, search("s3", T0 + 2 * M, "email", "ann@example.com"));
        apply(
                DEVICE,
                event("p1")
                        .at(T0 + 2 * M)
                        .type("commerce.purchase")
                        .identity("ecid", "d1")
                        .build());
        harness.processWatermark(T0 + 2 * M);
        assertThat(changes(EMAIL)).containsExactly("keen-searcher realized " + (T0 + 2 * M));

        ProfileTransfer transfer = absorb(DEVICE, EMAIL, T0 + 3 * M);
        apply(
                EMAIL,
                event("link")
                        .at(T0 + 3 * M)
                        .type("web.login")
                        .identity("ecid", "d1")
                        .identity("email", "ann@example.com")
                        .build(),
                DEVICE);
        deliver(EMAIL, transfer);
        harness.processWatermark(T0 + 3 * M);

        // The merged profile has bought: the segment exits, at the later clock of the two.
        assertThat(changes(EMAIL))
                .containsExactly(
                        "keen-searcher realized " + (T0 + 2 * M),
                        "keen-searcher exited " + (T0 + 2 * M));
        // The searches leave the merged window before the purchase does: it never re-enters.
        harness.processWatermark(T0 + 2 * M + 30 * D);
        assertThat(changes(EMAIL)).hasSize(2);
    }

    @Test
    void withoutSegmentsTheSurvivorStillWaitsForTheAbsorbedStateAndThenShowsBoth()
            throws Exception {
        open(null);
        apply(DEVICE, event("a1").at(T0).identity("ecid", "d1").attribute("country", "FR").build());
        apply(
                EMAIL,
                event("b1")
                        .at(T0 + M)
                        .identity("email", "ann@example.com")
                        .attribute("tier", "gold")
                        .build());
        ProfileTransfer transfer = absorb(DEVICE, EMAIL, T0 + 2 * M);
        apply(
                EMAIL,
                event("link")
                        .at(T0 + 2 * M)
                        .identity("ecid", "d1")
                        .identity("email", "ann@example.com")
                        .attribute("country", "DE")
                        .build(),
                DEVICE);
        apply(
                EMAIL,
                event("b2")
                        .at(T0 + M / 2)
                        .identity("email", "ann@example.com")
                        .attribute("tier", "silver")
                        .build());
        long updates =
                harness.extractOutputValues().stream()
                        .filter(u -> u.getProfileId().equals(EMAIL))
                        .count();
        assertThat(updates).as("held while the device's state is on its way").isEqualTo(1);

        deliver(EMAIL, transfer);

        List<ProfileUpdate> all = harness.extractOutputValues();
        ProfileUpdate last = all.get(all.size() - 1);
        assertThat(last.getProfileId()).isEqualTo(EMAIL);
        // The link's country is the latest; gold (T0+M) beats the late silver (T0+M/2).
        assertThat(last.getAttributes())
                .containsEntry("country", "DE")
                .containsEntry("tier", "gold");
        assertThat(last.getIdentities()).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).as("only the survivor's profile").isEqualTo(1);
    }

    @Test
    void anErasedProfileLosesItsStateAndTimersAndLeavesATombstone() throws Exception {
        open(SEGMENTS);
        apply(EMAIL, search("s1", T0, "email", "ann@example.com"));
        harness.processWatermark(T0);
        assertThat(harness.numEventTimeTimers()).isPositive();

        harness.processInstruction(
                ProfileInstruction.newBuilder()
                        .setProfileId(EMAIL)
                        .setErase(true)
                        .setAt(T0 + D)
                        .build(),
                T0 + D);

        List<ProfileOutput> outputs = harness.outputs();
        ProfileOutput last = outputs.get(outputs.size() - 1);
        assertThat(last.getUpdate()).isNull();
        assertThat(last.getTombstone().getReason()).isEqualTo(TombstoneReason.erased);
        assertThat(last.getTombstone().getSurvivorId()).isNull();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.transfers()).isEmpty();
    }
}
