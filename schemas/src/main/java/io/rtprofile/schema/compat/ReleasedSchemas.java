package io.rtprofile.schema.compat;

import io.rtprofile.schema.ExperienceEvent;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.RejectedEvent;
import io.rtprofile.schema.state.ProfileState;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The schemas of every release, kept in {@code schemas/released/<version>/<full name>.avsc} (each
 * self-contained), and the check that the current schemas can still read what a release wrote.
 *
 * <p>Written data outlives code: events in Kafka, profile updates in downstream stores, profile
 * state in savepoints. So the current reader schema of each must be able to read data written with
 * the last release's schema (backward compatible). The topic schemas are read by other people's
 * consumers too, so for them an old reader must also be able to read new data (forward compatible).
 */
public final class ReleasedSchemas {
    private ReleasedSchemas() {}

    /** The schemas under compatibility control, and whether other people's code reads them. */
    public static final Map<Schema, Boolean> CONTROLLED =
            Map.of(
                    ExperienceEvent.getClassSchema(), true,
                    ProfileUpdate.getClassSchema(), true,
                    RejectedEvent.getClassSchema(), true,
                    ProfileState.getClassSchema(), false);

    /** Writes the current schemas as release {@code version} (run when cutting a release). */
    public static void release(Path releasedDir, String version) throws IOException {
        Path dir = releasedDir.resolve(version);
        Files.createDirectories(dir);
        for (Schema schema : CONTROLLED.keySet()) {
            Files.writeString(
                    dir.resolve(schema.getFullName() + ".avsc"),
                    schema.toString(true) + "\n",
                    StandardCharsets.UTF_8);
        }
        // The index the jar's WriterSchemas reads (a jar's folders cannot be listed).
        Path index = releasedDir.resolve("versions.txt");
        TreeSet<String> versions = new TreeSet<>(Comparator.comparing(ReleasedSchemas::versionKey));
        if (Files.exists(index)) {
            Files.readAllLines(index).stream()
                    .filter(l -> !l.isBlank())
                    .map(String::strip)
                    .forEach(versions::add);
        }
        versions.add(version);
        Files.write(index, versions, StandardCharsets.UTF_8);
    }

    /** The newest release directory (by version order), if any. */
    public static Optional<Path> latestRelease(Path releasedDir) throws IOException {
        if (!Files.isDirectory(releasedDir)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(releasedDir)) {
            return versions.filter(Files::isDirectory)
                    .max(Comparator.comparing(p -> versionKey(p.getFileName().toString())));
        }
    }

    /** Every incompatibility of the current schemas with a release; empty when compatible. */
    public static List<String> incompatibilities(Path releaseDir) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Schema, Boolean> controlled : CONTROLLED.entrySet()) {
            Schema current = controlled.getKey();
            Path file = releaseDir.resolve(current.getFullName() + ".avsc");
            if (!Files.exists(file)) {
                continue; // new since that release: nothing old to read
            }
            Schema released = new Schema.Parser().parse(file.toFile());
            check(problems, "backward", current, released, file);
            if (controlled.getValue()) {
                check(problems, "forward", released, current, file);
            }
        }
        try (Stream<Path> files = Files.list(releaseDir)) {
            files.map(f -> f.getFileName().toString().replaceFirst("\\.avsc$", ""))
                    .filter(
                            name ->
                                    CONTROLLED.keySet().stream()
                                            .noneMatch(s -> s.getFullName().equals(name)))
                    .forEach(
                            name ->
                                    problems.add(
                                            name
                                                    + " was released in "
                                                    + releaseDir.getFileName()
                                                    + " but is gone: data written with it can no"
                                                    + " longer be read"));
        }
        return problems;
    }

    private static void check(
            List<String> problems, String direction, Schema reader, Schema writer, Path file) {
        SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add(
                    reader.getFullName()
                            + " is not "
                            + direction
                            + " compatible with "
                            + file
                            + ": "
                            + result.getResult().getIncompatibilities());
        }
    }

    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("[.-]")) {
            key.append(part.matches("\\d+") ? String.format("%08d", Long.parseLong(part)) : part)
                    .append('.');
        }
        return key.toString();
    }

    /** {@code ReleasedSchemas <released-dir> <version>}: record a release's schemas. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ReleasedSchemas <schemas/released> <version>");
            System.exit(2);
        }
        release(Path.of(args[0]), args[1]);
    }
}
