package io.rtprofile.local.verify;

import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VersionSequenceCheckTest {

    @Test
    void contiguousVersionsOfSeveralProfilesHold() {
        VersionSequenceCheck check = new VersionSequenceCheck();
        check.accept("p-a", update("p-a", 1), "0@0");
        check.accept("p-b", update("p-b", 1), "0@1");
        check.accept("p-a", update("p-a", 2), "0@2");
        check.accept("p-b", update("p-b", 2), "0@3");
        check.accept("p-a", update("p-a", 3), "0@4");

        assertThat(check.lost().count()).isZero();
        assertThat(check.duplicated().count()).isZero();
        assertThat(check.updates()).isEqualTo(5);
        assertThat(check.liveProfiles()).containsOnlyKeys("p-a", "p-b");
        assertThat(check.liveProfiles().get("p-a").getVersion()).isEqualTo(3);
    }

    @Test
    void aRepeatedVersionIsADuplicateAndDoesNotMoveTheProfileBack() {
        VersionSequenceCheck check = new VersionSequenceCheck();
        check.accept("p-a", update("p-a", 1), "0@0");
        check.accept("p-a", update("p-a", 2), "0@1");
        check.accept("p-a", update("p-a", 2), "0@2");
        check.accept("p-a", update("p-a", 3), "0@3");

        assertThat(check.duplicated().count()).isEqualTo(1);
        assertThat(check.duplicated().examples())
                .singleElement()
                .asString()
                .contains("p-a: version 2 again", "0@2");
        assertThat(check.lost().count()).isZero();
        assertThat(check.liveProfiles().get("p-a").getVersion()).isEqualTo(3);
    }

    @Test
    void aSkippedVersionIsALossCountedPerMissingVersion() {
        VersionSequenceCheck check = new VersionSequenceCheck();
        check.accept("p-a", update("p-a", 1), "0@0");
        check.accept("p-a", update("p-a", 4), "0@1");
        // A life that starts above 1 lost its first updates.
        check.accept("p-b", update("p-b", 2), "0@2");

        assertThat(check.lost().count()).isEqualTo(3);
        assertThat(check.lost().examples())
                .containsExactly(
                        "p-a: version 4 follows version 1 at 0@1 (versions 2..3 missing)",
                        "p-b: version 2 follows no update of this life at 0@2 (version 1 missing)");
        assertThat(check.duplicated().count()).isZero();
    }

    @Test
    void aTombstoneEndsALifeAndTheIdFoundedAgainCountsFromOne() {
        VersionSequenceCheck check = new VersionSequenceCheck();
        check.accept("p-a", update("p-a", 1), "0@0");
        check.accept("p-a", update("p-a", 2), "0@1");
        check.accept("p-a", null, "0@2");
        assertThat(check.liveProfiles()).isEmpty();
        check.accept("p-a", update("p-a", 1), "0@3");
        check.accept("p-a", update("p-a", 2), "0@4");

        assertThat(check.lost().count()).isZero();
        assertThat(check.duplicated().count()).isZero();
        assertThat(check.orphanTombstones().count()).isZero();
        assertThat(check.tombstones()).isEqualTo(1);
        assertThat(check.liveProfiles()).containsOnlyKeys("p-a");
    }

    @Test
    void aTombstoneWithoutALiveProfileAndAnUpdateUnderAnotherKeyAreFound() {
        VersionSequenceCheck check = new VersionSequenceCheck();
        check.accept("p-a", update("p-a", 1), "0@0");
        check.accept("p-a", null, "0@1");
        check.accept("p-a", null, "0@2");
        check.accept("p-c", update("p-d", 1), "0@3");

        assertThat(check.orphanTombstones().count()).isEqualTo(1);
        assertThat(check.misplaced().count()).isEqualTo(1);
    }

    @Test
    void reportNamesBothFailuresAndCountsThemInTheTable() {
        VersionSequenceCheck versions = new VersionSequenceCheck();
        versions.accept("p-a", update("p-a", 1), "0@0");
        versions.accept("p-a", update("p-a", 1), "0@1");
        versions.accept("p-a", update("p-a", 3), "0@2");
        RejectionCheck rejections = new RejectionCheck("events");
        rejections.finish();

        VerifyReport report = new VerifyReport(versions, rejections, null);

        assertThat(report.passed()).isFalse();
        assertThat(report.lost()).isEqualTo(1);
        assertThat(report.duplicated()).isEqualTo(1);
        assertThat(report.failures())
                .containsOnlyKeys(
                        "lost updates (version gaps)", "duplicated updates (version repeats)");
        assertThat(report.table())
                .contains("FAILED", "p-a: version 1 again", "(version 2 missing)");
        assertThat(report.json()).contains("\"passed\":false", "\"lost\":1", "\"duplicated\":1");
    }

    static ProfileUpdate update(String id, long version) {
        return update(id, version, Map.of(), List.of(new Identity("email", id + "@x.io")));
    }

    static ProfileUpdate update(
            String id, long version, Map<String, Object> attributes, List<Identity> identities) {
        return ProfileUpdate.newBuilder()
                .setProfileId(id)
                .setVersion(version)
                .setUpdatedAt(1_700_000_000_000L)
                .setIdentities(identities)
                .setAttributes(attributes)
                .setSegments(Map.of())
                .setSegmentChanges(List.of())
                .setScores(Map.of())
                .build();
    }
}
