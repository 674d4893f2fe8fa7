package io.rtprofile.schema.json;

import io.rtprofile.schema.ProfileUpdate;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Records an earlier release wrote still decode: compacted topics keep them for ever. */
class WriterSchemasTest {

    @Test
    void theJarCarriesEveryReleasedSchema() throws Exception {
        // Maven runs tests from the module directory.
        try (Stream<Path> versions = Files.list(Path.of("released"))) {
            List<Path> dirs = versions.filter(Files::isDirectory).toList();
            assertThat(Files.readAllLines(Path.of("released", "versions.txt")))
                    .containsExactlyInAnyOrderElementsOf(
                            dirs.stream().map(d -> d.getFileName().toString()).toList());
            long files = 0;
            for (Path dir : dirs) {
                try (Stream<Path> schemas = Files.list(dir)) {
                    files += schemas.count();
                }
            }
            assertThat(WriterSchemas.released()).hasSize((int) files);
        }
    }

    @Test
    void aProfileUpdateOfTheFirstReleaseDecodes() throws Exception {
        Schema first =
                WriterSchemas.released().stream()
                        .filter(s -> s.getFullName().equals(ProfileUpdate.class.getName()))
                        .findFirst()
                        .orElseThrow();
        assertThat(first.getField("attributeOrigins")).isNull();
        byte[] value = encode(first, firstReleaseUpdate(first));
        assertThat(RecordJson.fingerprintOf(value))
                .isNotEqualTo(RecordJson.fingerprint(ProfileUpdate.getClassSchema()));

        ProfileUpdate update = ProfileUpdateJson.decode(value);

        assertThat(update.getProfileId()).isEqualTo("p-old");
        assertThat(update.getAttributes()).containsEntry("country", "FR");
        assertThat(update.getAttributeOrigins()).isEmpty();
        JsonNode json = Json.MAPPER.readTree(RecordJson.toJson(value));
        assertThat(json.at("/identities/0/id").asText()).isEqualTo("ann@example.com");
        assertThat(json.has("attributeOrigins")).isFalse();
    }

    private static GenericRecord firstReleaseUpdate(Schema schema) {
        Schema identity = schema.getField("identities").schema().getElementType();
        GenericRecord ann = new GenericData.Record(identity);
        ann.put("namespace", "email");
        ann.put("id", "ann@example.com");
        GenericRecord record = new GenericData.Record(schema);
        record.put("profileId", "p-old");
        record.put("version", 3L);
        record.put("updatedAt", 1_793_527_200_000L);
        record.put("identities", List.of(ann));
        record.put("attributes", Map.of("country", "FR"));
        record.put("segments", Map.of());
        record.put("segmentChanges", List.of());
        record.put("scores", Map.of());
        return record;
    }

    private static byte[] encode(Schema schema, GenericRecord record) throws Exception {
        ByteBuffer buffer =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
