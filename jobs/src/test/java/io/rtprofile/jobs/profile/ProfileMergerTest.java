package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.MergePolicy;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.testing.SampleEvents;
import io.rtprofile.schema.AttributeOrigin;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.state.ProfileState;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.rtprofile.jobs.testing.SampleEvents.event;
import static io.rtprofile.jobs.testing.SampleEvents.id;
import static org.assertj.core.api.Assertions.assertThat;

/** Folding events into a profile: order independence, when an update is due, updatedAt. */
class ProfileMergerTest {

    private static final List<String> PRECEDENCE = List.of("crm", "pos", "app", "web");

    private final ProfileMerger byTimestamp =
            new ProfileMerger(SampleEvents.withPolicy(MergePolicy.TIMESTAMP, PRECEDENCE));
    private final ProfileMerger byPrecedence =
            new ProfileMerger(SampleEvents.withPolicy(MergePolicy.PRECEDENCE, PRECEDENCE));

    // ---------------------------------------------------------------------------------------
    // The final profile does not depend on arrival order (contract section 4).

    @Test
    void finalProfileDoesNotDependOnArrivalOrder() {
        Random random = new Random(20261101L);
        int withAttributes = 0;
        int withSeveralIdentities = 0;
        for (int set = 0; set < 200; set++) {
            List<ExperienceEvent> events = randomEvents(random, set);
            for (ProfileMerger merger : List.of(byTimestamp, byPrecedence)) {
                ProfileUpdate expected = withoutVersion(applyAll(merger, events));
                for (int shuffle = 0; shuffle < 20; shuffle++) {
                    List<ExperienceEvent> order = new ArrayList<>(events);
                    Collections.shuffle(order, random);

                    ProfileUpdate actual = withoutVersion(applyAll(merger, order));

                    assertThat(actual)
                            .as("set %d, shuffle %d, order %s", set, shuffle, ids(order))
                            .isEqualTo(expected);
                }
                withAttributes += expected.getAttributes().isEmpty() ? 0 : 1;
                withSeveralIdentities += expected.getIdentities().size() > 2 ? 1 : 0;
            }
        }
        // The generator makes profiles worth comparing.
        assertThat(withAttributes).isGreaterThan(300);
        assertThat(withSeveralIdentities).isGreaterThan(200);
    }

    @Test
    void policiesDisagreeWhereTheyShould() {
        ExperienceEvent crmOld =
                event("e-1")
                        .source("crm")
                        .at(100)
                        .identity("crm", "C-1")
                        .attribute("country", "FR")
                        .build();
        ExperienceEvent webNew =
                event("e-2")
                        .source("web")
                        .at(200)
                        .identity("crm", "C-1")
                        .attribute("country", "DE")
                        .build();

        assertThat(applyAll(byTimestamp, List.of(crmOld, webNew)).getAttributes())
                .containsEntry("country", "DE");
        assertThat(applyAll(byPrecedence, List.of(webNew, crmOld)).getAttributes())
                .containsEntry("country", "FR");
    }

    /**
     * ProfileMerger's javadoc: "an update is due exactly when that visible content changes".
     * Checked over random sequences: apply() returns true exactly when the snapshot (without
     * version) differs from the one before. Fails today, see {@link
     * #noUpdateForNullOfAnAttributeNeverSet}.
     */
    @Test
    void updateIsDueExactlyWhenVisibleContentChanges() {
        Random random = new Random(17L);
        for (int set = 0; set < 200; set++) {
            List<ExperienceEvent> events = randomEvents(random, set);
            for (ProfileMerger merger : List.of(byTimestamp, byPrecedence)) {
                ProfileState profile = ProfileMerger.newProfile("p-1");
                ProfileUpdate before = withoutVersion(merger.snapshot(profile));
                for (ExperienceEvent event : events) {
                    boolean due = merger.apply(profile, event);
                    ProfileUpdate after = withoutVersion(merger.snapshot(profile));

                    assertThat(due)
                            .as(
                                    "update due after %s (set %d)\nbefore %s\nafter  %s",
                                    event, set, before, after)
                            .isEqualTo(!after.equals(before));
                    before = after;
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // When an update is due

    @Test
    void noUpdateWhenEventChangesNothing() {
        ProfileState profile = ProfileMerger.newProfile("p-1");
        ExperienceEvent first =
                event("e-1")
                        .source("web")
                        .at(1_000)
                        .identity("crm", "C-1")
                        .identity("email", "ann@example.com")
                        .attribute("country", "FR")
                        .build();
        assertThat(byTimestamp.apply(profile, first)).isTrue();
        ProfileUpdate shown = withoutVersion(byTimestamp.snapshot(profile));

        // The same event again (a replay the deduplicator missed).
        assertThat(byTimestamp.apply(profile, first)).isFalse();
        // Known identities, nothing else, later.
        assertThat(
                        byTimestamp.apply(
                                profile,
                                event("e-2")
                                        .at(5_000)
                                        .identity("email", "ann@example.com")
                                        .build()))
                .isFalse();
        // A value that loses: older.
        assertThat(
                        byTimestamp.apply(
                                profile,
                                event("e-3")
                                        .at(500)
                                        .identity("crm", "C-1")
                                        .attribute("country", "DE")
                                        .build()))
                .isFalse();
        assertThat(withoutVersion(byTimestamp.snapshot(profile))).isEqualTo(shown);
        // The same value at the same time from a more trusted source: the value shown stays,
        // but its origin (shown with it) is now the crm event's.
        assertThat(
                        byTimestamp.apply(
                                profile,
                                event("e-4")
                                        .source("crm")
                                        .at(1_000)
                                        .identity("crm", "C-1")
                                        .attribute("country", "FR")
                                        .build()))
                .isTrue();
        ProfileUpdate now = byTimestamp.snapshot(profile);
        assertThat(now.getAttributes()).isEqualTo(shown.getAttributes());
        assertThat(now.getAttributeOrigins().get("country"))
                .isEqualTo(new AttributeOrigin("crm", 1_000L, "e-4"));
    }

    @Test
    void noUpdateUnderPrecedenceWhenALessTrustedSourceIsNewer() {
        ProfileState profile = ProfileMerger.newProfile("p-1");
        byPrecedence.apply(
                profile,
                event("e-1")
                        .source("crm")
                        .at(1_000)
                        .identity("crm", "C-1")
                        .attribute("tier", "gold")
                        .build());

        boolean due =
                byPrecedence.apply(
                        profile,
                        event("e-2")
                                .source("web")
                                .at(9_000)
                                .identity("crm", "C-1")
                                .attribute("tier", "silver")
                                .build());

        assertThat(due).isFalse();
        assertThat(byPrecedence.snapshot(profile).getAttributes()).containsEntry("tier", "gold");
        assertThat(profile.getUpdatedAt()).isEqualTo(1_000);
    }

    /**
     * Regression (found by review, fixed) in ProfileMerger.apply: for an attribute the profile has
     * never had, a candidate whose value is null counts as a change ({@code incumbent == null}),
     * although snapshot() hides null values. An older event that only nulls an unknown attribute
     * therefore emits an update identical to the previous one except for its version, against the
     * class javadoc ("an update is due exactly when that visible content changes").
     */
    @Test
    void noUpdateForNullOfAnAttributeNeverSet() {
        ProfileState profile = ProfileMerger.newProfile("p-1");
        byTimestamp.apply(
                profile,
                event("e-1").at(1_000).identity("crm", "C-1").attribute("country", "FR").build());
        ProfileUpdate shown = withoutVersion(byTimestamp.snapshot(profile));

        boolean due =
                byTimestamp.apply(
                        profile,
                        event("e-2")
                                .at(500)
                                .identity("crm", "C-1")
                                .attribute("optIn", null)
                                .build());

        assertThat(withoutVersion(byTimestamp.snapshot(profile))).isEqualTo(shown);
        assertThat(due).as("update due although nothing shown changed").isFalse();
    }

    @Test
    void nullValueRemovesAnAttributeFromWhatIsShown() {
        ProfileState profile = ProfileMerger.newProfile("p-1");
        byTimestamp.apply(
                profile,
                event("e-1")
                        .at(1_000)
                        .identity("crm", "C-1")
                        .attribute("country", "FR")
                        .attribute("tier", "gold")
                        .build());

        boolean due =
                byTimestamp.apply(
                        profile,
                        event("e-2")
                                .at(2_000)
                                .identity("crm", "C-1")
                                .attribute("country", null)
                                .build());

        assertThat(due).isTrue();
        assertThat(byTimestamp.snapshot(profile).getAttributes())
                .containsOnlyKeys("tier")
                .containsEntry("tier", "gold");
        // An older value does not bring it back.
        assertThat(
                        byTimestamp.apply(
                                profile,
                                event("e-3")
                                        .at(1_500)
                                        .identity("crm", "C-1")
                                        .attribute("country", "DE")
                                        .build()))
                .isFalse();
    }

    @Test
    void listsCompareByValueHoweverTheyWereDecoded() throws Exception {
        ProfileState profile = ProfileMerger.newProfile("p-1");
        ExperienceEvent avro =
                ExperienceEvent.fromByteBuffer(
                        event("e-1")
                                .at(1_000)
                                .identity("crm", "C-1")
                                .attribute("tags", Arrays.asList("a", null, 2L))
                                .build()
                                .toByteBuffer());
        assertThat(avro.getAttributes().get("tags")).isNotInstanceOf(ArrayList.class);
        byTimestamp.apply(profile, avro);
        ProfileUpdate before = byTimestamp.snapshot(profile);

        // Wins (larger eventId) with an equal list: the value shown stays, only its origin moves.
        boolean due =
                byTimestamp.apply(
                        profile,
                        event("e-2")
                                .at(1_000)
                                .identity("crm", "C-1")
                                .attribute("tags", new ArrayList<>(Arrays.asList("a", null, 2L)))
                                .build());

        ProfileUpdate after = byTimestamp.snapshot(profile);
        assertThat(due).isTrue();
        assertThat(after.getAttributes()).isEqualTo(before.getAttributes());
        assertThat(after.getAttributes().get("tags")).isEqualTo(Arrays.asList("a", null, 2L));
        assertThat(after.getAttributeOrigins().get("tags").getEventId()).isEqualTo("e-2");
    }

    // ---------------------------------------------------------------------------------------
    // updatedAt: the latest event time among identities (first seen) and attribute winners.

    @Test
    void updatedAtFollowsWhatIsShown() {
        ProfileState profile = ProfileMerger.newProfile("p-1");

        assertThat(
                        byTimestamp.apply(
                                profile,
                                event("e-1")
                                        .at(1_000)
                                        .identity("crm", "C-1")
                                        .attribute("country", "FR")
                                        .build()))
                .isTrue();
        assertThat(profile.getUpdatedAt()).isEqualTo(1_000);

        // A winning attribute moves it forward.
        assertThat(
                        byTimestamp.apply(
                                profile,
                                event("e-2")
                                        .at(2_000)
                                        .identity("crm", "C-1")
                                        .attribute("tier", "gold")
                                        .build()))
                .isTrue();
        assertThat(profile.getUpdatedAt()).isEqualTo(2_000);

        // An event that shows nothing new leaves it, however late.
        assertThat(
                        byTimestamp.apply(
                                profile, event("e-3").at(9_000).identity("crm", "C-1").build()))
                .isFalse();
        assertThat(profile.getUpdatedAt()).isEqualTo(2_000);

        // A new identity seen earlier: an update, updatedAt stays at the latest.
        assertThat(
                        byTimestamp.apply(
                                profile,
                                event("e-4")
                                        .at(1_500)
                                        .identity("crm", "C-1")
                                        .identity("ecid", "c0ffee")
                                        .build()))
                .isTrue();
        assertThat(profile.getUpdatedAt()).isEqualTo(2_000);

        // A new identity seen later moves it.
        assertThat(
                        byTimestamp.apply(
                                profile,
                                event("e-5")
                                        .at(3_000)
                                        .identity("crm", "C-1")
                                        .identity("phone", "+33")
                                        .build()))
                .isTrue();
        assertThat(profile.getUpdatedAt()).isEqualTo(3_000);

        // The same value, later: the winner's time is shown, so an update is due.
        assertThat(
                        byTimestamp.apply(
                                profile,
                                event("e-6")
                                        .at(4_000)
                                        .identity("crm", "C-1")
                                        .attribute("tier", "gold")
                                        .build()))
                .isTrue();
        assertThat(profile.getUpdatedAt()).isEqualTo(4_000);
        assertThat(byTimestamp.snapshot(profile).getUpdatedAt()).isEqualTo(4_000);
    }

    /**
     * updatedAt is a function of the set of events, so a late event can move it back: the identity
     * it carries was first seen earlier than anything else shown. Ordered input gives the same.
     */
    @Test
    void updatedAtCanMoveBackWhenAnIdentityTurnsOutOlder() {
        ExperienceEvent later = event("e-1").at(2_000).identity("ecid", "c0ffee").build();
        ExperienceEvent earlier = event("e-2").at(1_000).identity("ecid", "c0ffee").build();
        ProfileState profile = ProfileMerger.newProfile("p-1");
        byTimestamp.apply(profile, later);

        boolean due = byTimestamp.apply(profile, earlier);

        assertThat(due).isTrue();
        assertThat(profile.getUpdatedAt()).isEqualTo(1_000);
        assertThat(applyAll(byTimestamp, List.of(earlier, later)).getUpdatedAt()).isEqualTo(1_000);
    }

    // ---------------------------------------------------------------------------------------
    // What a profile shows

    @Test
    void identitiesAreOrderedByNamespacePriorityThenId() {
        ProfileUpdate update =
                applyAll(
                        byTimestamp,
                        List.of(
                                event("e-1")
                                        .at(3)
                                        .identity("ecid", "z")
                                        .identity("phone", "+1")
                                        .identity("email", "bob@example.org")
                                        .build(),
                                event("e-2")
                                        .at(1)
                                        .identity("email", "ann@example.com")
                                        .identity("ecid", "a")
                                        .identity("crm", "C-9")
                                        .build()));

        assertThat(update.getIdentities())
                .containsExactly(
                        id("crm", "C-9"),
                        id("email", "ann@example.com"),
                        id("email", "bob@example.org"),
                        id("phone", "+1"),
                        id("ecid", "a"),
                        id("ecid", "z"));

        ProfileJobSettings ecidFirst =
                new ProfileJobSettings(
                        List.of("ecid", "email", "crm", "phone"),
                        1 << 20,
                        Duration.ofDays(1),
                        MergePolicy.TIMESTAMP,
                        PRECEDENCE,
                        Duration.ZERO,
                        Duration.ofSeconds(1));
        assertThat(
                        applyAll(
                                        new ProfileMerger(ecidFirst),
                                        List.of(
                                                event("e-1")
                                                        .identity("crm", "C-1")
                                                        .identity("ecid", "x")
                                                        .build()))
                                .getIdentities())
                .containsExactly(id("ecid", "x"), id("crm", "C-1"));
    }

    @Test
    void versionCountsEmittedUpdates() {
        ProfileState profile = ProfileMerger.newProfile("p-7");
        assertThat(profile.getVersion()).isZero();

        byTimestamp.apply(profile, event("e-1").identity("crm", "C-1").build());
        ProfileUpdate first = byTimestamp.nextUpdate(profile);
        ProfileUpdate second = byTimestamp.nextUpdate(profile);

        assertThat(first.getVersion()).isEqualTo(1);
        assertThat(second.getVersion()).isEqualTo(2);
        assertThat(byTimestamp.snapshot(profile).getVersion()).isEqualTo(2);
        assertThat(first.getProfileId()).isEqualTo("p-7");
        assertThat(first.getSegments()).isEmpty();
        assertThat(first.getSegmentChanges()).isEmpty();
        assertThat(first.getScores()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    private static final List<Identity> POOL =
            List.of(
                    id("email", "ann@example.com"),
                    id("email", "bob@example.org"),
                    id("phone", "+33612345678"),
                    id("ecid", "c0ffee"),
                    id("ecid", "beef"));
    private static final List<String> SOURCES = List.of("crm", "pos", "web", "partner", "default");
    private static final List<String> NAMES = List.of("country", "tier", "tags", "score", "optIn");

    /**
     * 1 to 12 events of one profile: each carries the routing identity crm:C-1 and up to three from
     * a small pool; timestamps from four values (ties are common); attributes with nulls, lists,
     * repeated values; sources listed and unlisted; unique eventIds not in time order.
     */
    private static List<ExperienceEvent> randomEvents(Random random, int set) {
        int n = 1 + random.nextInt(12);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(i);
        }
        Collections.shuffle(ids, random);
        List<ExperienceEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SampleEvents.Builder event =
                    event("e-" + set + "-" + ids.get(i))
                            .at(SampleEvents.T0 + 1_000L * random.nextInt(4))
                            .source(SOURCES.get(random.nextInt(SOURCES.size())));
            List<Identity> identities = new ArrayList<>();
            identities.add(id("crm", "C-1"));
            int others = random.nextInt(4);
            for (int k = 0; k < others; k++) {
                identities.add(POOL.get(random.nextInt(POOL.size())));
            }
            Collections.shuffle(identities, random);
            identities.stream()
                    .distinct()
                    .forEach(x -> event.identity(x.getNamespace(), x.getId()));
            int attributes = random.nextInt(4);
            for (int k = 0; k < attributes; k++) {
                event.attribute(NAMES.get(random.nextInt(NAMES.size())), randomValue(random));
            }
            events.add(event.build());
        }
        return events;
    }

    private static Object randomValue(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> null;
            case 1, 2 -> List.of("FR", "DE", "IT").get(random.nextInt(3));
            case 3 -> (long) random.nextInt(3);
            case 4 -> 0.5 * random.nextInt(3);
            case 5 -> random.nextBoolean();
            default -> {
                List<Object> list = new ArrayList<>();
                int size = random.nextInt(3);
                for (int i = 0; i < size; i++) {
                    list.add(random.nextInt(4) == 0 ? null : "t" + random.nextInt(2));
                }
                yield list;
            }
        };
    }

    /** Applies events as the profile operator does and returns the last snapshot. */
    private static ProfileUpdate applyAll(ProfileMerger merger, List<ExperienceEvent> events) {
        ProfileState profile = ProfileMerger.newProfile("p-test");
        for (ExperienceEvent event : events) {
            if (merger.apply(profile, event)) {
                merger.nextUpdate(profile);
            }
        }
        return merger.snapshot(profile);
    }

    private static ProfileUpdate withoutVersion(ProfileUpdate update) {
        return ProfileUpdate.newBuilder(update).setVersion(0).build();
    }

    private static List<String> ids(List<ExperienceEvent> events) {
        return events.stream().map(ExperienceEvent::getEventId).toList();
    }
}
