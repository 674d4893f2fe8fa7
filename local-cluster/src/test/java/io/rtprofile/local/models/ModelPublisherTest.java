package io.rtprofile.local.models;

import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitions;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ModelPublisherTest {

    private static final String BUYER =
            "id: buyer\nname: Buys\nalgorithm: ftrl-logistic\nfeatures:\n"
                    + "  - name: carts\n"
                    + "    events: {where: event.type == \"commerce.addToCart\", within: 1h}\n"
                    + "label: {event: event.type == \"commerce.purchase\", within: 10m}\n";
    private static final String SEARCHER = BUYER.replace("buyer", "searcher");

    @Test
    void publicationSaysWhatIsAddedReplacedOrUnchanged() throws Exception {
        Map<String, String> current = new TreeMap<>();
        current.put("buyer", BUYER); // as YAML: the same definition once rendered
        current.put("searcher", SEARCHER.replace("10m", "20m"));
        ModelDefinition other = parse(BUYER.replace("buyer", "other"));

        ModelPublisher.Outcome outcome =
                ModelPublisher.planPublication(
                        current, List.of(parse(BUYER), parse(SEARCHER), other));

        assertThat(outcome.added()).containsExactly("other");
        assertThat(outcome.replaced()).containsExactly("searcher");
        assertThat(outcome.unchanged()).containsExactly("buyer");
        assertThat(outcome.writes()).containsOnlyKeys("searcher", "other");
        assertThat(outcome.writes().get("other")).isEqualTo(other.source());
    }

    @Test
    void theCanonicalTextIsStable() throws Exception {
        // Published once as JSON, then again from the same YAML: unchanged, learning kept.
        String published = parse(BUYER).source();

        assertThat(parse(published).source()).isEqualTo(published);
        assertThat(
                        ModelPublisher.planPublication(
                                        Map.of("buyer", published), List.of(parse(BUYER)))
                                .unchanged())
                .containsExactly("buyer");
    }

    @Test
    void removalWritesTombstonesForPublishedIdsOnly() {
        ModelPublisher.Outcome outcome =
                ModelPublisher.planRemoval(Map.of("buyer", BUYER), List.of("buyer", "gone"));

        assertThat(outcome.removed()).containsExactly("buyer");
        assertThat(outcome.notPublished()).containsExactly("gone");
        assertThat(outcome.writes()).containsEntry("buyer", null).hasSize(1);
    }

    private static ModelDefinition parse(String text) throws Exception {
        return ModelDefinitions.parseOne("test", text);
    }
}
