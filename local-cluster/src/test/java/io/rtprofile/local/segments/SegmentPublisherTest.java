package io.rtprofile.local.segments;

import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.jobs.segments.definition.SegmentDefinitionJson;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentPublisherTest {

    private static final String BUYERS =
            "id: buyers\nname: Buyers\ncondition:\n  events: {where: event.type == \"commerce.purchase\","
                    + " within: 30d}\n";
    private static final String FR =
            "id: fr\nname: French\ncondition:\n  profile: profile.attributes.country"
                    + " == \"FR\"\n";
    private static final String FR_BUYERS =
            "id: fr-buyers\nname: French buyers\ncondition:\n  all:\n    - segment: fr\n    - segment: buyers\n";

    @Test
    void publicationSaysWhatIsAddedReplacedOrUnchanged() throws Exception {
        Map<String, String> current = new TreeMap<>();
        current.put("buyers", BUYERS); // as YAML: the same definition once rendered
        current.put("fr", FR.replace("FR", "DE"));
        SegmentPublisher.Outcome outcome =
                SegmentPublisher.planPublication(current, parse(BUYERS, FR, FR_BUYERS));

        assertThat(outcome.refused()).isFalse();
        assertThat(outcome.added()).containsExactly("fr-buyers");
        assertThat(outcome.replaced()).containsExactly("fr");
        assertThat(outcome.unchanged()).containsExactly("buyers");
        assertThat(outcome.writes()).containsOnlyKeys("fr", "fr-buyers");
        assertThat(outcome.writes().get("fr"))
                .isEqualTo(SegmentDefinitionJson.render(parse(FR).get(0)));
    }

    @Test
    void aDefinitionReferringToAnUnknownSegmentIsRefused() throws Exception {
        SegmentPublisher.Outcome outcome =
                SegmentPublisher.planPublication(Map.of("fr", FR), parse(FR_BUYERS));

        assertThat(outcome.refused()).isTrue();
        assertThat(outcome.refusals())
                .singleElement()
                .satisfies(r -> assertThat(r).startsWith("fr-buyers: ").contains("buyers"));
    }

    @Test
    void removingWhatARemainingDefinitionNeedsIsRefusedUnlessForced() {
        Map<String, String> current = Map.of("fr", FR, "buyers", BUYERS, "fr-buyers", FR_BUYERS);

        SegmentPublisher.Outcome refused =
                SegmentPublisher.planRemoval(current, List.of("buyers", "gone"), false);
        assertThat(refused.refused()).isTrue();
        assertThat(refused.refusals()).singleElement().asString().startsWith("fr-buyers: ");
        assertThat(refused.notPublished()).containsExactly("gone");

        SegmentPublisher.Outcome forced =
                SegmentPublisher.planRemoval(current, List.of("buyers"), true);
        assertThat(forced.refused()).isFalse();
        assertThat(forced.writes()).containsEntry("buyers", null).hasSize(1);

        assertThat(SegmentPublisher.planRemoval(current, List.of("fr-buyers"), false).refused())
                .isFalse();
    }

    private static List<SegmentDefinition> parse(String... texts) throws Exception {
        List<SegmentDefinition> definitions = new ArrayList<>();
        for (String text : texts) {
            definitions.addAll(SegmentDefinitions.parseStandalone("test", text));
        }
        return definitions;
    }
}
