package io.rtprofile.cli;

import io.rtprofile.jobs.models.ftrl.FtrlProximal;
import io.rtprofile.jobs.models.quality.BatchLogisticRegression;
import io.rtprofile.local.bench.ModelQualityBenchmark;
import io.rtprofile.local.bench.ModelQualityBenchmark.Section;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
                    + " seeds; CSV and SVG files in the output directory."
        })
public final class BenchModelsCommand implements Callable<Integer> {

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
            defaultValue = "1,2,3,4,5",
            description = "Seeds, comma-separated; one run each (default: ${DEFAULT-VALUE}).")
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
}
