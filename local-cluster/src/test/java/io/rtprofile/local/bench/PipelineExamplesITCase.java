package io.rtprofile.local.bench;

import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.generator.PurchaseModel;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline source of the model benchmark at a tiny size: what the examples look like. */
class PipelineExamplesITCase {
    private static final Set<String> COUNTS =
            Set.of(
                    SyntheticExamples.LOYALTY_TIER,
                    SyntheticExamples.CART_ADDS_1H,
                    SyntheticExamples.SEARCHES_7D);

    private static final Path MODEL = Path.of("examples", "models", "purchase-propensity.yaml");

    @TempDir Path dir;

    @Test
    void thePipelineTakesExamplesWithTheModelsFeaturesAndBothLabels() throws Exception {
        // The example model, publishing after every 100 examples: a tiny run has a few hundred.
        String yaml = Files.readString(examplesModel());
        assertThat(yaml).contains("publishEvery: 1000, minExamples: 200");
        ModelDefinition model =
                ModelDefinitions.parseOne(
                        "purchase-propensity.yaml",
                        yaml.replace(
                                "publishEvery: 1000, minExamples: 200",
                                "publishEvery: 100, minExamples: 100"));

        PipelineExamples.Collected collected =
                PipelineExamples.collect(GeneratorConfig.of(200, 6_000, 3), model, 2, dir);

        List<PipelineExamples.Example> examples = collected.examples();
        assertThat(collected.events()).isEqualTo(6_000);
        assertThat(examples).hasSizeGreaterThan(100);
        assertThat(examples)
                .isSortedAccordingTo(Comparator.comparingLong(e -> e.example().takenAt()));
        assertThat(examples).anyMatch(e -> e.example().label());
        assertThat(examples).anyMatch(e -> !e.example().label());
        Set<String> names =
                examples.stream()
                        .flatMap(e -> e.example().features().keySet().stream())
                        .map(name -> name.replaceFirst("#\\d+$", "#"))
                        .collect(Collectors.toSet());
        assertThat(names)
                .containsAll(COUNTS)
                .contains("spend_90d", "country#")
                .containsOnly(
                        "loyalty_tier", "cart_adds_1h", "searches_7d", "spend_90d", "country#");
        // The generating model's features are its raw capped counts (scale: none, cap: 5).
        for (PipelineExamples.Example e : examples) {
            for (Map.Entry<String, Double> x : e.example().features().entrySet()) {
                if (COUNTS.contains(x.getKey())) {
                    assertThat(x.getValue()).isBetween(1.0, (double) PurchaseModel.CAP);
                    assertThat(x.getValue() % 1).isZero();
                }
            }
            assertThat(e.labelledAt()).isGreaterThan(e.example().takenAt());
        }
        // Later examples were taken under published versions, whose scores can be recomputed.
        assertThat(collected.versions()).isNotEmpty();
        assertThat(examples).anyMatch(e -> collected.carriedScore(e).isPresent());
    }

    private static Path examplesModel() {
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.isRegularFile(here.resolve(MODEL))) {
            here = here.getParent();
        }
        assertThat(here).as("examples/models above the working directory").isNotNull();
        return here.resolve(MODEL);
    }
}
