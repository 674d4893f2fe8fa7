package io.rtprofile.cli;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.Savepoints;
import io.rtprofile.state.snapshot.ProfileSnapshotReader;
import io.rtprofile.state.snapshot.SnapshotFiles;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rtprofile state export}: the daily profile snapshot out of a savepoint (issue 6). */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Writes every profile of a savepoint or retained checkpoint: DIR/profiles.jsonl (one"
                    + " contract profile a line, standing memberships, by profileId: the shape of"
                    + " 'rtprofile run --snapshot') and DIR/profiles.avro (ProfileSnapshot records,"
                    + " deflate: every profile key with the operator's state under it, also keys"
                    + " that only hold events waiting for the watermark).",
            "Canonical savepoints of the RocksDB and heap backends, and retained RocksDB"
                    + " checkpoints, are read on a local Flink; see docs/state-toolkit.md."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:exported",
            "2:unusable SAVEPOINT (missing, no _metadata, unreadable, no profile operator),"
                    + " --config or --output"
        })
final class StateExportCommand implements Callable<Integer> {

    /** Which files to write. */
    enum Format {
        jsonl,
        avro,
        both
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
            paramLabel = "SAVEPOINT",
            description = "The savepoint or retained checkpoint directory (or its _metadata).")
    Path savepoint;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "Directory for profiles.jsonl and profiles.avro (created if missing).")
    Path output;

    @Option(
            names = "--format",
            defaultValue = "both",
            description = "jsonl, avro or both (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "The job's configuration file (YAML): its namespace priority orders each"
                            + " profile's identities. Default: the default configuration.")
    Path config;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description =
                    "The local Flink's parallelism while reading (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (parallelism < 1) {
            err.println("rtprofile: --parallelism must be at least 1");
            return 2;
        }
        ProfileJobSettings settings;
        try {
            Configuration user =
                    config == null ? new Configuration() : JobConfiguration.load(config);
            settings = ProfileJobSettings.from(JobConfiguration.withJobDefaults(user));
        } catch (IllegalConfigurationException e) {
            err.println("rtprofile: " + e.getMessage());
            return 2;
        }
        Path jsonLines =
                format == Format.avro ? null : output.resolve(SnapshotFiles.JSON_LINES_FILE);
        Path avro = format == Format.jsonl ? null : output.resolve(SnapshotFiles.AVRO_FILE);

        StreamExecutionEnvironment env = Savepoints.environment(parallelism);
        SnapshotFiles.Counts counts;
        try {
            var snapshots = ProfileSnapshotReader.read(env, savepoint, settings);
            try {
                Files.createDirectories(output);
            } catch (IOException e) {
                err.println("rtprofile: cannot create --output " + output + ": " + e);
                return 2;
            }
            try (CloseableIterator<ProfileSnapshot> it =
                    snapshots.executeAndCollect("rtprofile state export")) {
                counts = SnapshotFiles.write(it, jsonLines, avro);
            }
        } catch (InvalidSavepointException e) {
            err.println("rtprofile: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            // The metadata was readable but the state files are not (missing, truncated, or of
            // a state type this release cannot read).
            err.println(
                    "rtprofile: cannot read the profile state of " + savepoint + ": " + root(e));
            return 2;
        }
        out.printf(
                "exported %d profiles (%d keys, %d with only pending state) from %s%n",
                counts.profiles(), counts.keys(), counts.pendingOnly(), savepoint);
        if (jsonLines != null) {
            out.printf("  %s: %d profiles, JSON lines%n", jsonLines, counts.profiles());
        }
        if (avro != null) {
            out.printf("  %s: %d keys, Avro ProfileSnapshot%n", avro, counts.keys());
        }
        out.flush();
        return 0;
    }

    private static String root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
