package io.rtprofile.local.bench;

import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.profile.BoundedProfileRun;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.schema.Model;
import io.rtprofile.schema.TrainingExample;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The labelled examples the pipeline itself takes: events from the {@link EventGenerator} (whose
 * purchases follow {@link io.rtprofile.generator.PurchaseModel}), written to a temporary file and
 * run through the bounded profile pipeline ({@link BoundedProfileRun}, what {@code rtprofile run}
 * does) with one propensity model learning as it goes. What comes out is what {@code rtprofile run
 * --models} writes to {@code <output>.examples.jsonl} and {@code <output>.models.jsonl}, in memory.
 *
 * <p>Each example keeps the version of the model the profile was scored with when the example was
 * taken: that version's weights applied to the example's inputs are the score the profile computed
 * at that instant (the same inputs, measured after the same event), so the published versions say
 * what the live scores were worth, publishing lag included.
 */
public final class PipelineExamples {
    private PipelineExamples() {}

    /** One example as the pipeline emitted it. */
    public record Example(
            LabelledExample example, String profileId, long labelledAt, long modelVersion) {}

    /**
     * What one run produced: the examples in {@code takenAt} order (ties by profile, so the order
     * does not depend on the run's threads), the weights of every published version by version
     * number, and how long generating and running took.
     */
    public record Collected(
            List<Example> examples,
            Map<Long, Map<String, Double>> versions,
            long events,
            double generateSeconds,
            double runSeconds) {

        public List<LabelledExample> labelled() {
            return examples.stream().map(Example::example).toList();
        }

        /**
         * The score a profile carried when it took {@code e}: the logistic function of its
         * version's weights over its inputs; empty when no version was published yet (version 0),
         * or the version is unknown.
         */
        public OptionalDouble carriedScore(Example e) {
            Map<String, Double> weights = versions.get(e.modelVersion());
            if (e.modelVersion() == 0 || weights == null) {
                return OptionalDouble.empty();
            }
            // The intercept is not among the example's features (see of): its weight is added.
            double logOdds = weights.getOrDefault(ModelQualityBenchmark.BIAS, 0.0);
            for (Map.Entry<String, Double> x : e.example().features().entrySet()) {
                logOdds += weights.getOrDefault(x.getKey(), 0.0) * x.getValue();
            }
            return OptionalDouble.of(FtrlProximal.sigmoid(logOdds));
        }
    }

    /**
     * Generates the events of {@code config} into a file under {@code workDir} (deleted after the
     * run), runs the pipeline over them with {@code model} alone, at {@code parallelism}, and
     * collects its examples and published versions.
     */
    public static Collected collect(
            GeneratorConfig config, ModelDefinition model, int parallelism, Path workDir)
            throws Exception {
        Path eventsFile = Files.createTempFile(workDir, "pipeline-events-", ".jsonl");
        try {
            long start = System.nanoTime();
            long events = EventGenerator.writeJsonLines(config, eventsFile);
            double generateSeconds = (System.nanoTime() - start) / 1e9;

            Configuration user = new Configuration();
            ProfileJobSettings settings =
                    ProfileJobSettings.from(JobConfiguration.withJobDefaults(user));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            BoundedProfileRun.runConfiguration(user));
            env.setParallelism(parallelism);
            // Each consumer is called from a thread of its own: synchronized lists.
            List<Example> examples = Collections.synchronizedList(new ArrayList<>());
            Map<Long, Map<String, Double>> versions = Collections.synchronizedMap(new HashMap<>());
            start = System.nanoTime();
            BoundedProfileRun.run(
                    env,
                    eventsFile,
                    settings,
                    SegmentCatalog.empty(),
                    ModelCatalog.of(List.of(model)),
                    AsOfWatermarkCap.LARGEST_EVENT_TIME,
                    new BoundedProfileRun.Consumers(
                            update -> {},
                            rejected -> {},
                            refused -> {},
                            example -> examples.add(of(example)),
                            published -> record(published, versions)));
            double runSeconds = (System.nanoTime() - start) / 1e9;
            List<Example> ordered = new ArrayList<>(examples);
            ordered.sort(
                    Comparator.comparingLong((Example e) -> e.example().takenAt())
                            .thenComparing(Example::profileId));
            return new Collected(
                    List.copyOf(ordered),
                    Map.copyOf(versions),
                    events,
                    generateSeconds,
                    runSeconds);
        } finally {
            Files.deleteIfExists(eventsFile);
        }
    }

    private static Example of(TrainingExample example) {
        Map<String, Double> features = new HashMap<>(example.getFeatures());
        // The benchmark adds the intercept itself (ModelQualityBenchmark.withBias).
        features.remove(ModelQualityBenchmark.BIAS);
        return new Example(
                new LabelledExample(features, example.getLabel(), example.getTakenAt()),
                example.getProfileId(),
                example.getLabelledAt(),
                example.getModelVersion());
    }

    private static void record(Model published, Map<Long, Map<String, Double>> versions) {
        if (published.getDefinition() != null) {
            versions.put(published.getVersion(), Map.copyOf(published.getWeights()));
        }
    }
}
