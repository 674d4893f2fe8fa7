package io.rtprofile.state;

import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Loading a savepoint or retained checkpoint, with a clear reason when a path is not one. */
public final class Savepoints {
    private Savepoints() {}

    /** The savepoint's metadata, or why the path is not a savepoint. */
    public static CheckpointMetadata load(Path path) throws InvalidSavepointException {
        if (!Files.exists(path)) {
            throw new InvalidSavepointException("no such file or directory: " + path);
        }
        Path metadataFile = Files.isDirectory(path) ? path.resolve("_metadata") : path;
        if (!Files.isRegularFile(metadataFile)
                || !metadataFile.getFileName().toString().equals("_metadata")) {
            throw new InvalidSavepointException(
                    "not a savepoint or retained checkpoint: no _metadata in " + path);
        }
        try {
            return SavepointLoader.loadSavepointMetadata(path.toAbsolutePath().toString());
        } catch (IOException | RuntimeException e) {
            throw new InvalidSavepointException(
                    "cannot read the savepoint metadata " + metadataFile + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * A canonical savepoint is read by any backend, the heap one being the lightest; a native or
     * incremental RocksDB snapshot only by RocksDB.
     */
    public static StateBackend backendFor(Path path) throws InvalidSavepointException {
        for (OperatorState state : load(path).getOperatorStates()) {
            for (OperatorSubtaskState subtask : state.getStates()) {
                for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                    if (handle instanceof IncrementalKeyedStateHandle) {
                        return new EmbeddedRocksDBStateBackend();
                    }
                }
            }
        }
        return new HashMapStateBackend();
    }

    /**
     * Refuses a target that exists and is not an empty directory: the toolkit writes a new
     * savepoint, never over anything (least of all the savepoint it reads).
     */
    public static void requireNewTarget(Path target) {
        boolean empty;
        try (var entries = Files.isDirectory(target) ? Files.list(target) : null) {
            empty = !Files.exists(target) || (entries != null && entries.findAny().isEmpty());
        } catch (IOException e) {
            empty = false;
        }
        if (!empty) {
            throw new IllegalArgumentException(
                    "the target "
                            + target
                            + " exists and is not empty: a savepoint is never written over"
                            + " anything");
        }
    }

    /** The operator id Flink derives from one of the job's UIDs. */
    public static OperatorID operatorId(String uid) {
        return OperatorIdentifier.forUid(uid).getOperatorId();
    }

    /** The state of the operator with {@code uid} in {@code metadata}, if it has any. */
    public static Optional<OperatorState> operator(CheckpointMetadata metadata, String uid) {
        OperatorID id = operatorId(uid);
        return metadata.getOperatorStates().stream()
                .filter(s -> s.getOperatorID().equals(id))
                .findFirst();
    }

    /**
     * The environment the tools run their Flink jobs on: the one in force (a local Flink from the
     * CLI, the mini-cluster of a test, where a {@code createLocalEnvironment} is refused).
     */
    public static StreamExecutionEnvironment environment(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        return env;
    }
}
