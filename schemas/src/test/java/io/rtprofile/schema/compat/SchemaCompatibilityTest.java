package io.rtprofile.schema.compat;

import io.rtprofile.schema.ProfileUpdate;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build-time guard: {@code mvn verify} fails when a schema change cannot read what the last
 * release wrote (or, for topic schemas, when old consumers cannot read what we now write).
 */
class SchemaCompatibilityTest {

    /** Maven runs tests from the module directory. */
    private static final Path RELEASED = Path.of("released");

    @Test
    void currentSchemasReadEveryReleasedSchema() throws Exception {
        Path latest = ReleasedSchemas.latestRelease(RELEASED).orElseThrow();
        assertThat(ReleasedSchemas.incompatibilities(latest)).isEmpty();
    }

    @Test
    void everyReleaseStaysReadable() throws Exception {
        try (var versions = Files.list(RELEASED)) {
            versions.filter(Files::isDirectory)
                    .forEach(
                            version -> {
                                try {
                                    assertThat(ReleasedSchemas.incompatibilities(version))
                                            .as("release " + version.getFileName())
                                            .isEmpty();
                                } catch (Exception e) {
                                    throw new AssertionError(e);
                                }
                            });
        }
    }

    @Test
    void theCheckCatchesAnIncompatibleChange(@TempDir Path dir) throws Exception {
        // A release whose ProfileUpdate had a field without default that we no longer have is
        // fine to read; one that lacks a field we now require (no default) is not.
        Schema withExtraRequired =
                SchemaBuilder.record(ProfileUpdate.getClassSchema().getName())
                        .namespace(ProfileUpdate.getClassSchema().getNamespace())
                        .fields()
                        .requiredString("profileId")
                        .endRecord();
        Path release = dir.resolve("9.9.9");
        Files.createDirectories(release);
        Files.writeString(
                release.resolve(ProfileUpdate.getClassSchema().getFullName() + ".avsc"),
                withExtraRequired.toString());
        assertThat(ReleasedSchemas.incompatibilities(release))
                .anySatisfy(p -> assertThat(p).contains("not backward compatible"));
    }

    @Test
    void aRemovedSchemaIsReported(@TempDir Path dir) throws Exception {
        Path release = dir.resolve("1.0.0");
        Files.createDirectories(release);
        Files.writeString(
                release.resolve("io.rtprofile.schema.Gone.avsc"),
                SchemaBuilder.record("Gone")
                        .namespace("io.rtprofile.schema")
                        .fields()
                        .endRecord()
                        .toString());
        assertThat(ReleasedSchemas.incompatibilities(release))
                .anySatisfy(p -> assertThat(p).contains("is gone"));
    }

    @Test
    void releasesSortByVersionNumber(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("0.9.0"));
        Files.createDirectories(dir.resolve("0.10.0"));
        assertThat(ReleasedSchemas.latestRelease(dir)).contains(dir.resolve("0.10.0"));
    }
}
