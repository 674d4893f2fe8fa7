package io.rtprofile.schema.json;

import io.rtprofile.schema.AttributeOrigin;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.Score;
import io.rtprofile.schema.ScoreFactor;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.SegmentMembership;
import io.rtprofile.schema.SegmentStatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract's profile update JSON (section 4): round trip, stable text, ISO timestamps. */
class ProfileUpdateJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** 2026-11-01T10:00:00Z in epoch milliseconds. */
    private static final long T0 = 1_793_527_200_000L;

    @Test
    void roundTripsWithSegmentsChangesAndScores() {
        ProfileUpdate update = fullUpdate(new HashMap<>());

        String json = ProfileUpdateJson.toJson(update);

        assertThat(ProfileUpdateJson.fromJson(json)).isEqualTo(update);
        assertThat(ProfileUpdateJson.toJson(ProfileUpdateJson.fromJson(json))).isEqualTo(json);
    }

    @Test
    void roundTripsAnEmptyProfile() {
        ProfileUpdate update =
                ProfileUpdate.newBuilder()
                        .setProfileId("p-0")
                        .setVersion(1)
                        .setUpdatedAt(T0)
                        .setIdentities(List.of(new Identity("ecid", "c0ffee")))
                        .setAttributes(Map.of())
                        .setSegments(Map.of())
                        .setSegmentChanges(List.of())
                        .setScores(Map.of())
                        .build();

        String json = ProfileUpdateJson.toJson(update);

        assertThat(json)
                .isEqualTo(
                        "{\"profileId\":\"p-0\",\"version\":1,\"updatedAt\":\"2026-11-01T10:00:00Z\","
                                + "\"identities\":[{\"namespace\":\"ecid\",\"id\":\"c0ffee\"}],"
                                + "\"attributes\":{},\"segments\":{},\"segmentChanges\":[],"
                                + "\"scores\":{}}");
        assertThat(ProfileUpdateJson.fromJson(json)).isEqualTo(update);
    }

    @Test
    void equalProfilesGiveEqualTextWhateverTheMapOrder() {
        ProfileUpdate a = fullUpdate(new LinkedHashMap<>());
        ProfileUpdate b = fullUpdate(new TreeMap<>(java.util.Comparator.reverseOrder()));

        assertThat(ProfileUpdateJson.toJson(a)).isEqualTo(ProfileUpdateJson.toJson(b));
    }

    @Test
    void keysComeInTheContractsOrderAndMapsSorted() throws Exception {
        JsonNode tree = MAPPER.readTree(ProfileUpdateJson.toJson(fullUpdate(new HashMap<>())));

        assertThat(fieldNames(tree))
                .containsExactly(
                        "profileId",
                        "version",
                        "updatedAt",
                        "identities",
                        "attributes",
                        "segments",
                        "segmentChanges",
                        "scores",
                        "attributeOrigins");
        assertThat(fieldNames(tree.get("attributeOrigins"))).containsExactly("country", "visits");
        assertThat(tree.at("/attributeOrigins/country/source").asText()).isEqualTo("crm");
        assertThat(tree.at("/attributeOrigins/country/eventId").asText()).isEqualTo("e-7");
        assertThat(fieldNames(tree.get("attributes")))
                .containsExactly("country", "gone", "ltv", "tags", "vip", "visits");
        assertThat(fieldNames(tree.get("segments")))
                .containsExactly("high-value", "sneaker-searchers", "window-shoppers");
        assertThat(fieldNames(tree.get("scores")))
                .containsExactly("audiences", "churn", "purchase-propensity");
        assertThat(fieldNames(tree.get("scores").get("purchase-propensity")))
                .containsExactly("score", "percentile", "modelVersion", "factors");
        // A cluster model's score also names the cluster.
        assertThat(fieldNames(tree.get("scores").get("audiences")))
                .containsExactly("score", "percentile", "modelVersion", "cluster", "factors");
        // Lists keep their order: identities by priority, changes as they happened.
        assertThat(tree.get("identities").get(0).get("namespace").asText()).isEqualTo("email");
        assertThat(tree.get("segmentChanges").get(0).get("segmentId").asText())
                .isEqualTo("window-shoppers");
    }

    @Test
    void timestampsAreIsoUtc() throws Exception {
        JsonNode tree = MAPPER.readTree(ProfileUpdateJson.toJson(fullUpdate(new HashMap<>())));

        assertThat(tree.get("updatedAt").asText()).isEqualTo("2026-11-01T10:00:00.250Z");
        assertThat(tree.at("/segments/sneaker-searchers/since").asText())
                .isEqualTo("2026-11-01T10:00:00Z");
        assertThat(tree.at("/segmentChanges/0/at").asText()).isEqualTo("2026-11-01T09:59:59Z");
        assertThat(tree.at("/segments/sneaker-searchers/status").asText()).isEqualTo("realized");
        assertThat(tree.at("/scores/churn/percentile").isNull()).isTrue();
        assertThat(tree.at("/attributes/gone").isNull()).isTrue();
    }

    @Test
    void fromJsonAcceptsEpochMillisAndTheContractExample() {
        String contract =
                "{\"profileId\": \"p-1\", \"version\": 7, \"updatedAt\": \"2026-11-01T10:00:00Z\",\n"
                        + " \"identities\": [{\"namespace\": \"email\", \"id\": \"ann@example.com\"},"
                        + " {\"namespace\": \"ecid\", \"id\": \"c0ffee\"}],\n"
                        + " \"attributes\": {\"country\": \"FR\", \"loyaltyTier\": \"gold\"},\n"
                        + " \"segments\": {\"sneaker-searchers\": {\"status\": \"realized\","
                        + " \"since\": \"2026-11-01T10:00:00Z\"}},\n"
                        + " \"segmentChanges\": [{\"segmentId\": \"sneaker-searchers\","
                        + " \"status\": \"realized\", \"at\": \"2026-11-01T10:00:00Z\"}],\n"
                        + " \"scores\": {\"purchase-propensity\": {\"score\": 0.73, \"percentile\": 91,"
                        + " \"modelVersion\": 42,\n"
                        + "            \"factors\": [{\"feature\": \"cart_adds_30d\", \"value\": 3,"
                        + " \"contribution\": 1.2}]}}}";

        ProfileUpdate update = ProfileUpdateJson.fromJson(contract);

        assertThat(update.getVersion()).isEqualTo(7);
        assertThat(update.getUpdatedAt()).isEqualTo(T0);
        assertThat(update.getSegments().get("sneaker-searchers"))
                .isEqualTo(new SegmentMembership(SegmentStatus.realized, T0));
        assertThat(update.getScores().get("purchase-propensity"))
                .isEqualTo(
                        new Score(
                                0.73,
                                91,
                                42L,
                                List.of(new ScoreFactor("cart_adds_30d", 3.0, 1.2)),
                                null));
        assertThat(
                        ProfileUpdateJson.fromJson(
                                        contract.replace(
                                                "\"updatedAt\": \"2026-11-01T10:00:00Z\"",
                                                "\"updatedAt\": " + T0))
                                .getUpdatedAt())
                .isEqualTo(T0);
    }

    @Test
    void fromJsonRefusesWhatIsNotJson() {
        assertThatThrownBy(() -> ProfileUpdateJson.fromJson("{\"profileId\": "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a profile update");
    }

    /** A complete update whose maps are filled into {@code emptyMap}-like containers in order. */
    static ProfileUpdate fullUpdate(Map<String, Object> attributeMap) {
        attributeMap.put("visits", 12L);
        attributeMap.put("country", "FR");
        attributeMap.put("vip", true);
        attributeMap.put("ltv", 1290.5);
        attributeMap.put("gone", null);
        attributeMap.put("tags", Arrays.asList("a", null, 2L, 0.5, false));
        Map<String, SegmentMembership> segments =
                copyInto(
                        attributeMap,
                        Map.of(
                                "window-shoppers",
                                new SegmentMembership(SegmentStatus.exited, T0 - 86_400_000L),
                                "sneaker-searchers",
                                new SegmentMembership(SegmentStatus.realized, T0),
                                "high-value",
                                new SegmentMembership(SegmentStatus.existing, T0 - 1000)));
        Map<String, Score> scores =
                copyInto(
                        attributeMap,
                        Map.of(
                                "purchase-propensity",
                                new Score(
                                        0.73,
                                        91,
                                        42L,
                                        List.of(
                                                new ScoreFactor("cart_adds_30d", 3.0, 1.2),
                                                new ScoreFactor("visits_7d", 0.0, -0.25)),
                                        null),
                                "churn",
                                new Score(0.125, null, 3L, List.of(), null),
                                "audiences",
                                new Score(0.5, null, 2L, List.of(), 3)));
        return ProfileUpdate.newBuilder()
                .setProfileId("p-0123456789abcdef")
                .setVersion(7)
                .setUpdatedAt(T0 + 250)
                .setIdentities(
                        List.of(
                                new Identity("email", "ann@example.com"),
                                new Identity("ecid", "c0ffee")))
                .setAttributes(attributeMap)
                .setSegments(segments)
                .setSegmentChanges(
                        List.of(
                                new SegmentChange(
                                        "window-shoppers", SegmentStatus.exited, T0 - 1000),
                                new SegmentChange("sneaker-searchers", SegmentStatus.realized, T0)))
                .setScores(scores)
                .setAttributeOrigins(
                        copyInto(
                                attributeMap,
                                Map.of(
                                        "country",
                                        new AttributeOrigin("crm", T0 - 5000, "e-7"),
                                        "visits",
                                        new AttributeOrigin("web", T0, "e-9"))))
                .build();
    }

    /** A new map of the same kind as {@code like} (so its iteration order is the same kind). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <V> Map<String, V> copyInto(Map<String, ?> like, Map<String, V> values) {
        Map<String, V> map;
        if (like instanceof TreeMap<String, ?> tree) {
            map = new TreeMap<>((java.util.Comparator) tree.comparator());
        } else if (like instanceof LinkedHashMap) {
            map = new LinkedHashMap<>();
        } else {
            map = new HashMap<>();
        }
        new ArrayList<>(values.keySet()).stream().sorted().forEach(k -> map.put(k, values.get(k)));
        return map;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
