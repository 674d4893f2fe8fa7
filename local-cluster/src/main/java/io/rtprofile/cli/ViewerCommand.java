package io.rtprofile.cli;

import io.rtprofile.cli.RtProfileCli.UsageException;
import io.rtprofile.generator.GeneratorConfig;
import io.rtprofile.viewer.Viewer;
import io.rtprofile.viewer.ViewerSettings;
import io.rtprofile.viewer.store.StoreException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code rtprofile viewer}: the profile viewer and audience API over a running job's output. */
@Command(
        name = "viewer",
        mixinStandardHelpOptions = true,
        description = {
            "Serves the profiles of a job's profile-updates topic: a web page (search, profile,"
                    + " audiences, models) and a JSON API under /api/ (docs/viewer.md).",
            "Reads the topic read_committed into an embedded store (RocksDB) in --data-dir;"
                    + " stopped and started again with the same directory, it resumes where it"
                    + " stopped. Runs until Ctrl-C."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped", "2:unusable arguments: port taken, store unusable"})
public final class ViewerCommand implements Callable<Integer> {

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "B",
            description = "Kafka bootstrap servers of the job's output.")
    String bootstrapServers;

    @Option(
            names = "--topic",
            paramLabel = "T",
            defaultValue = "profile-updates",
            description = "The job's profile updates topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--definitions-topic",
            paramLabel = "T",
            defaultValue = "segment-definitions",
            description = "Segment definitions, for segment names (default: ${DEFAULT-VALUE}).")
    String definitionsTopic;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "rtprofile-viewer-data",
            description = "The store's directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--host",
            paramLabel = "H",
            defaultValue = "localhost",
            description = "Address to listen on; 0.0.0.0 for all (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--port",
            paramLabel = "P",
            defaultValue = "8082",
            description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--history-bucket",
            paramLabel = "D",
            defaultValue = "1m",
            description = {
                "Width of a segment history bucket, in event time (e.g. 1m, 1h). Fixed for a"
                        + " store's life (default: ${DEFAULT-VALUE})."
            })
    String historyBucket;

    @Option(
            names = "--block-cache-mb",
            paramLabel = "MB",
            defaultValue = "128",
            description = "RocksDB block cache (default: ${DEFAULT-VALUE}).")
    long blockCacheMb;

    @Override
    public Integer call() throws Exception {
        Duration bucket;
        try {
            bucket = GeneratorConfig.parseDuration(historyBucket);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--history-bucket: " + e.getMessage());
        }
        if (bucket.toMillis() < 1000) {
            throw new UsageException("--history-bucket must be at least 1s");
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be from 0 to 65535");
        }
        if (blockCacheMb < 1) {
            throw new UsageException("--block-cache-mb must be at least 1");
        }
        ViewerSettings settings =
                new ViewerSettings(
                        bootstrapServers,
                        topic,
                        definitionsTopic,
                        dataDir,
                        host,
                        port,
                        bucket,
                        blockCacheMb << 20);
        Viewer viewer;
        try {
            viewer = Viewer.start(settings);
        } catch (BindException e) {
            throw new UsageException("--port " + port + " is taken (" + e.getMessage() + ")");
        } catch (StoreException e) {
            throw new UsageException(e.getMessage());
        }
        System.out.printf(
                "rtprofile viewer: %s (store %s, following %s on %s)%n",
                host.equals("localhost")
                        ? viewer.url()
                        : "http://" + host + ":" + viewer.port() + "/",
                dataDir.toAbsolutePath(),
                topic,
                bootstrapServers);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        viewer.close();
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    stopped.countDown();
                                },
                                "viewer-shutdown"));
        stopped.await();
        return 0;
    }
}
