package io.rtprofile.state.migrate;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationPlanTest {

    @Test
    void readsEveryPartOfAYamlPlan() throws Exception {
        MigrationPlan plan =
                MigrationPlan.parse(
                        "plan.yaml",
                        """
                        attributes:
                          rename: {loyaltyTier: tier, tierLegacy: tier}
                          drop: [legacyScore]
                        segments:
                          drop: [summer-sale]
                        models:
                          drop: [old-propensity]
                        maxParallelism: 256
                        """);
        assertThat(plan.renamedAttributes())
                .isEqualTo(Map.of("loyaltyTier", "tier", "tierLegacy", "tier"));
        assertThat(plan.droppedAttributes()).containsExactly("legacyScore");
        assertThat(plan.droppedSegments()).containsExactly("summer-sale");
        assertThat(plan.droppedModels()).containsExactly("old-propensity");
        assertThat(plan.maxParallelism()).isEqualTo(256);
    }

    @Test
    void readsJsonAndPartialPlans() throws Exception {
        MigrationPlan plan =
                MigrationPlan.parse("plan.json", "{\"segments\": {\"drop\": [\"a\", \"b\"]}}");
        assertThat(plan.droppedSegments()).containsExactly("a", "b");
        assertThat(plan.changesAttributes()).isFalse();
        assertThat(plan.maxParallelism()).isNull();
    }

    @Test
    void everyProblemHasItsFileAndLine() {
        assertThat(
                        problems(
                                """
                                attributes:
                                  rename: {a: b}
                                  delete: [c]
                                segment:
                                  drop: [x]
                                models:
                                  drop: [Bad_Id]
                                maxParallelism: 40000
                                """))
                .containsExactly(
                        "p.yaml:4: unknown key 'segment' (expected attributes, maxParallelism,"
                                + " models, segments)",
                        "p.yaml:3: unknown key 'delete' (expected drop, rename)",
                        "p.yaml:7: bad id 'Bad_Id' in models.drop: ids match [a-z0-9][a-z0-9-]*",
                        "p.yaml:8: maxParallelism must be a whole number from 1 to 32768, not"
                                + " '40000'");
    }

    @Test
    void contradictoryRenamesAndDropsAreRefused() {
        assertThat(
                        problems(
                                """
                                attributes:
                                  rename:
                                    a: b
                                    b: c
                                    d: e
                                    f: f
                                  drop: [e, d]
                                """))
                .containsExactly(
                        "p.yaml:6: attribute 'f' is renamed to itself",
                        "p.yaml:3: attribute 'a' is renamed to 'b', which is renamed itself:"
                                + " renames are not chained",
                        "p.yaml:5: attribute 'd' is renamed to 'e', which is dropped",
                        "p.yaml:7: attribute 'd' is both renamed and dropped");
    }

    @Test
    void badShapesAreRefused() {
        assertThat(problems("- a\n- b\n"))
                .containsExactly(
                        "p.yaml:1: a plan is a mapping of attributes, segments, models and"
                                + " maxParallelism");
        assertThat(problems("attributes: [a]\n"))
                .containsExactly("p.yaml:1: attributes must be a mapping with drop and rename");
        assertThat(problems("attributes:\n  rename: [a]\n"))
                .containsExactly(
                        "p.yaml:2: attributes.rename must be a mapping of old name: new name");
        assertThat(problems("segments:\n  drop: []\n"))
                .containsExactly("p.yaml:2: segments.drop is empty");
        assertThat(problems("segments:\n  drop: [a, a]\n"))
                .containsExactly("p.yaml:2: 'a' is listed twice in segments.drop");
        assertThat(problems("maxParallelism: lots\n"))
                .containsExactly(
                        "p.yaml:1: maxParallelism must be a whole number from 1 to 32768, not"
                                + " 'lots'");
        assertThat(problems("segments: {}\n"))
                .containsExactly("p.yaml:1: the plan changes nothing");
        assertThat(problems("segments:\n  drop: [a]\nsegments:\n  drop: [b]\n"))
                .containsExactly("p.yaml:3: duplicate key 'segments'");
        assertThat(problems("attributes:\n  rename: {a: [b]}\n"))
                .containsExactly("p.yaml:2: the new name of a must be a single value");
        assertThat(problems("attributes: {drop: [\" a\"]}\n"))
                .containsExactly("p.yaml:1: bad attribute name ' a': empty or padded with spaces");
        assertThat(problems("attributes: {drop: [a]\n"))
                .containsExactly(
                        "p.yaml:1: syntax: while parsing a flow mapping; expected ',' or '}', but"
                                + " got <stream end>");
    }

    private static List<String> problems(String yaml) {
        try {
            MigrationPlan.parse("p.yaml", yaml);
        } catch (MigrationPlanException e) {
            return e.problems().stream().map(Object::toString).toList();
        }
        throw new AssertionError("no problem in " + yaml);
    }

    @Test
    void aMissingFileIsAProblemToo() {
        assertThatThrownBy(() -> MigrationPlan.read(java.nio.file.Path.of("/no/such/plan.yaml")))
                .isInstanceOf(MigrationPlanException.class)
                .hasMessageStartingWith("/no/such/plan.yaml: cannot read");
    }
}
