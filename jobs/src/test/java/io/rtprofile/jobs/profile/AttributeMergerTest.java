package io.rtprofile.jobs.profile;

import io.rtprofile.jobs.config.MergePolicy;
import io.rtprofile.schema.state.AttributeState;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Which of two values of an attribute wins, under each merge policy (contract section 4). */
class AttributeMergerTest {

    private static final List<String> PRECEDENCE = List.of("crm", "pos", "app", "web");

    private final AttributeMerger byTimestamp =
            new AttributeMerger(MergePolicy.TIMESTAMP, PRECEDENCE);
    private final AttributeMerger byPrecedence =
            new AttributeMerger(MergePolicy.PRECEDENCE, PRECEDENCE);

    @Test
    void timestampLaterWinsWhateverTheSource() {
        AttributeState crmOld = value("FR", 100, "crm", "e-1");
        AttributeState webNew = value("DE", 101, "web", "e-0");

        assertWins(byTimestamp, webNew, crmOld);
    }

    @Test
    void timestampTieGoesToTheHigherPrecedenceSource() {
        AttributeState crm = value("FR", 100, "crm", "e-1");
        AttributeState pos = value("DE", 100, "pos", "e-9");
        AttributeState web = value("IT", 100, "web", "e-9");

        assertWins(byTimestamp, crm, pos);
        assertWins(byTimestamp, pos, web);
        assertWins(byTimestamp, crm, web);
    }

    @Test
    void timestampTieAndSameSourceGoesToTheLargerEventId() {
        AttributeState first = value("FR", 100, "web", "e-1");
        AttributeState second = value("DE", 100, "web", "e-2");
        // Strings compare as text: "e-10" < "e-9".
        AttributeState tenth = value("IT", 100, "web", "e-10");

        assertWins(byTimestamp, second, first);
        assertWins(byTimestamp, second, tenth);
    }

    @Test
    void precedenceTrustedSourceWinsEvenIfOlder() {
        AttributeState crmOld = value("FR", 100, "crm", "e-1");
        AttributeState webNew = value("DE", 10_000, "web", "e-2");

        assertWins(byPrecedence, crmOld, webNew);
    }

    @Test
    void precedenceSameSourceLaterWinsThenLargerEventId() {
        assertWins(byPrecedence, value("DE", 200, "pos", "e-1"), value("FR", 100, "pos", "e-2"));
        assertWins(byPrecedence, value("DE", 100, "pos", "e-2"), value("FR", 100, "pos", "e-1"));
    }

    @Test
    void unlistedSourcesRankBelowListedOnes() {
        AttributeState partner = value("FR", 100, "partner", "e-9");
        AttributeState web = value("DE", 100, "web", "e-1");

        assertWins(byPrecedence, web, value("FR", 5_000, "partner", "e-9"));
        assertWins(byTimestamp, web, partner);
        // Two unlisted sources rank alike: time decides, then eventId.
        assertWins(byPrecedence, value("A", 200, "zeta", "e-1"), value("B", 100, "alpha", "e-2"));
        assertWins(byTimestamp, value("A", 100, "alpha", "e-2"), value("B", 100, "zeta", "e-1"));
        // The default source is not special: unlisted.
        assertWins(byPrecedence, value("A", 1, "web", "e-1"), value("B", 100, "default", "e-2"));
    }

    @Test
    void theSameCandidateNeverBeatsItself() {
        AttributeState a = value("FR", 100, "web", "e-1");
        AttributeState b = value("DE", 100, "web", "e-1");

        for (AttributeMerger merger : List.of(byTimestamp, byPrecedence)) {
            assertThat(merger.beats(a, a)).isFalse();
            // Same event, same keys: the values cannot differ in a real profile, and neither wins.
            assertThat(merger.compare(a, b)).isZero();
        }
    }

    /** Order independence rests on this: the comparison is a strict total order on the keys. */
    @Test
    void comparisonIsAntisymmetricAndTransitive() {
        Random random = new Random(3L);
        List<String> sources = List.of("crm", "pos", "web", "partner", "default");
        List<AttributeState> states = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            states.add(
                    value(
                            "v" + i,
                            random.nextInt(4),
                            sources.get(random.nextInt(sources.size())),
                            "e-" + random.nextInt(20)));
        }
        for (AttributeMerger merger : List.of(byTimestamp, byPrecedence)) {
            for (AttributeState a : states) {
                for (AttributeState b : states) {
                    assertThat(Integer.signum(merger.compare(a, b)))
                            .isEqualTo(-Integer.signum(merger.compare(b, a)));
                    for (AttributeState c : states) {
                        if (merger.compare(a, b) > 0 && merger.compare(b, c) > 0) {
                            assertThat(merger.compare(a, c)).isPositive();
                        }
                    }
                }
            }
        }
    }

    private static AttributeState value(
            Object value, long timestamp, String source, String eventId) {
        return new AttributeState(value, timestamp, source, eventId);
    }

    private static void assertWins(
            AttributeMerger merger, AttributeState winner, AttributeState loser) {
        assertThat(merger.beats(winner, loser)).as("%s beats %s", winner, loser).isTrue();
        assertThat(merger.beats(loser, winner)).as("%s beats %s", loser, winner).isFalse();
    }
}
