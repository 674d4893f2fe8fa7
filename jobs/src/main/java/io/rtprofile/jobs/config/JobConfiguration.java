package io.rtprofile.jobs.config;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.YamlParserUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One configuration file holds rtprofile's options and Flink's own ({@code --config F}, YAML, flat
 * or nested keys). This class reads it and lays the job's defaults under it.
 */
public final class JobConfiguration {
    private JobConfiguration() {}

    /**
     * Checkpoint interval by default. With exactly-once sinks, output becomes visible only when the
     * checkpoint that covers it completes, so this is most of the end-to-end latency; below about a
     * second the per-checkpoint cost (a Kafka transaction per sink and subtask, a state snapshot)
     * starts to eat throughput. docs/exactly-once.md has the measurements.
     */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    /** Reads a YAML configuration file; errors name the file. */
    public static Configuration load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalConfigurationException("Configuration file not found: " + file);
        }
        Map<String, Object> yaml;
        try {
            yaml = YamlParserUtils.loadYamlFile(file.toFile());
        } catch (Exception e) {
            throw new IllegalConfigurationException(
                    "Configuration file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", yaml == null ? Map.of() : yaml, flat);
        return Configuration.fromMap(flat);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else if (value instanceof List<?> list) {
                // Flink's list syntax for string-typed list options.
                out.put(key, list.stream().map(String::valueOf).collect(Collectors.joining(";")));
            } else if (value != null) {
                out.put(key, String.valueOf(value));
            }
        }
    }

    /**
     * The exactly-once job needs checkpoints in durable storage. Without a directory Flink keeps
     * them in JobManager memory, capped at 5 MB: profile state outgrows that within minutes, every
     * checkpoint then fails and the job restarts in a loop, silently replaying its input. Refuse to
     * start instead.
     */
    public static void requireCheckpointStorage(Configuration config) {
        if (!config.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)) {
            throw new IllegalConfigurationException(
                    "Missing setting "
                            + CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()
                            + ": the profile job checkpoints its state there (for example"
                            + " s3://bucket/rtprofile/checkpoints, or file:///var/rtprofile/checkpoints"
                            + " on a single machine)");
        }
    }

    /**
     * The number of key groups keyed state is split into, fixed for the life of a deployment: a
     * savepoint restores at any parallelism up to it, and never after it changes (docs/
     * configuration.md). It is also what Flink would pick for parallelism up to 85, so savepoints
     * taken before it was set explicitly have the same key groups.
     */
    public static final int MAX_PARALLELISM = 128;

    /**
     * The job's defaults with the user's settings on top: RocksDB with incremental checkpoints,
     * checkpointing on, UIDs required, no Kryo fallback, object reuse (our functions never keep a
     * reference to an input record after returning), a fixed max parallelism.
     */
    /**
     * The configuration a deployed job runs with: its defaults, then the cluster's configuration
     * ({@code flink run}'s config.yaml, the Kubernetes operator's {@code flinkConfiguration}), then
     * the user's file and arguments. Without the cluster's layer, {@code rtprofile.*} keys and a
     * checkpoint directory set on the cluster would be silently ignored and the job's defaults
     * would override the cluster's checkpointing.
     */
    public static Configuration forDeployment(ReadableConfig cluster, Configuration user) {
        Configuration layered = new Configuration();
        if (cluster instanceof Configuration clusterConfig) {
            layered.addAll(clusterConfig);
        }
        layered.addAll(user);
        return withJobDefaults(layered);
    }

    public static Configuration withJobDefaults(Configuration user) {
        Configuration config = new Configuration();
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        config.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL);
        config.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, Duration.ofMillis(200));
        config.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(PipelineOptions.OBJECT_REUSE, true);
        config.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        config.addAll(user);
        return config;
    }
}
