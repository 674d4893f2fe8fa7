package io.rtprofile.schema.json;

import io.rtprofile.schema.Cluster;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.TrainingExample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Model versions and training examples as `rtprofile consume` and `rtprofile run` print them. */
class ModelJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_793_527_200_000L;

    @Test
    void aJobVersionShowsWhenItWasPublishedAndItsWeightsInOrder() throws Exception {
        Model model =
                Model.newBuilder()
                        .setModelId("buys")
                        .setVersion(3)
                        .setDefinition("{\"id\":\"buys\"}")
                        .setPublishedAt(T0)
                        .setExamples(3000)
                        .setWeights(Map.of("z", 0.5, "(bias)", -2.0))
                        .setScoreQuantiles(List.of(0.1, 0.2))
                        .setRecentLogLoss(0.45)
                        .build();
        JsonNode json = JSON.readTree(ModelJson.toJson(model));
        assertThat(json.get("publishedAt").asText()).isEqualTo("2026-11-01T10:00:00Z");
        assertThat(json.has("inForceFrom")).isFalse();
        assertThat(json.get("weights").fieldNames()).toIterable().containsExactly("(bias)", "z");
        assertThat(json.get("recentLogLoss").asDouble()).isEqualTo(0.45);
        assertThat(json.has("recentPositiveRate")).isFalse();
        assertThat(json.get("definition").asText()).isEqualTo("{\"id\":\"buys\"}");
    }

    @Test
    void aReplayedVersionShowsWhenItIsInForceAndARemovalHasNoDefinition() throws Exception {
        Model replayed =
                Model.newBuilder()
                        .setModelId("audiences")
                        .setVersion(1)
                        .setDefinition("x")
                        .setPublishedAt(0)
                        .setInForceFrom(T0)
                        .setClusters(List.of(new Cluster(0, 2.0, Map.of("a", 1.0))))
                        .build();
        JsonNode json = JSON.readTree(ModelJson.toJson(replayed));
        assertThat(json.get("inForceFrom").asText()).isEqualTo("2026-11-01T10:00:00Z");
        assertThat(json.has("publishedAt")).isFalse();
        Model removed =
                Model.newBuilder().setModelId("buys").setVersion(9).setPublishedAt(T0).build();
        assertThat(JSON.readTree(ModelJson.toJson(removed)).get("definition").isNull()).isTrue();
    }

    @Test
    void anExampleShowsItsLabelOrNullForAPoint() throws Exception {
        TrainingExample labelled =
                new TrainingExample(
                        "buys",
                        "p-1",
                        T0,
                        T0 + 60_000,
                        true,
                        T0 + 30_000,
                        2L,
                        Map.of("b", 1.0, "a", 2.0));
        JsonNode json = JSON.readTree(TrainingExampleJson.toJson(labelled));
        assertThat(json.get("label").asBoolean()).isTrue();
        assertThat(json.get("labelledAt").asText()).isEqualTo("2026-11-01T10:01:00Z");
        assertThat(json.get("outcomeAt").asText()).isEqualTo("2026-11-01T10:00:30Z");
        assertThat(json.get("features").fieldNames()).toIterable().containsExactly("a", "b");
        TrainingExample point = new TrainingExample("k", "p-1", T0, T0, null, null, 0L, Map.of());
        JsonNode pointJson = JSON.readTree(TrainingExampleJson.toJson(point));
        assertThat(pointJson.get("label").isNull()).isTrue();
        assertThat(pointJson.has("outcomeAt")).isFalse();
    }
}
