package io.rtprofile.viewer;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a viewer follows, where it keeps its store and where it listens.
 *
 * @param bootstrapServers the Kafka cluster of the job's output
 * @param topic the job's profile updates topic
 * @param definitionsTopic the segment definitions topic, for segment names (null: ids only)
 * @param dataDir the store's directory; a restart with the same one resumes where it stopped
 * @param host the address to listen on
 * @param port the port to listen on (0: any free one)
 * @param historyBucket the width of a segment history bucket (fixed for a store's life)
 * @param blockCacheBytes RocksDB's block cache
 */
public record ViewerSettings(
        String bootstrapServers,
        String topic,
        String definitionsTopic,
        Path dataDir,
        String host,
        int port,
        Duration historyBucket,
        long blockCacheBytes) {

    public static final int DEFAULT_PORT = 8082;
    public static final Duration DEFAULT_BUCKET = Duration.ofMinutes(1);
    public static final long DEFAULT_BLOCK_CACHE = 128L << 20;

    /** The job's default topics, the default port, one-minute buckets. */
    public static ViewerSettings defaults(String bootstrapServers, Path dataDir) {
        return new ViewerSettings(
                bootstrapServers,
                "profile-updates",
                "segment-definitions",
                dataDir,
                "localhost",
                DEFAULT_PORT,
                DEFAULT_BUCKET,
                DEFAULT_BLOCK_CACHE);
    }

    public ViewerSettings withPort(int port) {
        return new ViewerSettings(
                bootstrapServers,
                topic,
                definitionsTopic,
                dataDir,
                host,
                port,
                historyBucket,
                blockCacheBytes);
    }

    public ViewerSettings withHistoryBucket(Duration bucket) {
        return new ViewerSettings(
                bootstrapServers,
                topic,
                definitionsTopic,
                dataDir,
                host,
                port,
                bucket,
                blockCacheBytes);
    }

    public ViewerSettings withTopics(String topic, String definitionsTopic) {
        return new ViewerSettings(
                bootstrapServers,
                topic,
                definitionsTopic,
                dataDir,
                host,
                port,
                historyBucket,
                blockCacheBytes);
    }
}
