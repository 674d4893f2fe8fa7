package io.rtprofile.cli;

import io.rtprofile.viewer.bench.ViewerBenchmark;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code rtprofile bench viewer}: the viewer's lookup latency with many profiles stored. */
@Command(
        name = "viewer",
        mixinStandardHelpOptions = true,
        description = {
            "Fills a viewer store with synthetic profiles (the demo's shape: 3 identities, 8"
                    + " attributes with origins, up to 3 segments, 2 scores), then measures lookups"
                    + " over HTTP from concurrent clients: by profile id, by email, search by"
                    + " email prefix, a page of segment members. Prints percentiles per kind."
        })
public final class BenchViewerCommand implements Callable<Integer> {

    @Option(
            names = "--profiles",
            defaultValue = "1000000",
            description = "Profiles stored (default: ${DEFAULT-VALUE}).")
    long profiles;

    @Option(
            names = "--lookups",
            defaultValue = "200000",
            description = "Measured requests (default: ${DEFAULT-VALUE}).")
    int lookups;

    @Option(
            names = "--warmup",
            defaultValue = "50000",
            description = "Uncounted requests first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--concurrency",
            defaultValue = "4",
            description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--block-cache-mb",
            defaultValue = "128",
            description = "The store's RocksDB block cache (default: ${DEFAULT-VALUE}).")
    long blockCacheMb;

    @Option(
            names = "--dir",
            description = "Where to build the store (default: a temporary directory, deleted).")
    Path dir;

    @Option(names = "--out", description = "Also write the results (Markdown) to this file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (profiles < 1
                || lookups < concurrency
                || warmup < 0
                || concurrency < 1
                || blockCacheMb < 1) {
            throw new RtProfileCli.UsageException(
                    "--profiles, --concurrency and --block-cache-mb must be positive, --lookups at"
                            + " least --concurrency");
        }
        Path store = dir == null ? Files.createTempDirectory("rtprofile-bench-viewer-") : dir;
        try {
            ViewerBenchmark.Result result =
                    ViewerBenchmark.run(
                            new ViewerBenchmark.Settings(
                                    profiles, lookups, warmup, concurrency, 42, blockCacheMb << 20),
                            store,
                            System.out);
            System.out.println();
            result.print(System.out);
            if (out != null) {
                try (PrintStream file =
                        new PrintStream(Files.newOutputStream(out), true, StandardCharsets.UTF_8)) {
                    result.print(file);
                }
            }
        } finally {
            if (dir == null) {
                try (Stream<Path> paths = Files.walk(store)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        return 0;
    }
}
