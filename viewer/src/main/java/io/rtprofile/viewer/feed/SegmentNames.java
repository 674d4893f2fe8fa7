package io.rtprofile.viewer.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of the segments in force, from the compacted {@code segment-definitions} topic (key =
 * id, value = the definition's YAML or JSON text, tombstone = removed). Read from the beginning at
 * every start: the topic holds one record per definition, so there is nothing worth storing.
 */
public final class SegmentNames {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, String> names = new ConcurrentHashMap<>();

    /** One record of the definitions topic; a text that does not parse leaves the name unknown. */
    public void accept(byte[] key, byte[] value) {
        if (key == null) {
            return;
        }
        String id = new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            names.remove(id);
            return;
        }
        try {
            JsonNode definition = YAML.readTree(value);
            JsonNode name = definition == null ? null : definition.get("name");
            if (name != null && name.isTextual() && !name.asText().isBlank()) {
                names.put(id, name.asText());
            } else {
                names.remove(id);
            }
        } catch (Exception e) {
            names.remove(id);
        }
    }

    public Optional<String> name(String segmentId) {
        return Optional.ofNullable(names.get(segmentId));
    }
}
