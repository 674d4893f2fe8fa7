package io.rtprofile.viewer.store;

import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.SegmentStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.rtprofile.viewer.ProfileUpdates.T0;
import static io.rtprofile.viewer.ProfileUpdates.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileStoreTest {
    private static final String TOPIC = "profile-updates";
    private static final long MINUTE = 60_000L;

    @TempDir Path dir;
    private ProfileStore store;

    @BeforeEach
    void open() {
        store = ProfileStore.open(dir, MINUTE, 8 << 20);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void apply(long offset, ProfileUpdate... updates) {
        List<ProfileStore.Incoming> records =
                java.util.Arrays.stream(updates)
                        .map(u -> new ProfileStore.Incoming(u.getProfileId(), u))
                        .toList();
        store.apply(TOPIC, records, Map.of(0, offset));
    }

    private void tombstone(long offset, String profileId) {
        store.apply(TOPIC, List.of(new ProfileStore.Incoming(profileId, null)), Map.of(1, offset));
    }

    private static ProfileUpdate ann(long version, long at, String country) {
        return profile("p-ann", version, at)
                .identity("email", "ann@example.com")
                .identity("ecid", "c0ffee")
                .attribute("country", country, "web", at)
                .attribute("tags", List.of("Shoes", "bags"), "crm", at)
                .segment("sneaker-searchers", SegmentStatus.realized, at)
                .score("purchase-propensity", 0.72)
                .build();
    }

    @Test
    void findsAProfileByIdByIdentityAndBySearch() {
        apply(1, ann(1, T0, "FR"));

        assertThat(store.profile("p-ann"))
                .get()
                .extracting(ProfileUpdate::getVersion)
                .isEqualTo(1L);
        assertThat(store.profileByIdentity("email", "ann@example.com")).isPresent();
        assertThat(store.profileByIdentity("ecid", "ann@example.com")).isEmpty();
        assertThat(store.searchIdentities("ann@", null, 10))
                .containsExactly(
                        new SearchHit(
                                "p-ann", SearchHit.Kind.identity, "email", "ann@example.com"));
        // Values are found by their beginning whatever the case, and shown as they are.
        assertThat(store.searchValues("sho", 10))
                .containsExactly(new SearchHit("p-ann", SearchHit.Kind.attribute, "tags", "Shoes"));
        assertThat(store.searchAttribute("country", "fr", false, 10)).hasSize(1);
        assertThat(store.searchAttribute("country", "F", false, 10)).isEmpty();
        assertThat(store.searchAttribute("country", "F", true, 10)).hasSize(1);
        assertThat(store.status().profiles()).isEqualTo(1);
    }

    @Test
    void aChangedValueLeavesNoStaleIndexEntry() {
        apply(1, ann(1, T0, "FR"));
        apply(2, ann(2, T0 + 1000, "DE"));

        assertThat(store.searchAttribute("country", "fr", false, 10)).isEmpty();
        assertThat(store.searchAttribute("country", "de", false, 10)).hasSize(1);
        assertThat(store.changes("p-ann"))
                .first()
                .satisfies(
                        c -> {
                            assertThat(c.version()).isEqualTo(2);
                            assertThat(c.attributes())
                                    .containsExactly(
                                            new ProfileChange.AttributeChange(
                                                    "country", "FR", "DE"));
                        });
    }

    @Test
    void aMergeLeavesTheIdentityWithTheSurvivorWhateverTheOrder() {
        ProfileUpdate absorbed = profile("p-old", 3, T0).identity("ecid", "c0ffee").build();
        ProfileUpdate survivor =
                profile("p-new", 5, T0 + 1000)
                        .identity("email", "ann@example.com")
                        .identity("ecid", "c0ffee")
                        .build();
        apply(1, absorbed);
        // The survivor's update comes before the absorbed profile's tombstone (another partition).
        apply(2, survivor);
        assertThat(store.profileByIdentity("ecid", "c0ffee"))
                .get()
                .extracting(ProfileUpdate::getProfileId)
                .isEqualTo("p-new");
        tombstone(7, "p-old");

        assertThat(store.profileByIdentity("ecid", "c0ffee"))
                .get()
                .extracting(ProfileUpdate::getProfileId)
                .isEqualTo("p-new");
        assertThat(store.profile("p-old")).isEmpty();
        assertThat(store.searchIdentities("c0ffee", null, 10))
                .extracting(SearchHit::profileId)
                .containsExactly("p-new");
        assertThat(store.status().profiles()).isEqualTo(1);
    }

    @Test
    void segmentsCountMembersTransitionsAndHistory() {
        apply(1, ann(1, T0, "FR"));
        apply(
                2,
                profile("p-bob", 1, T0 + 90_000)
                        .identity("email", "bob@example.com")
                        .segment("sneaker-searchers", SegmentStatus.realized, T0 + 90_000)
                        .build());
        // Ann leaves at T0 + 3 min: the exit is reported once, then the entry is gone.
        apply(
                3,
                profile("p-ann", 2, T0 + 180_000)
                        .identity("email", "ann@example.com")
                        .segment("sneaker-searchers", SegmentStatus.exited, T0 + 180_000)
                        .build());

        assertThat(store.segment("sneaker-searchers"))
                .contains(new SegmentCounts("sneaker-searchers", 1, 2, 1));
        assertThat(store.members("sneaker-searchers", null, 10))
                .containsExactly(new SegmentMember("p-bob", T0 + 90_000));
        assertThat(store.history("sneaker-searchers"))
                .containsExactly(
                        new HistoryBucket(T0, 1, 1, 0),
                        new HistoryBucket(T0 + MINUTE, 1, 1, 0),
                        new HistoryBucket(T0 + 3 * MINUTE, -1, 0, 1));
        // Erasing Bob removes him from the audience, at the latest time the store has seen.
        tombstone(9, "p-bob");
        assertThat(store.segment("sneaker-searchers"))
                .get()
                .extracting(SegmentCounts::population)
                .isEqualTo(0L);
        assertThat(store.history("sneaker-searchers"))
                .last()
                .isEqualTo(new HistoryBucket(T0 + 3 * MINUTE, -2, 0, 1));
    }

    @Test
    void populationChangesCountWhenTheirTransitionHappened() {
        // Realized at T0 + 30 s (a window's condition), reported in an update of T0 + 5 min.
        apply(
                1,
                profile("p-cy", 4, T0 + 5 * MINUTE)
                        .identity("ecid", "cy")
                        .segment("browsers", SegmentStatus.realized, T0 + 30_000)
                        .build());
        // A membership that arrives without a transition (a merge brought it) counts at the
        // update's time.
        apply(
                2,
                profile("p-di", 2, T0 + 7 * MINUTE)
                        .identity("ecid", "di")
                        .segment("browsers", SegmentStatus.existing, T0)
                        .build());

        assertThat(store.history("browsers"))
                .containsExactly(
                        new HistoryBucket(T0, 1, 1, 0),
                        new HistoryBucket(T0 + 7 * MINUTE, 1, 0, 0));
    }

    @Test
    void membersArePaged() {
        for (int i = 0; i < 7; i++) {
            apply(
                    i + 1,
                    profile("p-" + i, 1, T0)
                            .identity("ecid", "d-" + i)
                            .segment("all", SegmentStatus.realized, T0)
                            .build());
        }
        List<SegmentMember> first = store.members("all", null, 3);
        List<SegmentMember> second = store.members("all", first.get(2).profileId(), 3);
        List<SegmentMember> third = store.members("all", second.get(2).profileId(), 3);

        assertThat(first).extracting(SegmentMember::profileId).containsExactly("p-0", "p-1", "p-2");
        assertThat(second)
                .extracting(SegmentMember::profileId)
                .containsExactly("p-3", "p-4", "p-5");
        assertThat(third).extracting(SegmentMember::profileId).containsExactly("p-6");
    }

    @Test
    void scoreDistributionsFollowTheLatestScores() {
        apply(1, profile("p-a", 1, T0).identity("ecid", "a").score("m", 0.12).build());
        apply(2, profile("p-b", 1, T0).identity("ecid", "b").score("m", 0.9).build());
        apply(3, profile("p-a", 2, T0 + 1).identity("ecid", "a").score("m", 0.97).build());

        ScoreDistribution m = store.model("m").orElseThrow();
        assertThat(m.profiles()).isEqualTo(2);
        assertThat(m.mean()).isCloseTo(0.935, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.buckets()[2]).isZero();
        assertThat(m.buckets()[18]).isEqualTo(1);
        assertThat(m.buckets()[19]).isEqualTo(1);
    }

    @Test
    void anOlderVersionIsSkippedNotApplied() {
        apply(1, ann(2, T0 + 1000, "DE"));
        apply(2, ann(1, T0, "FR"));

        assertThat(store.profile("p-ann").orElseThrow().getAttributes())
                .containsEntry("country", "DE");
        assertThat(store.status().staleSkipped()).isEqualTo(1);
        assertThat(store.status().updatesApplied()).isEqualTo(1);
    }

    @Test
    void recentChangesAreBounded() {
        for (int v = 1; v <= 50; v++) {
            apply(v, ann(v, T0 + v * 1000L, "C" + v));
        }
        List<ProfileChange> changes = store.changes("p-ann");
        assertThat(changes).hasSize(ProfileStore.CHANGES_KEPT);
        assertThat(changes.get(0).version()).isEqualTo(50);
        assertThat(changes.get(changes.size() - 1).version()).isEqualTo(31);
        tombstone(51, "p-ann");
        assertThat(store.changes("p-ann")).isEmpty();
    }

    @Test
    void aReopenedStoreHasTheOffsetsAndCountersOfItsLastBatch() {
        apply(41, ann(1, T0, "FR"));
        tombstone(12, "p-nobody");
        store.close();

        store = ProfileStore.open(dir, MINUTE, 8 << 20);

        assertThat(store.offsets(TOPIC)).containsExactly(Map.entry(0, 41L), Map.entry(1, 12L));
        assertThat(store.status().profiles()).isEqualTo(1);
        assertThat(store.segment("sneaker-searchers"))
                .get()
                .extracting(SegmentCounts::population)
                .isEqualTo(1L);
        assertThat(store.model("purchase-propensity"))
                .get()
                .extracting(ScoreDistribution::profiles)
                .isEqualTo(1L);
        assertThat(store.status().lastUpdatedAt()).isEqualTo(T0);
    }

    @Test
    void aStoreKeepsItsHistoryBucketWidth() {
        store.close();
        assertThatThrownBy(() -> ProfileStore.open(dir, 5 * MINUTE, 8 << 20))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("60000 ms, not 300000 ms");
        store = ProfileStore.open(dir, MINUTE, 8 << 20);
    }
}
