package io.rtprofile.local.job;

import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the savepoint fixtures share (docs/upgrades.md): where they live, the job they are taken of,
 * the probe customer, and how a profile is written into a fixture's {@code expected.json}.
 *
 * <p>A fixture directory {@code src/test/resources/savepoints/<release>/} holds {@code savepoint/}
 * (a canonical stop-with-savepoint of the Kafka job, RocksDB backend), {@code segments/} and {@code
 * models/} (the definitions in force when it was taken, restored with it) and {@code expected.json}
 * (the live profiles at the savepoint, read {@code read_committed}, and each source topic's end
 * offsets).
 */
final class SavepointFixtures {

    /** Relative to the module: surefire runs tests there. */
    static final Path ROOT = Path.of("src", "test", "resources", "savepoints");

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Buys for 600.5 before the savepoint and 500.5 after: high-value (lifetime > 1000) only if the
     * restored window remembers the first.
     */
    static final String PROBE_EMAIL = "probe@fixture.example";

    static final String HIGH_VALUE = "high-value";

    /** Segments whose windows (90 days and more) cannot expire between a fixture and its test. */
    static final List<String> LONG_WINDOW_SEGMENTS =
            List.of(HIGH_VALUE, "luxury-buyer", "big-basket");

    static final String MODEL = "purchase-propensity";

    private SavepointFixtures() {}

    /** Topic names (and transactional ids) of a release's fixture: the savepoint holds them. */
    static String topicSuffix(String release) {
        return "fixture-" + release;
    }

    /**
     * The definitions the fixtures' job runs with, written into {@code dir}: {@code
     * examples/segments}, and {@code examples/models} with a model that publishes a version every
     * 100 examples, so that a small run has model versions and scores.
     */
    static void writeDefinitions(Path dir) throws IOException {
        copyTree(Path.of("..", "examples", "segments"), dir.resolve("segments"));
        Files.createDirectories(dir.resolve("models"));
        String model =
                Files.readString(Path.of("..", "examples", "models", "purchase-propensity.yaml"));
        String faster =
                model.replaceFirst(
                        "(?m)^training: .*$",
                        "training: {publishEvery: 100, minExamples: 50, publishInterval: 1s,"
                                + " factors: 3}");
        if (faster.equals(model)) {
            throw new IllegalStateException("purchase-propensity.yaml has no 'training:' line");
        }
        Files.writeString(dir.resolve("models").resolve("purchase-propensity.yaml"), faster);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The Kafka job as the fixtures run it: unbounded, fixture definitions, 300 ms checkpoints. */
    static Configuration jobConfig(KafkaTopics topics, Path fixture, Path checkpoints) {
        Configuration config = topics.jobConfig();
        config.set(RtProfileOptions.STOP_AT_LATEST, false);
        config.set(RtProfileOptions.SEGMENTS_PATH, fixture.resolve("segments").toString());
        config.set(RtProfileOptions.MODELS_PATH, fixture.resolve("models").toString());
        // With models in force events wait for the watermark; a quiet partition must not hold it.
        config.set(RtProfileOptions.SOURCE_IDLENESS, Duration.ofSeconds(1));
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return JobConfiguration.withJobDefaults(config);
    }

    static byte[] event(
            String id, String type, Instant time, Identity identity, String properties) {
        return ("{\"eventId\":\""
                        + id
                        + "\",\"timestamp\":\""
                        + time
                        + "\",\"type\":\""
                        + type
                        + "\",\"identities\":[{\"namespace\":\""
                        + identity.getNamespace()
                        + "\",\"id\":\""
                        + identity.getId()
                        + "\"}],\"properties\":"
                        + properties
                        + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static Identity email(String address) {
        return new Identity("email", address);
    }

    /** A profile as {@code expected.json} keeps it. */
    static ObjectNode toJson(ProfileUpdate update) {
        ObjectNode profile = JSON.createObjectNode();
        profile.put("profileId", update.getProfileId().toString());
        profile.put("version", update.getVersion());
        ArrayNode identities = profile.putArray("identities");
        new TreeSet<>(identities(update)).forEach(identities::add);
        profile.set("attributes", attributes(update));
        ArrayNode segments = profile.putArray("segments");
        new TreeSet<>(segments(update)).forEach(segments::add);
        profile.put("scored", update.getScores().containsKey(MODEL));
        return profile;
    }

    static List<String> identities(ProfileUpdate update) {
        List<String> ids = new ArrayList<>();
        update.getIdentities().forEach(i -> ids.add(i.getNamespace() + ":" + i.getId()));
        return ids;
    }

    static List<String> segments(ProfileUpdate update) {
        List<String> ids = new ArrayList<>();
        update.getSegments().keySet().forEach(s -> ids.add(s.toString()));
        return ids;
    }

    /** The attributes as JSON, normalised by a round trip so that they compare with a file's. */
    static JsonNode attributes(ProfileUpdate update) {
        Map<String, Object> plain = new TreeMap<>();
        update.getAttributes().forEach((k, v) -> plain.put(k.toString(), plain(v)));
        try {
            return JSON.readTree(JSON.writeValueAsString(plain));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object plain(Object value) {
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof List<?> list) {
            List<Object> values = new ArrayList<>();
            list.forEach(v -> values.add(plain(v)));
            return values;
        }
        return value;
    }
}
