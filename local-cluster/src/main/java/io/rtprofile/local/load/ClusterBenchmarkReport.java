package io.rtprofile.local.load;

import io.rtprofile.local.load.ClusterBenchmark.Capacity;
import io.rtprofile.local.load.ClusterBenchmark.LagSample;
import io.rtprofile.local.load.ClusterBenchmark.Overload;
import io.rtprofile.local.load.ClusterBenchmark.Sustained;
import io.rtprofile.local.load.ClusterBenchmark.SustainedWindow;
import io.rtprofile.local.load.TimeSeriesChart.Line;
import io.rtprofile.local.load.TimeSeriesChart.Panel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The cluster benchmark's files: a Markdown summary, a CSV per phase, an SVG chart per phase. */
public final class ClusterBenchmarkReport {

    private ClusterBenchmarkReport() {}

    /**
     * Writes {@code cluster-bench.md}, the CSVs and the SVGs into {@code dir}; returns the text.
     */
    public static String write(Path dir, Capacity capacity, Sustained sustained, Overload overload)
            throws IOException {
        Files.createDirectories(dir);
        StringBuilder md = new StringBuilder();
        md.append(
                String.format(
                        Locale.ROOT,
                        "| capacity: backlog | drained at (events/s) | whole backlog (s) |%n"
                                + "|--:|--:|--:|%n| %,d | %,.0f | %.0f |%n%n",
                        capacity.events(),
                        capacity.eventsPerSecond(),
                        capacity.drainSeconds()));
        if (sustained != null) {
            md.append(sustainedSummary(sustained)).append('\n');
            Files.writeString(dir.resolve("sustained.csv"), sustainedCsv(sustained));
            Files.writeString(dir.resolve("sustained.svg"), sustainedChart(sustained));
        }
        if (overload != null) {
            md.append(overloadSummary(overload)).append('\n');
            Files.writeString(dir.resolve("overload.csv"), overloadCsv(overload));
            Files.writeString(dir.resolve("overload.svg"), overloadChart(overload));
        }
        Files.writeString(dir.resolve("cluster-bench.md"), md, StandardCharsets.UTF_8);
        return md.toString();
    }

    static String sustainedSummary(Sustained s) {
        // The cost over the measured part (after the warm-up), from the windows' samples.
        long warmupSecond =
                s.windows().stream()
                        .filter(w -> w.latency().updates() > 0)
                        .mapToLong(w -> w.latency().startSecond())
                        .min()
                        .orElse(0);
        List<SustainedWindow> measured =
                s.windows().stream()
                        .filter(w -> w.latency().startSecond() >= warmupSecond)
                        .toList();
        double[] overall = s.load().overallMillis();
        return String.format(
                Locale.ROOT,
                "| sustained | value |%n|---|--:|%n"
                        + "| target rate (events/s) | %,.0f |%n"
                        + "| produced (events/s, whole run) | %,.0f |%n"
                        + "| updates read | %,d |%n"
                        + "| latency p50 / p99 / p99.9 / max (ms), after the warm-up | %,.0f / %,.0f /"
                        + " %,.0f / %,.0f |%n"
                        + "| checkpoint duration median / max (ms) | %s / %s |%n"
                        + "| checkpoint written median / max (KB) | %s / %s |%n"
                        + "| state size at the end (MB) | %.1f |%n"
                        + "| TaskManager heap used, max of the two summed (MB) | %.0f |%n"
                        + "| TaskManager resident memory, max of the two summed (MB) | %.0f |%n"
                        + "| RocksDB block cache / memtables, at the end (MB) | %.1f / %.1f |%n"
                        + "| lost / duplicated (verify) | %d / %d |%n",
                s.eventsPerSecond(),
                s.load().producedPerSecond(),
                s.load().updates(),
                overall[0],
                overall[1],
                overall[2],
                overall[3],
                median(measured, w -> w.metrics().checkpointMillis()),
                max(measured, w -> w.metrics().checkpointMillis()),
                median(measured, w -> w.metrics().checkpointedBytes() / 1024.0),
                max(measured, w -> w.metrics().checkpointedBytes() / 1024.0),
                measured.isEmpty()
                        ? 0.0
                        : measured.get(measured.size() - 1).metrics().stateBytes() / 1e6,
                measured.stream()
                        .mapToDouble(w -> w.metrics().heapUsedBytes() / 1e6)
                        .max()
                        .orElse(0),
                measured.stream()
                        .mapToDouble(w -> w.metrics().residentBytes() / 1e6)
                        .max()
                        .orElse(0),
                measured.isEmpty()
                        ? -1.0
                        : measured.get(measured.size() - 1).metrics().rocksDbBlockCacheBytes()
                                / 1e6,
                measured.isEmpty()
                        ? -1.0
                        : measured.get(measured.size() - 1).metrics().rocksDbMemTableBytes() / 1e6,
                s.verification().lost(),
                s.verification().duplicated());
    }

    static String overloadSummary(Overload o) {
        return String.format(
                Locale.ROOT,
                "| overload | value |%n|---|--:|%n"
                        + "| offered, then after the drop (events/s) | %,.0f, then %,.0f |%n"
                        + "| the job's committed rate while overloaded (events/s) | %,.0f |%n"
                        + "| largest backlog in Kafka (events) | %,d |%n"
                        + "| load dropped at (s) | %.0f |%n"
                        + "| backlog gone at (s) | %s |%n"
                        + "| records in / updates out | %,d / %,d |%n"
                        + "| lost / duplicated (verify) | %d / %d |%n",
                o.overRate(),
                o.recoverRate(),
                o.jobRateDuringOverload(),
                o.maxLag(),
                o.dropSecond(),
                Double.isNaN(o.lagGoneSecond())
                        ? "never"
                        : String.format(Locale.ROOT, "%.0f", o.lagGoneSecond()),
                o.verification().recordsIn(),
                o.verification().updatesOut(),
                o.verification().lost(),
                o.verification().duplicated());
    }

    static String sustainedCsv(Sustained s) {
        StringBuilder csv =
                new StringBuilder(
                        "second,produced,updates,p50_ms,p99_ms,p999_ms,max_ms,checkpoint_ms,"
                                + "checkpointed_bytes,state_bytes,heap_used_bytes,resident_bytes,"
                                + "rocksdb_block_cache_bytes,rocksdb_memtable_bytes\n");
        for (SustainedWindow w : s.windows()) {
            var l = w.latency();
            var m = w.metrics();
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%d,%d,%d,%.0f,%.0f,%.0f,%d,%d,%d,%d,%d,%d,%d,%d%n",
                            l.startSecond(),
                            l.produced(),
                            l.updates(),
                            l.p50Millis(),
                            l.p99Millis(),
                            l.p999Millis(),
                            l.maxMillis(),
                            m.checkpointMillis(),
                            m.checkpointedBytes(),
                            m.stateBytes(),
                            m.heapUsedBytes(),
                            m.residentBytes(),
                            m.rocksDbBlockCacheBytes(),
                            m.rocksDbMemTableBytes()));
        }
        return csv.toString();
    }

    static String overloadCsv(Overload o) {
        StringBuilder csv = new StringBuilder("second,in_topic,committed,lag\n");
        for (LagSample s : o.samples()) {
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%.1f,%d,%d,%d%n",
                            s.second(),
                            s.produced(),
                            s.committed(),
                            s.lag()));
        }
        return csv.toString();
    }

    static String sustainedChart(Sustained s) {
        List<SustainedWindow> w = s.windows();
        double window = w.size() > 1 ? w.get(1).latency().startSecond() : 10;
        double[] t = w.stream().mapToDouble(x -> x.latency().startSecond()).toArray();
        return TimeSeriesChart.svg(
                String.format(
                        Locale.ROOT,
                        "Sustained %,.0f events/s on the local cluster: throughput and end-to-end"
                                + " latency",
                        s.eventsPerSecond()),
                List.of(
                        new Panel(
                                "per second",
                                List.of(
                                        new Line(
                                                "events produced",
                                                "#1f77b4",
                                                t,
                                                values(w, x -> x.latency().produced() / window)),
                                        new Line(
                                                "updates with a newer event time",
                                                "#2ca02c",
                                                t,
                                                values(w, x -> x.latency().updates() / window)))),
                        new Panel(
                                "latency (s)",
                                List.of(
                                        new Line(
                                                "p50",
                                                "#1f77b4",
                                                t,
                                                values(w, x -> x.latency().p50Millis() / 1000)),
                                        new Line(
                                                "p99",
                                                "#ff7f0e",
                                                t,
                                                values(w, x -> x.latency().p99Millis() / 1000)),
                                        new Line(
                                                "p99.9",
                                                "#d62728",
                                                t,
                                                values(
                                                        w,
                                                        x -> x.latency().p999Millis() / 1000))))));
    }

    static String overloadChart(Overload o) {
        List<LagSample> s = o.samples();
        double[] t = s.stream().mapToDouble(LagSample::second).toArray();
        double[] inRate = new double[t.length];
        double[] outRate = new double[t.length];
        for (int i = 1; i < t.length; i++) {
            double dt = Math.max(1e-9, t[i] - t[i - 1]);
            inRate[i] = (s.get(i).produced() - s.get(i - 1).produced()) / dt;
            outRate[i] = (s.get(i).committed() - s.get(i - 1).committed()) / dt;
        }
        return TimeSeriesChart.svg(
                String.format(
                        Locale.ROOT,
                        "Overload: %,.0f events/s, then %,.0f from %.0f s",
                        o.overRate(),
                        o.recoverRate(),
                        o.dropSecond()),
                List.of(
                        new Panel(
                                "events per second",
                                List.of(
                                        new Line("into Kafka", "#1f77b4", t, inRate),
                                        new Line("committed by the job", "#2ca02c", t, outRate))),
                        new Panel(
                                "backlog in Kafka (events)",
                                List.of(
                                        new Line(
                                                "lag",
                                                "#d62728",
                                                t,
                                                s.stream()
                                                        .mapToDouble(LagSample::lag)
                                                        .toArray())))));
    }

    private static double[] values(
            List<SustainedWindow> windows, ToDoubleFunction<SustainedWindow> f) {
        return windows.stream().mapToDouble(f).toArray();
    }

    private static String median(List<SustainedWindow> w, ToDoubleFunction<SustainedWindow> f) {
        double[] v = w.stream().mapToDouble(f).filter(x -> x >= 0).sorted().toArray();
        return v.length == 0 ? "-" : String.format(Locale.ROOT, "%,.0f", v[(v.length - 1) / 2]);
    }

    private static String max(List<SustainedWindow> w, ToDoubleFunction<SustainedWindow> f) {
        return w.stream().mapToDouble(f).max().stream()
                .mapToObj(x -> String.format(Locale.ROOT, "%,.0f", x))
                .findFirst()
                .orElse("-");
    }
}
