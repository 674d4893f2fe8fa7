package io.rtprofile.cli;

import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.models.definition.ModelDefinitionException;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.models.quality.BatchLogisticRegression;
import io.rtprofile.local.bench.ModelQualityBenchmark;
import io.rtprofile.local.bench.ModelQualityBenchmark.Section;
import io.rtprofile.local.bench.PipelineLearningCurve;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code rtprofile bench models}: the online models' quality beside offline fits. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = {
            "Measures the online models' quality on generated data with a known answer: the"
                    + " FTRL propensity model's learning curve (test AUC and log loss after n"
                    + " examples) beside an offline logistic regression fitted on the same"
                    + " examples and the generating model; and online k-means' recovery of"
                    + " planted clusters (adjusted Rand index) beside batch k-means. Medians over"
                    + " seeds; CSV and SVG files in the output directory.",
            "With --source pipeline: the FTRL learning curve over the labelled examples the"
                    + " profile pipeline itself takes (generated events, a bounded run on a"
                    + " mini-cluster with the model), trained on the earlier 80% and tested on the"
                    + " later 20%, beside the scores the profiles carried."
        })
public final class BenchModelsCommand implements Callable<Integer> {

    /** The pipeline source's model, in the repository (see {@link #defaultModel()}). */
    static final Path DEFAULT_MODEL = Path.of("examples", "models", "purchase-propensity.yaml");

    @Spec CommandSpec spec;

    @Option(
            names = "--source",
            defaultValue = "synthetic",
            description =
                    "Examples of the FTRL section: synthetic (drawn from the generating model) or"
                            + " pipeline (taken by the profile pipeline over generated events;"
                            + " FTRL only) (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(
            names = "--profiles",
            defaultValue = "40000",
            description = "--source pipeline: customers generated (default: ${DEFAULT-VALUE}).")
    int profiles;

    @Option(
            names = "--events",
            defaultValue = "1200000",
            description =
                    "--source pipeline: events generated per seed; about 11 examples per 100"
                            + " events (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--model",
            paramLabel = "F.yaml",
            description =
                    "--source pipeline: the model definition (default: the repository's"
                            + " examples/models/purchase-propensity.yaml). Its FTRL parameters are"
                            + " the online model's, unless --alpha, --beta, --l1 or --l2 are"
                            + " given.")
    Path model;

    @Option(
            names = "--test-share",
            defaultValue = "0.2",
            description =
                    "--source pipeline: the share of examples, the latest in time, held out as"
                            + " the test set (default: ${DEFAULT-VALUE}).")
    double testShare;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description =
                    "--source pipeline: the pipeline's parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--only", description = "Only one section: ftrl or kmeans (default: both).")
    String only;

    @Option(
            names = "--output-dir",
            defaultValue = "bench-models",
            description = "Where the CSV and SVG files go (default: ${DEFAULT-VALUE}).")
    Path outputDir;

    @Option(
            names = "--seeds",
            split = ",",
            description =
                    "Seeds, comma-separated; one run each (default: 1,2,3,4,5; with --source"
                            + " pipeline 1,2,3).")
    List<Long> seeds;

    @Option(
            names = "--examples",
            split = ",",
            defaultValue = "1000,2000,5000,10000,20000,50000,100000,200000",
            description =
                    "Checkpoints (training examples seen), comma-separated; the largest is the"
                            + " training set (default: ${DEFAULT-VALUE}).")
    List<Integer> examples;

    @Option(
            names = "--test-examples",
            defaultValue = "20000",
            description = "Held-out test examples (default: ${DEFAULT-VALUE}).")
    int testExamples;

    @Option(
            names = "--alpha",
            defaultValue = "0.5",
            description = "FTRL learning rate alpha (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(
            names = "--beta",
            defaultValue = "1.0",
            description = "FTRL beta (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(
            names = "--l1",
            defaultValue = "0.001",
            description = "FTRL L1 (default: ${DEFAULT-VALUE}).")
    double l1;

    @Option(
            names = "--l2",
            defaultValue = "0.001",
            description = "FTRL L2 (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(
            names = "--batch-l2",
            defaultValue = "0.001",
            description =
                    "Offline logistic regression L2, on the summed loss (default:"
                            + " ${DEFAULT-VALUE}).")
    double batchL2;

    @Option(
            names = "--points",
            split = ",",
            defaultValue = "1000,2000,5000,10000,20000,50000,100000",
            description =
                    "k-means checkpoints (points seen), comma-separated; the largest is the stream"
                            + " (default: ${DEFAULT-VALUE}).")
    List<Integer> points;

    @Option(
            names = "--test-points",
            defaultValue = "10000",
            description =
                    "Held-out points labelled at each k-means checkpoint (default:"
                            + " ${DEFAULT-VALUE}).")
    int testPoints;

    @Option(
            names = "--decay",
            defaultValue = "1.0",
            description = "Online k-means forgetting factor per point (default: ${DEFAULT-VALUE}).")
    double decay;

    @Override
    public Integer call() throws Exception {
        if (source.equalsIgnoreCase("pipeline")) {
            return callPipeline();
        }
        if (!source.equalsIgnoreCase("synthetic")) {
            throw new RtProfileCli.UsageException("--source: synthetic or pipeline, not " + source);
        }
        if (seeds == null) {
            seeds = List.of(1L, 2L, 3L, 4L, 5L);
        }
        Set<Section> sections;
        if (only == null) {
            sections = EnumSet.allOf(Section.class);
        } else if (only.equalsIgnoreCase("ftrl")) {
            sections = EnumSet.of(Section.FTRL);
        } else if (only.equalsIgnoreCase("kmeans")) {
            sections = EnumSet.of(Section.KMEANS);
        } else {
            throw new RtProfileCli.UsageException("--only: ftrl or kmeans, not " + only);
        }
        if (seeds.isEmpty()
                || examples.stream().anyMatch(n -> n < 1)
                || points.stream().anyMatch(n -> n < 100)
                || testExamples < 100
                || testPoints < 100) {
            throw new RtProfileCli.UsageException(
                    "checkpoints must be positive (k-means ones at least 100), test sets at"
                            + " least 100");
        }
        if (!(decay > 0 && decay <= 1)) {
            throw new RtProfileCli.UsageException("--decay: in (0, 1], not " + decay);
        }
        FtrlProximal.Parameters ftrl;
        try {
            ftrl = new FtrlProximal.Parameters(alpha, beta, l1, l2);
        } catch (IllegalArgumentException e) {
            throw new RtProfileCli.UsageException(e.getMessage());
        }
        if (batchL2 < 0) {
            throw new RtProfileCli.UsageException("--batch-l2: at least 0, not " + batchL2);
        }
        new ModelQualityBenchmark(
                        new ModelQualityBenchmark.Settings(
                                sections,
                                seeds,
                                examples,
                                testExamples,
                                ftrl,
                                new BatchLogisticRegression.Parameters(batchL2, 1e-8, 100),
                                points,
                                testPoints,
                                decay,
                                outputDir),
                        System.out)
                .run();
        return 0;
    }

    private Integer callPipeline() throws Exception {
        if (only != null && !only.equalsIgnoreCase("ftrl")) {
            throw new RtProfileCli.UsageException("--source pipeline measures ftrl only");
        }
        if (seeds == null) {
            seeds = List.of(1L, 2L, 3L);
        }
        if (seeds.isEmpty() || examples.stream().anyMatch(n -> n < 1)) {
            throw new RtProfileCli.UsageException("checkpoints must be positive");
        }
        if (profiles < 1 || events < 1 || parallelism < 1) {
            throw new RtProfileCli.UsageException(
                    "--profiles, --events and --parallelism must be positive");
        }
        if (!(testShare > 0 && testShare < 1)) {
            throw new RtProfileCli.UsageException("--test-share: in (0, 1), not " + testShare);
        }
        if (batchL2 < 0) {
            throw new RtProfileCli.UsageException("--batch-l2: at least 0, not " + batchL2);
        }
        Path modelFile = model == null ? defaultModel() : model;
        ModelDefinition definition = loadModel(modelFile);
        FtrlProximal.Parameters defined = definition.parameters();
        FtrlProximal.Parameters ftrl;
        try {
            ftrl =
                    new FtrlProximal.Parameters(
                            given("--alpha") ? alpha : defined.alpha(),
                            given("--beta") ? beta : defined.beta(),
                            given("--l1") ? l1 : defined.l1(),
                            given("--l2") ? l2 : defined.l2());
        } catch (IllegalArgumentException e) {
            throw new RtProfileCli.UsageException(e.getMessage());
        }
        new PipelineLearningCurve(
                        new PipelineLearningCurve.Settings(
                                seeds,
                                profiles,
                                events,
                                definition,
                                ftrl,
                                new BatchLogisticRegression.Parameters(batchL2, 1e-8, 100),
                                testShare,
                                examples,
                                parallelism,
                                outputDir),
                        System.out)
                .run();
        return 0;
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private static ModelDefinition loadModel(Path file) {
        List<ModelDefinition> definitions;
        try {
            definitions = ModelDefinitions.load(file);
        } catch (ModelDefinitionException e) {
            throw new RtProfileCli.UsageException(e.getMessage());
        } catch (IOException e) {
            throw new RtProfileCli.UsageException(
                    "model definition not found or unreadable: " + file);
        }
        if (definitions.size() != 1) {
            throw new RtProfileCli.UsageException(
                    "--model: one definition expected, " + file + " has " + definitions.size());
        }
        return definitions.get(0);
    }

    /**
     * The repository's example model: the launcher passes the repository as {@code rtprofile.home};
     * without it (say, java -jar), under the working directory.
     */
    static Path defaultModel() {
        String home = System.getProperty("rtprofile.home");
        return home == null ? DEFAULT_MODEL : Path.of(home).resolve(DEFAULT_MODEL);
    }
}
