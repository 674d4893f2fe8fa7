package io.rtprofile.jobs.models.definition;

import io.rtprofile.jobs.segments.definition.Aggregate;
import io.rtprofile.jobs.segments.definition.Condition;
import io.rtprofile.jobs.segments.definition.DefinitionProblem;
import io.rtprofile.jobs.segments.definition.Measure;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelDefinitionsTest {

    private static final String MINIMAL =
            """
            id: buys
            name: Buys
            algorithm: ftrl-logistic
            features:
              - name: searches
                events: {where: event.type == "web.search", within: 7d}
            label: {event: event.type == "commerce.purchase", within: 1h}
            """;

    @Test
    void theExampleModelParses() throws Exception {
        List<ModelDefinition> models = ModelDefinitions.load(Path.of("../examples/models"));
        ModelDefinition m =
                models.stream()
                        .filter(d -> d.id().equals("purchase-propensity"))
                        .findFirst()
                        .orElseThrow();
        assertThat(m.algorithm()).isEqualTo(ModelDefinition.Algorithm.FTRL_LOGISTIC);
        assertThat(m.features())
                .extracting(ModelDefinition.Feature::name)
                .containsExactly(
                        "loyalty_tier", "cart_adds_1h", "searches_7d", "spend_90d", "country");
        ModelDefinition.Feature carts = m.features().get(1);
        assertThat(carts.scale()).isEqualTo(ModelDefinition.Scale.NONE);
        assertThat(carts.cap().getAsDouble()).isEqualTo(5);
        Measure.EventAggregate spend = (Measure.EventAggregate) m.features().get(3).measure();
        assertThat(spend.aggregate().function()).isEqualTo(Aggregate.Function.SUM);
        assertThat(m.features().get(3).scale()).isEqualTo(ModelDefinition.Scale.LOG);
        assertThat(m.label().orElseThrow().within().millis())
                .isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(m.examplesWhen()).isPresent();
        assertThat(m.parameters().alpha()).isEqualTo(0.5);
        assertThat(m.training().factors()).isEqualTo(3);
    }

    @Test
    void defaultsApplyWhereTheDefinitionIsSilent() throws Exception {
        ModelDefinition m = ModelDefinitions.parseOne("m.yaml", MINIMAL);
        assertThat(m.parameters()).isEqualTo(ModelDefinitions.DEFAULT_PARAMETERS);
        assertThat(m.training()).isEqualTo(ModelDefinition.Training.DEFAULT);
        assertThat(m.examplesWhen()).isEmpty();
        ModelDefinition.Feature f = m.features().get(0);
        assertThat(f.scale()).isEqualTo(ModelDefinition.Scale.LOG);
        assertThat(f.cap()).isEmpty();
        assertThat(((Measure.EventAggregate) f.measure()).aggregate()).isEqualTo(Aggregate.COUNT);
    }

    @Test
    void theSourceReadsBackAsTheSameDefinition() throws Exception {
        ModelDefinition m = ModelDefinitions.parseOne("m.yaml", MINIMAL);
        ModelDefinition again = ModelDefinitions.parseOne("again", m.source());
        assertThat(again.source()).isEqualTo(m.source());
        assertThat(again.features().get(0).measure()).isEqualTo(m.features().get(0).measure());
        assertThat(again.label()).isEqualTo(m.label());
    }

    @Test
    void everyFeatureKindParses() throws Exception {
        ModelDefinition m =
                ModelDefinitions.parseOne(
                        "m.yaml",
                        """
                        id: kinds
                        name: kinds
                        algorithm: ftrl-logistic
                        features:
                          - name: avg_value
                            events: {within: 30d, avg: event.properties.value}
                          - name: skus
                            events: {within: lifetime, distinct: event.properties.sku}
                            cap: 20
                          - name: checked_out
                            condition:
                              sequence:
                                steps: [event.type == "a", event.type == "b"]
                                within: 1h
                          - name: vip
                            segment: high-value
                          - name: tier
                            profile: profile.attributes.loyaltyTier
                            buckets: 8
                        label: {event: event.type == "commerce.purchase", within: 7d}
                        """);
        assertThat(((Measure.EventAggregate) m.features().get(1).measure()).cap()).isEqualTo(20);
        assertThat(((Measure.Holds) m.features().get(2).measure()).condition())
                .isInstanceOf(Condition.Sequence.class);
        assertThat(((Measure.Holds) m.features().get(3).measure()).condition())
                .isEqualTo(new Condition.SegmentRef("high-value"));
        assertThat(m.features().get(4).buckets()).isEqualTo(8);
        assertThat(m.features().get(4).measure()).isInstanceOf(Measure.ProfileValue.class);
    }

    @Test
    void everyProblemIsReportedWithItsLine() {
        assertThatThrownBy(
                        () ->
                                ModelDefinitions.parse(
                                        "bad.yaml",
                                        """
                                        id: Bad_Id
                                        name: bad
                                        algorithm: ftrl-logistic
                                        features:
                                          - name: x
                                            events: {within: 1d, count: true}
                                          - name: x
                                            events: {within: 1d, count: ">= 2"}
                                          - name: m
                                            events: {within: 1d, max: event.properties.value}
                                          - name: two
                                            profile: profile.a
                                            segment: s
                                          - name: y
                                            profile: "profile.attributes.("
                                            scale: square
                                        label: {event: event.type == "p", within: lifetime}
                                        parameters: {alpha: 0}
                                        colour: blue
                                        """))
                .isInstanceOf(ModelDefinitionException.class)
                .satisfies(
                        e -> {
                            List<String> problems =
                                    ((ModelDefinitionException) e)
                                            .problems().stream()
                                                    .map(DefinitionProblem::toString)
                                                    .toList();
                            assertThat(problems)
                                    .anyMatch(p -> p.startsWith("bad.yaml:1: bad id 'Bad_Id'"))
                                    .anyMatch(
                                            p ->
                                                    p.startsWith("bad.yaml:8:")
                                                            && p.contains("takes no comparison"))
                                    .anyMatch(p -> p.startsWith("bad.yaml:7: duplicate feature"))
                                    .anyMatch(
                                            p ->
                                                    p.startsWith("bad.yaml:10:")
                                                            && p.contains("min and max"))
                                    .anyMatch(
                                            p ->
                                                    p.startsWith("bad.yaml:12:")
                                                            && p.contains("exactly one of"))
                                    .anyMatch(p -> p.startsWith("bad.yaml:15: bad CEL in profile"))
                                    .anyMatch(
                                            p -> p.startsWith("bad.yaml:16: scale is none or log"))
                                    .anyMatch(
                                            p ->
                                                    p.startsWith("bad.yaml:17:")
                                                            && p.contains("must be finite"))
                                    .anyMatch(
                                            p ->
                                                    p.startsWith("bad.yaml:18:")
                                                            && p.contains("alpha > 0")
                                                            && p.contains("got alpha 0.0"))
                                    .anyMatch(
                                            p -> p.startsWith("bad.yaml:19: unknown key 'colour'"));
                        });
    }

    @Test
    void anUnknownAlgorithmAndMisplacedSectionsAreRefused() {
        assertThatThrownBy(
                        () ->
                                ModelDefinitions.parse(
                                        "m.yaml",
                                        MINIMAL.replace("ftrl-logistic", "random-forest")))
                .hasMessageContaining(
                        "m.yaml:3: unknown algorithm 'random-forest' (expected ftrl-logistic or"
                                + " online-kmeans)");
        assertThatThrownBy(
                        () ->
                                ModelDefinitions.parse(
                                        "k.yaml",
                                        MINIMAL.replace("ftrl-logistic", "online-kmeans")))
                .hasMessageContaining(
                        "k.yaml:1: missing field 'clusters' in an online-kmeans model")
                .hasMessageContaining("k.yaml:7: label does not apply to online-kmeans");
    }

    @Test
    void aClusterModelParses() throws Exception {
        ModelDefinition m =
                ModelDefinitions.parseOne(
                        "k.yaml",
                        """
                        id: audiences
                        name: Audiences
                        algorithm: online-kmeans
                        clusters: 4
                        features:
                          - name: searches
                            events: {where: event.type == "web.search", within: 7d}
                        examples: {every: 12h}
                        parameters: {decay: 0.999}
                        """);
        assertThat(m.label()).isEmpty();
        ModelDefinition.Clustering c = m.clustering().orElseThrow();
        assertThat(c.k()).isEqualTo(4);
        assertThat(c.decay()).isEqualTo(0.999);
        assertThat(c.seedPoints()).isEqualTo(80);
        assertThat(c.every()).isEqualTo(Duration.ofHours(12));
        assertThat(m.exampleHorizon()).isEqualTo(Duration.ofHours(12).toMillis());
    }

    @Test
    void aDuplicateIdAcrossDefinitionsIsRefused() {
        assertThatThrownBy(
                        () ->
                                ModelDefinitions.parse(
                                        "two.yaml",
                                        "- " + indent(MINIMAL) + "- " + indent(MINIMAL)))
                .isInstanceOf(ModelDefinitionException.class)
                .hasMessageContaining("duplicate id 'buys'");
    }

    private static String indent(String yaml) {
        return yaml.strip().replace("\n", "\n  ") + "\n";
    }
}
