package io.rtprofile.local.cluster;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A local cluster of separate processes for one test class, on free ports in a home of its own:
 * started before the class, stopped after it (also when a test failed half-way, so no JVM outlives
 * the build), its home deleted.
 */
public final class RunningLocalCluster implements BeforeAllCallback, AfterAllCallback {

    private Path home;
    private LocalCluster cluster;

    public LocalCluster cluster() {
        return cluster;
    }

    public Path home() {
        return home;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        home = Files.createTempDirectory("rtprofile-cluster-");
        cluster = ClusterTestSupport.cluster(home);
        cluster.start(ClusterTestSupport.onFreePorts(), line -> {});
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (cluster != null) {
            cluster.stop(Duration.ofSeconds(5));
        }
        if (home != null) {
            try (Stream<Path> files = Files.walk(home)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
