package io.rtprofile.viewer.bench;

import io.rtprofile.viewer.feed.SegmentNames;
import io.rtprofile.viewer.http.ViewerHttpServer;
import io.rtprofile.viewer.store.ProfileStore;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The viewer's lookup latency with many profiles stored: fills a store with synthetic profiles
 * through the same {@link ProfileStore#apply} the Kafka feed uses (Kafka is not what is measured),
 * flushes it to disk, then sends lookups over HTTP from concurrent clients and reports latency per
 * kind of request as the client sees it: percentiles over every request, not averages.
 */
public final class ViewerBenchmark {
    /** What to run. */
    public record Settings(
            long profiles,
            int lookups,
            int warmup,
            int concurrency,
            long seed,
            long blockCacheBytes) {}

    /** Latencies of one kind of request, in microseconds, sorted. */
    public record Latencies(String kind, long[] micros, long failures) {
        public double percentile(double p) {
            if (micros.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * micros.length) - 1;
            return micros[Math.max(0, Math.min(micros.length - 1, index))] / 1000.0;
        }
    }

    /** The figures: load rate, store size, lookups per kind. */
    public record Result(
            long profiles,
            double loadSeconds,
            long diskBytes,
            double lookupSeconds,
            int concurrency,
            List<Latencies> latencies) {

        public void print(PrintStream out) {
            out.printf(
                    "Store: %,d profiles loaded in %.1f s (%,.0f profiles/s), %,.0f MB on disk%n%n",
                    profiles, loadSeconds, profiles / loadSeconds, diskBytes / 1e6);
            long total = latencies.stream().mapToLong(l -> l.micros().length).sum();
            out.printf(
                    "Lookups over HTTP, %d concurrent clients: %,d requests in %.1f s (%,.0f/s)%n%n",
                    concurrency, total, lookupSeconds, total / lookupSeconds);
            out.println("| request | count | p50 ms | p99 ms | p99.9 ms | max ms | failed |");
            out.println("|---|---|---|---|---|---|---|");
            for (Latencies l : latencies) {
                out.printf(
                        "| %s | %,d | %.2f | %.2f | %.2f | %.2f | %d |%n",
                        l.kind(),
                        l.micros().length,
                        l.percentile(50),
                        l.percentile(99),
                        l.percentile(99.9),
                        l.percentile(100),
                        l.failures());
            }
        }
    }

    private enum Kind {
        BY_ID("profile by id"),
        BY_EMAIL("profile by email"),
        SEARCH("search (email prefix)"),
        MEMBERS("segment members, 50");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private ViewerBenchmark() {}

    public static Result run(Settings settings, Path dir, PrintStream progress) throws Exception {
        SyntheticProfiles profiles = new SyntheticProfiles(settings.seed());
        try (ProfileStore store = ProfileStore.open(dir, 60_000L, settings.blockCacheBytes())) {
            long start = System.nanoTime();
            int batch = 1000;
            for (long i = 0; i < settings.profiles(); i += batch) {
                List<ProfileStore.Incoming> records = new ArrayList<>(batch);
                for (long j = i; j < Math.min(settings.profiles(), i + batch); j++) {
                    records.add(
                            new ProfileStore.Incoming(
                                    SyntheticProfiles.profileId(j), profiles.profile(j)));
                }
                store.apply("profile-updates", records, Map.of(0, i + records.size()));
                if ((i / batch) % 100 == 99) {
                    progress.printf("  loaded %,d profiles%n", i + batch);
                }
            }
            store.flush();
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            long disk = store.diskBytes();
            try (ViewerHttpServer server =
                    new ViewerHttpServer("localhost", 0, store, new SegmentNames(), null).start()) {
                String base = "http://localhost:" + server.port();
                progress.printf("  warm-up: %,d requests%n", settings.warmup());
                measure(base, settings, settings.warmup(), settings.seed() + 1);
                long t = System.nanoTime();
                Map<Kind, long[][]> measured =
                        measure(base, settings, settings.lookups(), settings.seed() + 2);
                double lookupSeconds = (System.nanoTime() - t) / 1e9;
                List<Latencies> latencies = new ArrayList<>();
                for (Kind kind : Kind.values()) {
                    long[][] m = measured.get(kind);
                    long[] micros = Arrays.copyOf(m[0], (int) m[1][0]);
                    Arrays.sort(micros);
                    latencies.add(new Latencies(kind.label, micros, m[1][1]));
                }
                return new Result(
                        settings.profiles(),
                        loadSeconds,
                        disk,
                        lookupSeconds,
                        settings.concurrency(),
                        latencies);
            }
        }
    }

    /**
     * {@code count} requests spread over the clients; per kind, the latencies (µs) and [count,
     * failures]. Kinds are mixed 40% by id, 40% by email, 15% search, 5% members.
     */
    private static Map<Kind, long[][]> measure(String base, Settings settings, int count, long seed)
            throws Exception {
        HttpClient client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .executor(Executors.newFixedThreadPool(2))
                        .build();
        ExecutorService clients = Executors.newFixedThreadPool(settings.concurrency());
        try {
            List<Future<Map<Kind, long[][]>>> futures = new ArrayList<>();
            int each = count / settings.concurrency();
            for (int c = 0; c < settings.concurrency(); c++) {
                long clientSeed = seed * 1000 + c;
                futures.add(
                        clients.submit(
                                () -> client(client, base, settings.profiles(), each, clientSeed)));
            }
            Map<Kind, long[][]> merged = new LinkedHashMap<>();
            for (Kind kind : Kind.values()) {
                merged.put(kind, new long[][] {new long[count], new long[2]});
            }
            for (Future<Map<Kind, long[][]>> f : futures) {
                for (Map.Entry<Kind, long[][]> e : f.get().entrySet()) {
                    long[][] into = merged.get(e.getKey());
                    int n = (int) e.getValue()[1][0];
                    System.arraycopy(e.getValue()[0], 0, into[0], (int) into[1][0], n);
                    into[1][0] += n;
                    into[1][1] += e.getValue()[1][1];
                }
            }
            return merged;
        } finally {
            clients.shutdownNow();
        }
    }

    private static Map<Kind, long[][]> client(
            HttpClient client, String base, long profiles, int count, long seed)
            throws IOException, InterruptedException {
        SplittableRandom random = new SplittableRandom(seed);
        Map<Kind, long[][]> results = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            results.put(kind, new long[][] {new long[count], new long[2]});
        }
        for (int n = 0; n < count; n++) {
            long i = random.nextLong(profiles);
            int roll = random.nextInt(100);
            Kind kind;
            String path;
            if (roll < 40) {
                kind = Kind.BY_ID;
                path = "/api/profiles/" + SyntheticProfiles.profileId(i);
            } else if (roll < 80) {
                kind = Kind.BY_EMAIL;
                path = "/api/identities/email/" + encode(SyntheticProfiles.email(i));
            } else if (roll < 95) {
                kind = Kind.SEARCH;
                String email = SyntheticProfiles.email(i);
                path = "/api/search?q=" + encode(email.substring(0, email.indexOf('@') - 1));
            } else {
                kind = Kind.MEMBERS;
                path =
                        "/api/segments/segment-"
                                + random.nextInt(SyntheticProfiles.SEGMENTS)
                                + "/members?limit=50&after="
                                + SyntheticProfiles.profileId(i);
            }
            long start = System.nanoTime();
            HttpResponse<byte[]> response =
                    client.send(
                            HttpRequest.newBuilder(URI.create(base + path)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            long micros = (System.nanoTime() - start) / 1000;
            long[][] r = results.get(kind);
            r[0][(int) r[1][0]++] = micros;
            if (response.statusCode() != 200) {
                r[1][1]++;
            }
        }
        return results;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
