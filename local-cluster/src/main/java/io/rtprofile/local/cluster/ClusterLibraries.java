package io.rtprofile.local.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where the cluster's classpaths are: {@code flink-lib/} (Flink's own jars, as a distribution's
 * lib/) and {@code kafka-lib/} (the broker's), each resolved by Maven in its own module under
 * local-cluster/. Never the CLI's shaded jar: it carries rtprofile, Avro and kafka-clients, which
 * would shadow the job jar's own copies.
 */
public record ClusterLibraries(Path flinkLib, Path kafkaLib) {

    /**
     * The directories of the build: under {@code rtprofile.home} (the repository, set by the
     * launcher), else the working directory; {@code rtprofile.cluster.flink-lib} and {@code
     * rtprofile.cluster.kafka-lib} override each.
     */
    public static ClusterLibraries ofBuild() {
        Path root = Path.of(System.getProperty("rtprofile.home", "."));
        Path flink =
                Path.of(
                        System.getProperty(
                                "rtprofile.cluster.flink-lib",
                                root.resolve("local-cluster/flink-lib/target/flink-lib")
                                        .toString()));
        Path kafka =
                Path.of(
                        System.getProperty(
                                "rtprofile.cluster.kafka-lib",
                                root.resolve("local-cluster/kafka-lib/target/kafka-lib")
                                        .toString()));
        return new ClusterLibraries(flink, kafka);
    }

    /** The job jar the build made (jobs/target/rtprofile-jobs-VERSION-job.jar). */
    public static Path buildJobJar() {
        Path root = Path.of(System.getProperty("rtprofile.home", "."));
        Path target = root.resolve("jobs/target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-job.jar"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new ClusterException(
                                            "no job jar in "
                                                    + target
                                                    + ": build it (mvn package)"));
        } catch (IOException e) {
            throw new ClusterException("no job jar in " + target + ": build it (mvn package)", e);
        }
    }

    void check() {
        for (Path dir : new Path[] {flinkLib, kafkaLib}) {
            try (Stream<Path> jars = Files.list(dir)) {
                if (jars.noneMatch(p -> p.toString().endsWith(".jar"))) {
                    throw new ClusterException("no jars in " + dir + ": build it (mvn package)");
                }
            } catch (IOException e) {
                throw new ClusterException(
                        "no " + dir + ": build it (mvn -pl local-cluster -am package)", e);
            }
        }
    }
}
