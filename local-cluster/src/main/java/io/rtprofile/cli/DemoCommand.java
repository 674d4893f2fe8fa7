package io.rtprofile.cli;

import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.local.definitions.InvalidDefinitionsException;
import io.rtprofile.local.demo.Demo;
import io.rtprofile.local.models.ModelPublisher;
import io.rtprofile.local.segments.SegmentPublisher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code rtprofile demo}: Kafka, Flink with its Web UI, the job and live synthetic events. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs an in-process Kafka (KRaft), a Flink mini-cluster with its Web UI on"
                    + " http://localhost:8081, the profile job and a synthetic event generator,"
                    + " and prints profile changes as they happen, until Ctrl-C or --duration."
        })
public final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--rate",
            paramLabel = "N",
            defaultValue = "200",
            description = "Events per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--duration",
            paramLabel = "D",
            description = "Stop after this long (e.g. 90s, 5m, 1h). Default: until Ctrl-C.")
    String duration;

    @Option(
            names = "--profiles",
            paramLabel = "N",
            defaultValue = "2000",
            description = "Customers in the synthetic population (default: ${DEFAULT-VALUE}).")
    int profiles;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "42",
            description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--print-rate",
            paramLabel = "N",
            defaultValue = "15",
            description = "At most this many profile lines a second (default: ${DEFAULT-VALUE}).")
    int printRate;

    @Option(
            names = "--kafka-port",
            paramLabel = "P",
            defaultValue = "9092",
            description =
                    "Port of the embedded Kafka; another free one if taken (default:"
                            + " ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--web-port",
            paramLabel = "P",
            defaultValue = "8081",
            description = "Port of the Flink Web UI (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(
            names = "--viewer-port",
            paramLabel = "P",
            defaultValue = "8082",
            description =
                    "Port of the profile viewer; the next free one if taken (default:"
                            + " ${DEFAULT-VALUE}).")
    int viewerPort;

    @Option(names = "--no-viewer", description = "Run no profile viewer.")
    boolean noViewer;

    @Option(
            names = "--segments",
            paramLabel = "PATH",
            description = {
                "Segment definitions (a file or a directory) published to segment-definitions"
                        + " before the job starts. Default: the repository's examples/segments."
            })
    Path segments;

    @Option(
            names = "--models",
            paramLabel = "PATH",
            description = {
                "Model definitions (a file or a directory) published to model-definitions before"
                        + " the job starts; a line is printed per version they publish. Default:"
                        + " the repository's examples/models."
            })
    Path models;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || rate > 1_000_000) {
            throw new RtProfileCli.UsageException("--rate must be between 0 and 1000000");
        }
        if (profiles < 1) {
            throw new RtProfileCli.UsageException("--profiles must be at least 1");
        }
        Duration runFor;
        try {
            runFor = duration == null ? null : GeneratorConfig.parseDuration(duration);
        } catch (IllegalArgumentException e) {
            throw new RtProfileCli.UsageException("--duration: " + e.getMessage());
        }
        Path segmentsPath = segments == null ? defaultSegments() : segments;
        List<SegmentDefinition> definitions = List.of();
        if (segments != null || Files.exists(segmentsPath)) {
            try {
                definitions =
                        DefinitionCommands.loadDefinitions(
                                SegmentPublisher.SEGMENTS, segmentsPath, Set.of());
            } catch (InvalidDefinitionsException e) {
                e.problems().forEach(p -> spec.commandLine().getErr().println(p));
                return 1;
            }
            SegmentPublisher.Outcome check =
                    SegmentPublisher.planPublication(Map.of(), definitions);
            if (check.refused()) {
                spec.commandLine()
                        .getErr()
                        .println("rtprofile: these definitions would not be in force:");
                check.refusals().forEach(r -> spec.commandLine().getErr().println("  " + r));
                return 1;
            }
        }
        Path modelsPath = models == null ? defaultExamples("models") : models;
        List<ModelDefinition> modelDefinitions = List.of();
        if (models != null || Files.exists(modelsPath)) {
            try {
                modelDefinitions =
                        DefinitionCommands.loadDefinitions(
                                ModelPublisher.MODELS, modelsPath, Set.of());
            } catch (InvalidDefinitionsException e) {
                e.problems().forEach(p -> spec.commandLine().getErr().println(p));
                return 1;
            }
        }
        Demo.Settings settings =
                new Demo.Settings(
                        rate,
                        runFor,
                        profiles,
                        seed,
                        printRate,
                        kafkaPort,
                        webPort,
                        noViewer ? -1 : viewerPort,
                        definitions,
                        segmentsPath.toString(),
                        modelDefinitions,
                        modelsPath.toString());
        try (Demo demo = Demo.start(settings, System.out)) {
            demo.awaitEnd();
        }
        return 0;
    }

    /**
     * The repository's examples: the launcher passes the repository as {@code rtprofile.home};
     * without it (say, java -jar), examples/segments under the working directory.
     */
    static Path defaultSegments() {
        return defaultExamples("segments");
    }

    /** {@code examples/<kind>} of the repository (see {@link #defaultSegments()}). */
    static Path defaultExamples(String kind) {
        String home = System.getProperty("rtprofile.home");
        Path relative = Path.of("examples", kind);
        return home == null ? relative : Path.of(home).resolve(relative);
    }
}
