package io.rtprofile.cli;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.models.ModelCatalog;
import io.rtprofile.jobs.models.definition.ModelDefinitionException;
import io.rtprofile.jobs.models.definition.ModelDefinitions;
import io.rtprofile.jobs.profile.BoundedProfileRun;
import io.rtprofile.jobs.profile.ProfileMerger;
import io.rtprofile.jobs.segments.definition.SegmentDefinitionException;
import io.rtprofile.jobs.segments.definition.SegmentDefinitions;
import io.rtprofile.jobs.segments.evaluation.SegmentCatalog;
import io.rtprofile.jobs.time.AsOfWatermarkCap;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.LinkRefusalJson;
import io.rtprofile.schema.json.ModelJson;
import io.rtprofile.schema.json.ProfileOutputJson;
import io.rtprofile.schema.json.ProfileUpdateJson;
import io.rtprofile.schema.json.RejectedEventJson;
import io.rtprofile.schema.json.Timestamps;
import io.rtprofile.schema.json.TrainingExampleJson;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code rtprofile run}: the profile pipeline over a bounded file, on a local mini-cluster. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the profile pipeline over a JSON-lines file of events on a local mini-cluster"
                    + " and exits 0 when done.",
            "Every profile update goes to --output, one JSON object a line, and so does a"
                    + " tombstone ({\"profileId\":...,\"tombstone\":true,...}) for a profile"
                    + " merged into another or erased; input lines that are not valid events go to"
                    + " <output>.rejected.jsonl with file, line and reason; identity links refused"
                    + " by merge protection go to <output>.conflicts.jsonl; with --models, the"
                    + " labelled training examples go to <output>.examples.jsonl and the model"
                    + " versions published to <output>.models.jsonl."
        })
public final class RunCommand implements Callable<Integer> {

    @Option(
            names = "--events",
            required = true,
            paramLabel = "F.jsonl",
            description = "Input events, one JSON object a line.")
    Path events;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "F.jsonl",
            description = "Where every profile update is written, one a line.")
    Path output;

    @Option(
            names = "--snapshot",
            paramLabel = "F.jsonl",
            description = "Also write the final profile of every profile, one a line.")
    Path snapshot;

    @Option(
            names = "--segments",
            paramLabel = "PATH",
            description =
                    "Segment definitions (a .yaml, .yml or .json file, or a directory of them) to"
                            + " evaluate; see docs/segments.md.")
    Path segments;

    @Option(
            names = "--models",
            paramLabel = "PATH",
            description =
                    "Model definitions (a .yaml, .yml or .json file, or a directory of them) to"
                            + " learn and score with as the run goes; see docs/models.md.")
    Path models;

    @Option(
            names = "--config",
            paramLabel = "F",
            description = "Configuration file (YAML; rtprofile and Flink settings).")
    Path config;

    @Option(
            names = "--as-of",
            paramLabel = "TIME",
            description =
                    "Event time at which the run stops (ISO-8601 or epoch ms): timers up to it"
                            + " fire, later ones do not. Default: the largest event timestamp in"
                            + " the input.")
    String asOf;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Parallelism of the pipeline (default: ${DEFAULT-VALUE}).",
            defaultValue = "2")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(events) || !Files.isReadable(events)) {
            throw new RtProfileCli.UsageException("events file not found or unreadable: " + events);
        }
        if (parallelism < 1) {
            throw new RtProfileCli.UsageException("--parallelism must be at least 1");
        }
        long asOfMillis = parseAsOf();
        Configuration user;
        ProfileJobSettings settings;
        try {
            user = config == null ? new Configuration() : JobConfiguration.load(config);
            settings = ProfileJobSettings.from(JobConfiguration.withJobDefaults(user));
        } catch (IllegalConfigurationException e) {
            throw new RtProfileCli.UsageException(e.getMessage());
        }
        SegmentCatalog catalog = SegmentCatalog.empty();
        if (segments != null) {
            try {
                catalog = SegmentCatalog.of(SegmentDefinitions.load(segments));
            } catch (SegmentDefinitionException e) {
                throw new RtProfileCli.UsageException(e.getMessage());
            } catch (IOException e) {
                throw new RtProfileCli.UsageException(
                        "segment definitions not found or unreadable: " + segments);
            }
        }
        ModelCatalog modelCatalog = ModelCatalog.empty();
        if (models != null) {
            try {
                modelCatalog = ModelCatalog.of(ModelDefinitions.load(models));
            } catch (ModelDefinitionException e) {
                throw new RtProfileCli.UsageException(e.getMessage());
            } catch (IOException e) {
                throw new RtProfileCli.UsageException(
                        "model definitions not found or unreadable: " + models);
            }
        }
        Path rejectedFile = Path.of(output + ".rejected.jsonl");
        Path examplesFile = Path.of(output + ".examples.jsonl");
        Path modelsFile = Path.of(output + ".models.jsonl");
        Path conflictsFile = Path.of(output + ".conflicts.jsonl");
        createParent(output);
        createParent(rejectedFile);
        if (snapshot != null) {
            createParent(snapshot);
        }

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        BoundedProfileRun.runConfiguration(user));
        env.setParallelism(parallelism);

        // The profiles that exist at the end: a tombstone (merge, erasure) removes one.
        Map<String, ProfileUpdate> live = snapshot == null ? null : new HashMap<>();
        BoundedProfileRun.Result result;
        try (BufferedWriter updatesOut = Files.newBufferedWriter(output, StandardCharsets.UTF_8);
                BufferedWriter rejectedOut =
                        Files.newBufferedWriter(rejectedFile, StandardCharsets.UTF_8);
                BufferedWriter conflictsOut =
                        Files.newBufferedWriter(conflictsFile, StandardCharsets.UTF_8);
                BufferedWriter examplesOut =
                        models == null
                                ? null
                                : Files.newBufferedWriter(examplesFile, StandardCharsets.UTF_8);
                BufferedWriter modelsOut =
                        models == null
                                ? null
                                : Files.newBufferedWriter(modelsFile, StandardCharsets.UTF_8)) {
            result =
                    BoundedProfileRun.run(
                            env,
                            events,
                            settings,
                            catalog,
                            modelCatalog,
                            asOfMillis,
                            new BoundedProfileRun.Consumers(
                                    out -> {
                                        writeLine(updatesOut, ProfileOutputJson.toJson(out));
                                        if (live != null) {
                                            if (out.getUpdate() != null) {
                                                live.put(out.getProfileId(), out.getUpdate());
                                            } else {
                                                live.remove(out.getProfileId());
                                            }
                                        }
                                    },
                                    rejected ->
                                            writeLine(
                                                    rejectedOut,
                                                    RejectedEventJson.toJson(rejected)),
                                    refused ->
                                            writeLine(
                                                    conflictsOut, LinkRefusalJson.toJson(refused)),
                                    example ->
                                            writeLine(
                                                    examplesOut,
                                                    TrainingExampleJson.toJson(example)),
                                    model -> writeLine(modelsOut, ModelJson.toJson(model))));
        }
        if (snapshot != null) {
            try (BufferedWriter out = Files.newBufferedWriter(snapshot, StandardCharsets.UTF_8)) {
                for (ProfileUpdate profile : new TreeMap<>(live).values()) {
                    writeLine(out, ProfileUpdateJson.toJson(ProfileMerger.standing(profile)));
                }
            }
        }
        System.err.printf(
                "rtprofile run: %d profile updates and tombstones to %s, %d rejected to %s,"
                        + " %d refused identity links to %s%s%s%n",
                result.updates(),
                output,
                result.rejected(),
                rejectedFile,
                result.refusedLinks(),
                conflictsFile,
                models == null
                        ? ""
                        : String.format(
                                ", %d training examples to %s, %d model versions to %s",
                                result.examples(), examplesFile, result.models(), modelsFile),
                snapshot == null ? "" : ", " + live.size() + " profiles to " + snapshot);
        return 0;
    }

    private long parseAsOf() {
        if (asOf == null) {
            return AsOfWatermarkCap.LARGEST_EVENT_TIME;
        }
        try {
            return asOf.chars().allMatch(Character::isDigit)
                    ? Long.parseLong(asOf)
                    : Timestamps.parseIso(asOf);
        } catch (DateTimeException | NumberFormatException e) {
            throw new RtProfileCli.UsageException(
                    "--as-of: not ISO-8601 with a zone or epoch milliseconds: " + asOf);
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static void writeLine(BufferedWriter out, String line) {
        try {
            out.write(line);
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
