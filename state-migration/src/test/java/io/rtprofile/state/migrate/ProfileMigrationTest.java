package io.rtprofile.state.migrate;

import io.rtprofile.jobs.config.MergePolicy;
import io.rtprofile.jobs.profile.AttributeMerger;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.state.AttributeState;
import io.rtprofile.schema.state.PendingExample;
import io.rtprofile.schema.state.ProfileEngineState;
import io.rtprofile.schema.state.ProfileState;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileMigrationTest {

    private static final long T = 1_700_000_000_000L;
    private static final AttributeMerger BY_TIME =
            new AttributeMerger(MergePolicy.TIMESTAMP, List.of());

    private final Map<String, Long> counts = new TreeMap<>();

    @Test
    void aRenameMovesTheValueAndWhatItWonBy() throws Exception {
        ProfileEngineState engine = engine(Map.of("loyaltyTier", attr("gold", T, "e-1")));
        assertThat(apply("attributes: {rename: {loyaltyTier: tier}}", engine)).isTrue();
        assertThat(engine.getState().getAttributes())
                .containsExactlyEntriesOf(Map.of("tier", attr("gold", T, "e-1")));
        assertThat(counts).containsExactlyEntriesOf(Map.of("ATTRIBUTE_RENAMED:loyaltyTier", 1L));
    }

    @Test
    void aRenameOntoAnExistingAttributeKeepsTheMergePolicysWinner() throws Exception {
        ProfileEngineState older =
                engine(
                        Map.of(
                                "loyaltyTier",
                                attr("gold", T, "e-1"),
                                "tier",
                                attr("silver", T + 1, "e-2")));
        apply("attributes: {rename: {loyaltyTier: tier}}", older);
        assertThat(older.getState().getAttributes())
                .containsExactlyEntriesOf(Map.of("tier", attr("silver", T + 1, "e-2")));

        ProfileEngineState newer =
                engine(
                        Map.of(
                                "loyaltyTier",
                                attr("gold", T + 2, "e-1"),
                                "tier",
                                attr("silver", T + 1, "e-2")));
        apply("attributes: {rename: {loyaltyTier: tier}}", newer);
        assertThat(newer.getState().getAttributes())
                .containsExactlyEntriesOf(Map.of("tier", attr("gold", T + 2, "e-1")));
        assertThat(counts).containsEntry("ATTRIBUTE_RENAME_COLLIDED:loyaltyTier", 2L);

        // Under the precedence policy the more trusted source wins whatever the time.
        ProfileEngineState crm =
                engine(
                        Map.of(
                                "a",
                                new AttributeState("crm-value", T, "crm", "e-1"),
                                "b",
                                new AttributeState("web-value", T + 5, "web", "e-2")));
        new ProfileMigration(
                        MigrationPlan.parse("p.yaml", "attributes: {rename: {a: b}}"),
                        new AttributeMerger(MergePolicy.PRECEDENCE, List.of("crm", "web")))
                .apply(crm, (what, name) -> {});
        assertThat(crm.getState().getAttributes().get("b").getValue()).isEqualTo("crm-value");
    }

    @Test
    void renamesDoNotChainAndSeveralNamesMayMergeIntoOne() throws Exception {
        ProfileEngineState engine =
                engine(Map.of("a", attr("1", T, "e-1"), "b", attr("2", T + 1, "e-2")));
        apply("attributes: {rename: {a: c, b: c}}", engine);
        assertThat(engine.getState().getAttributes())
                .containsExactlyEntriesOf(Map.of("c", attr("2", T + 1, "e-2")));
    }

    @Test
    void dropsRemoveAttributesMembershipsScoresAndExamples() throws Exception {
        ProfileEngineState engine =
                engine(Map.of("legacyScore", attr(3L, T, "e-1"), "country", attr("FR", T, "e-1")));
        ProfileState state = engine.getState();
        state.getSegments().put("summer-sale", T);
        state.getSegments().put("high-value", T);
        state.getScores().put("old-propensity", score(0.5));
        state.getScores().put("purchase-propensity", score(0.7));
        engine.getPendingExamples().put("old-propensity", example());
        engine.getPendingExamples().put("purchase-propensity", example());

        assertThat(
                        apply(
                                """
                                attributes: {drop: [legacyScore]}
                                segments: {drop: [summer-sale]}
                                models: {drop: [old-propensity]}
                                """,
                                engine))
                .isTrue();
        assertThat(state.getAttributes()).containsOnlyKeys("country");
        assertThat(state.getSegments()).containsOnlyKeys("high-value");
        assertThat(state.getScores()).containsOnlyKeys("purchase-propensity");
        assertThat(engine.getPendingExamples()).containsOnlyKeys("purchase-propensity");
        assertThat(counts)
                .containsExactlyEntriesOf(
                        new TreeMap<>(
                                Map.of(
                                        "ATTRIBUTE_DROPPED:legacyScore", 1L,
                                        "MEMBERSHIP_DROPPED:summer-sale", 1L,
                                        "SCORE_DROPPED:old-propensity", 1L,
                                        "PENDING_EXAMPLE_DROPPED:old-propensity", 1L)));
    }

    @Test
    void heldEventsAreRewrittenToo() throws Exception {
        ProfileEngineState engine = engine(Map.of());
        Map<String, Object> both = new HashMap<>();
        both.put("loyaltyTier", "gold");
        both.put("tier", "silver");
        both.put("legacyScore", 3L);
        Map<String, Object> old = new HashMap<>();
        old.put("loyaltyTier", "bronze");
        engine.setPendingEvents(new ArrayList<>(List.of(event("e-1", both), event("e-2", old))));

        apply("attributes: {rename: {loyaltyTier: tier}, drop: [legacyScore]}", engine);
        assertThat(engine.getPendingEvents().get(0).getAttributes())
                .containsExactlyEntriesOf(Map.of("tier", "silver"));
        assertThat(engine.getPendingEvents().get(1).getAttributes())
                .containsExactlyEntriesOf(Map.of("tier", "bronze"));
        assertThat(counts)
                .containsEntry("HELD_EVENT_ATTRIBUTE_RENAMED:loyaltyTier", 2L)
                .containsEntry("HELD_EVENT_ATTRIBUTE_DROPPED:legacyScore", 1L);
    }

    @Test
    void aKeyThePlanDoesNotConcernIsUnchanged() throws Exception {
        ProfileEngineState engine = engine(Map.of("country", attr("FR", T, "e-1")));
        engine.setAwaitedTransfers(new ArrayList<>(List.of("p-absorbed")));
        String before = engine.toString();
        assertThat(apply("attributes: {drop: [legacyScore]}\nsegments: {drop: [x]}", engine))
                .isFalse();
        assertThat(engine.toString()).isEqualTo(before);
        assertThat(counts).containsExactlyEntriesOf(Map.of("PROFILES_AWAITING_TRANSFERS", 1L));
    }

    private boolean apply(String plan, ProfileEngineState engine) throws Exception {
        return new ProfileMigration(MigrationPlan.parse("p.yaml", plan), BY_TIME)
                .apply(engine, (what, name) -> counts.merge(what.key(name), 1L, Long::sum));
    }

    private static AttributeState attr(Object value, long at, String eventId) {
        return new AttributeState(value, at, "web", eventId);
    }

    private static Score score(double value) {
        return Score.newBuilder().setScore(value).setModelVersion(3L).build();
    }

    private static PendingExample example() {
        return new PendingExample(T, T + 1000, 1L, new HashMap<>(), null);
    }

    private static ExperienceEvent event(String id, Map<String, Object> attributes) {
        return ExperienceEvent.newBuilder()
                .setEventId(id)
                .setTimestamp(T)
                .setType("web.productView")
                .setIdentities(List.of(new Identity("email", "ann@x.io")))
                .setAttributes(attributes)
                .build();
    }

    private static ProfileEngineState engine(Map<String, AttributeState> attributes) {
        ProfileState state = ProfileMerger.newProfile("p-1");
        state.getAttributes().putAll(attributes);
        return ProfileEngineState.newBuilder()
                .setState(state)
                .setPendingExamples(new HashMap<>())
                .setPendingEvents(new ArrayList<>())
                .build();
    }
}
