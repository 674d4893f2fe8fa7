package io.rtprofile.cli;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.state.InvalidSavepointException;
import io.rtprofile.state.Savepoints;
import io.rtprofile.state.bootstrap.ProfileBootstrap;
import io.rtprofile.state.bootstrap.SnapshotFileFormat;
import io.rtprofile.state.snapshot.InvalidSnapshotException;
import io.rtprofile.state.snapshot.SnapshotFiles;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code rtprofile state bootstrap}: a savepoint from a profile snapshot (docs/state-toolkit.md).
 */
@Command(
        name = "bootstrap",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a new savepoint whose profiles and identity graph come from a profile snapshot:"
                    + " the Avro file of 'rtprofile state export' (exact: engine state included),"
                    + " or JSON lines of profiles ('state export', 'run --snapshot', a warehouse"
                    + " export: identities, attributes, memberships and scores; window aggregates"
                    + " start empty).",
            "With --from, everything else comes from that savepoint (source offsets, sink"
                    + " transactions, event ids seen, models and their trainer, published"
                    + " definitions, erased identities still suppressed), so the job continues"
                    + " where it left off. Without it, the job reads its topics from its"
                    + " configured start."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:written",
            "2:unusable SNAPSHOT (missing, or a bad record: file, line and reason), --from not a"
                    + " savepoint, or --output not empty"
        })
final class StateBootstrapCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SNAPSHOT", description = "profiles.avro or a JSON lines file.")
    Path snapshot;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "The new savepoint's directory (must not exist, or be empty).")
    Path output;

    @Option(
            names = "--from",
            paramLabel = "SAVEPOINT",
            description = "The savepoint the rest of the job's state comes from.")
    Path from;

    @Option(
            names = "--max-parallelism",
            paramLabel = "N",
            description =
                    "Key groups of the profile operator without --from: the job's"
                            + " pipeline.max-parallelism (default: ${DEFAULT-VALUE}).")
    int maxParallelism = JobConfiguration.MAX_PARALLELISM;

    @Option(
            names = "--state-backend",
            paramLabel = "hashmap|rocksdb",
            description =
                    "What holds the state while it is written: hashmap (default, fast) or rocksdb"
                            + " (snapshots larger than memory). Either writes a canonical"
                            + " savepoint that both restore.")
    String stateBackend = "hashmap";

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description =
                    "Parallelism of the local Flink that writes it (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Counts counts;
        try {
            if (!"hashmap".equals(stateBackend) && !"rocksdb".equals(stateBackend)) {
                throw new IllegalArgumentException(
                        "--state-backend must be hashmap or rocksdb, not " + stateBackend);
            }
            Savepoints.requireNewTarget(output);
            if (from != null) {
                Savepoints.load(from);
            }
            counts = check(snapshot);
        } catch (InvalidSavepointException | IllegalArgumentException e) {
            err.println("rtprofile: " + e.getMessage());
            return 2;
        }

        StreamExecutionEnvironment env = Savepoints.environment(parallelism);
        FileSource<ProfileSnapshot> source =
                FileSource.forRecordStreamFormat(
                                new SnapshotFileFormat(),
                                new org.apache.flink.core.fs.Path(
                                        snapshot.toAbsolutePath().toUri()))
                        .build();
        ProfileBootstrap.define(
                env,
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "profile snapshot")
                        .setParallelism(1),
                from,
                output,
                "rocksdb".equals(stateBackend)
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend(),
                maxParallelism);
        env.execute("rtprofile state bootstrap");
        out.printf(
                "wrote savepoint %s: %d profiles (%d with engine state, %d keys with held events"
                        + " only), %d identities%s%n",
                output,
                counts.profiles,
                counts.withEngine,
                counts.heldOnly,
                counts.identities,
                from == null ? "" : "; the rest of the job's state from " + from);
        out.flush();
        return 0;
    }

    private static final class Counts {
        long profiles;
        long withEngine;
        long heldOnly;
        long identities;
    }

    /**
     * Reads the whole snapshot once on the client before any job runs: a bad record is reported
     * with the file and line, and an identity claimed by two profiles is refused.
     */
    private static Counts check(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such snapshot file: " + file);
        }
        Counts counts = new Counts();
        Set<String> identities = new HashSet<>();
        try (SnapshotFiles.Reader reader = SnapshotFiles.open(file)) {
            for (ProfileSnapshot s = reader.next(); s != null; s = reader.next()) {
                if (s.getProfile() == null && s.getEngine() == null) {
                    throw new IllegalArgumentException(
                            file + ": key " + s.getProfileId() + " has neither profile nor engine");
                }
                if (s.getEngine() != null) {
                    counts.withEngine++;
                }
                if (s.getProfile() == null) {
                    counts.heldOnly++;
                    continue;
                }
                counts.profiles++;
                for (var identity : s.getProfile().getIdentities()) {
                    String key = identity.getNamespace() + ":" + identity.getId();
                    if (!identities.add(key)) {
                        throw new IllegalArgumentException(
                                file
                                        + ": identity "
                                        + key
                                        + " belongs to two profiles (the"
                                        + " second is "
                                        + s.getProfileId()
                                        + ")");
                    }
                }
            }
        } catch (IOException e) {
            // InvalidSnapshotException: its message names the file and line already.
            throw new IllegalArgumentException(
                    e instanceof InvalidSnapshotException ? e.getMessage() : file + ": " + e, e);
        }
        counts.identities = identities.size();
        return counts;
    }
}
