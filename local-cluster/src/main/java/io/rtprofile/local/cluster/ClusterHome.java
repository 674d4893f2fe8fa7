package io.rtprofile.local.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The directory a local cluster lives in, so that {@code stop}, {@code status} and {@code submit}
 * find it from another invocation of the CLI.
 *
 * <pre>
 * HOME/cluster.properties    ports and settings the cluster was started with
 * HOME/flink-conf/           config.yaml and log4j.properties of the JobManager and TaskManagers
 * HOME/kafka/                server.properties, log4j2.properties; data/ (the broker's log dir)
 * HOME/run/NAME.pid          one pid file per process
 * HOME/logs/                 NAME.log (the process's logger) and NAME.out (its stdout and stderr)
 * HOME/checkpoints/          retained checkpoints of the jobs
 * HOME/savepoints/           default target of savepoints
 * HOME/tmp/                  Flink's io.tmp.dirs and uploaded jars
 * </pre>
 */
public final class ClusterHome {

    private final Path root;

    public ClusterHome(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** {@code ~/.rtprofile/cluster}: one local cluster per user unless {@code --home} says else. */
    public static ClusterHome defaultHome() {
        return new ClusterHome(Path.of(System.getProperty("user.home"), ".rtprofile", "cluster"));
    }

    public Path root() {
        return root;
    }

    public Path flinkConf() {
        return root.resolve("flink-conf");
    }

    public Path kafkaDir() {
        return root.resolve("kafka");
    }

    public Path kafkaData() {
        return kafkaDir().resolve("data");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path run() {
        return root.resolve("run");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path savepoints() {
        return root.resolve("savepoints");
    }

    public Path tmp() {
        return root.resolve("tmp");
    }

    Path settingsFile() {
        return root.resolve("cluster.properties");
    }

    void createDirectories() {
        try {
            for (Path dir :
                    new Path[] {
                        flinkConf(), kafkaData(), logs(), run(), checkpoints(), savepoints(), tmp()
                    }) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new ClusterException("cannot create the cluster home " + root + ": " + e, e);
        }
    }

    void saveSettings(ClusterSettings settings) {
        Properties props = settings.toProperties();
        try (OutputStream out = Files.newOutputStream(settingsFile())) {
            props.store(out, "rtprofile cluster: the settings it was started with");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The settings of the last start in this home, if it was ever started. */
    Optional<ClusterSettings> loadSettings() {
        if (!Files.isRegularFile(settingsFile())) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(settingsFile())) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(ClusterSettings.fromProperties(props));
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
