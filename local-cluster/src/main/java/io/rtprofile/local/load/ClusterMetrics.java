package io.rtprofile.local.load;

import io.rtprofile.local.cluster.FlinkRestClient;
import io.rtprofile.local.cluster.LocalCluster;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a running job costs, sampled from the cluster: its latest checkpoint (Flink's REST API) and
 * the TaskManagers' memory, as the JVM sees its heap and as the kernel sees the whole process
 * (resident set: heap, metaspace, network buffers and RocksDB's native memory together).
 *
 * @param checkpointMillis end-to-end duration of the latest completed checkpoint
 * @param checkpointedBytes what that checkpoint wrote (incremental: the new files)
 * @param stateBytes the full state that checkpoint covers
 * @param heapUsedBytes JVM heap in use, summed over the TaskManagers
 * @param residentBytes resident set size, summed over the TaskManager processes
 * @param rocksDbBlockCacheBytes RocksDB's block cache in use, all slots; -1 unless the job enables
 *     {@code state.backend.rocksdb.metrics.block-cache-usage}
 * @param rocksDbMemTableBytes RocksDB's memtables, all column families of all operators; -1 unless
 *     the job enables {@code state.backend.rocksdb.metrics.cur-size-all-mem-tables}
 */
public record ClusterMetrics(
        long checkpointMillis,
        long checkpointedBytes,
        long stateBytes,
        long heapUsedBytes,
        long residentBytes,
        long rocksDbBlockCacheBytes,
        long rocksDbMemTableBytes) {

    /** The job settings that make RocksDB report the memory measured here. */
    public static final java.util.Map<String, String> ROCKSDB_MEMORY_METRICS =
            java.util.Map.of(
                    "state.backend.rocksdb.metrics.block-cache-usage", "true",
                    "state.backend.rocksdb.metrics.cur-size-all-mem-tables", "true");

    /**
     * Metric ids end in these, after {@code <operator>.<state>.rocksdb} and a separator (an
     * underscore in Flink 2.2: {@code Build_profiles.awaited-transfers.rocksdb_block-cache-usage}).
     */
    private static final String BLOCK_CACHE = "block-cache-usage";

    private static final String MEM_TABLES = "cur-size-all-mem-tables";

    /** A sample now; a value that cannot be read is -1. */
    public static ClusterMetrics sample(LocalCluster cluster, String jobId) {
        FlinkRestClient rest = cluster.rest();
        JsonNode latest =
                rest.get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        long heap = 0;
        for (JsonNode tm : rest.get("/taskmanagers").path("taskmanagers")) {
            for (JsonNode metric :
                    rest.get(
                            "/taskmanagers/"
                                    + tm.path("id").asText()
                                    + "/metrics?get=Status.JVM.Memory.Heap.Used")) {
                heap += metric.path("value").asLong();
            }
        }
        long resident = 0;
        for (LocalCluster.ProcessState process : cluster.processes()) {
            if (process.alive() && process.name().startsWith("taskmanager-")) {
                resident += residentBytes(process.pid());
            }
        }
        long blockCache = -1;
        long memTables = -1;
        for (JsonNode vertex : rest.get("/jobs/" + jobId).path("vertices")) {
            String subtasks = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText();
            List<String> ids = new ArrayList<>();
            for (JsonNode metric : rest.get(subtasks + "/subtasks/metrics")) {
                String id = metric.path("id").asText();
                if (id.contains("rocksdb")
                        && (id.endsWith(BLOCK_CACHE) || id.endsWith(MEM_TABLES))) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            JsonNode values =
                    rest.get(
                            subtasks
                                    + "/subtasks/metrics?agg=sum&get="
                                    + URLEncoder.encode(
                                            String.join(",", ids), StandardCharsets.UTF_8));
            for (JsonNode metric : values) {
                long bytes = (long) metric.path("sum").asDouble();
                if (metric.path("id").asText().endsWith(BLOCK_CACHE)) {
                    // One cache per slot, shared by every state of every RocksDB instance in it:
                    // each column family reports the same cache, so the largest is the total.
                    blockCache = Math.max(blockCache, bytes);
                } else {
                    memTables = Math.max(memTables, 0) + bytes;
                }
            }
        }
        return new ClusterMetrics(
                latest.path("end_to_end_duration").asLong(-1),
                latest.path("checkpointed_size").asLong(-1),
                latest.path("state_size").asLong(-1),
                heap,
                resident,
                blockCache,
                memTables);
    }

    /** VmRSS of a process from {@code /proc} (Linux); 0 where there is none. */
    static long residentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or the process is gone: nothing to add.
        }
        return 0;
    }
}
