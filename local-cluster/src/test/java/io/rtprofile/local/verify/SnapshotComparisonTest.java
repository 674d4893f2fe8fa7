package io.rtprofile.local.verify;

import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.rtprofile.local.verify.VersionSequenceCheckTest.update;
import static org.assertj.core.api.Assertions.assertThat;

class SnapshotComparisonTest {

    private static final List<Identity> ANN =
            List.of(new Identity("email", "ann@x.io"), new Identity("ecid", "c0ffee"));
    private static final List<Identity> BOB = List.of(new Identity("email", "bob@x.io"));

    @Test
    void profilesEqualButForIdVersionAndTransitionsMatch() {
        ProfileUpdate expected = update("p-1", 3, Map.of("country", "FR"), ANN);
        // Another surviving id, another count of updates, and the last update realized a segment
        // that the standing snapshot shows as existing: the same profile.
        ProfileUpdate actual = update("p-2", 5, Map.of("country", "FR"), ANN);
        actual.setSegments(
                Map.of("s", new SegmentMembership(SegmentStatus.realized, 1_700_000_000_000L)));
        expected.setSegments(
                Map.of("s", new SegmentMembership(SegmentStatus.existing, 1_700_000_000_000L)));

        SnapshotComparison comparison =
                SnapshotComparison.compare(List.of(actual), List.of(expected));

        assertThat(comparison.matched()).isEqualTo(1);
        assertThat(comparison.idsDiffering()).isEqualTo(1);
        assertThat(comparison.versionsDiffering()).isEqualTo(1);
        assertThat(comparison.different().count()).isZero();
    }

    @Test
    void missingExtraAndDifferentProfilesAreNamedWithAShortDiff() {
        List<ProfileUpdate> expected =
                List.of(
                        update("p-1", 1, Map.of("country", "FR"), ANN),
                        update("p-2", 1, Map.of(), BOB));
        List<ProfileUpdate> actual =
                List.of(
                        update("p-1", 2, Map.of("country", "DE"), ANN),
                        update("p-3", 1, Map.of(), List.of(new Identity("email", "eve@x.io"))));

        SnapshotComparison comparison = SnapshotComparison.compare(actual, expected);

        assertThat(comparison.matched()).isZero();
        assertThat(comparison.missing().examples())
                .containsExactly("profile of email:bob@x.io (p-2)");
        assertThat(comparison.extra().examples())
                .containsExactly("profile of email:eve@x.io (p-3)");
        assertThat(comparison.different().examples())
                .containsExactly(
                        "profile of email:ann@x.io (p-1): attributes: expected {\"country\":\"FR\"},"
                                + " found {\"country\":\"DE\"}");
    }

    @Test
    void anIdentityLeadingTwoProfilesIsFound() {
        SnapshotComparison comparison =
                SnapshotComparison.compare(
                        List.of(update("p-1", 1, Map.of(), ANN), update("p-9", 1, Map.of(), ANN)),
                        List.of(update("p-1", 1, Map.of(), ANN)));

        assertThat(comparison.ambiguous().count()).isEqualTo(1);
    }
}
