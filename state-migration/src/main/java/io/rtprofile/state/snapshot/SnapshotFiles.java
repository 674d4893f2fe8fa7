package io.rtprofile.state.snapshot;

import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableFileInput;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The files of a profile snapshot (docs/state-toolkit.md), written by {@code rtprofile state
 * export} and read by {@code rtprofile state bootstrap}.
 *
 * <ul>
 *   <li>JSON lines ({@value #JSON_LINES_FILE}): one contract profile (section 4, standing:
 *       memberships {@code existing}, no segment changes) a line, ordered by profileId, only keys
 *       that have a profile: the same shape as {@code rtprofile run --snapshot}. Read back, a line
 *       gives a snapshot with {@code profile} only ({@code engine} null), as a warehouse export
 *       would.
 *   <li>Avro ({@value #AVRO_FILE}): an object container file of {@link ProfileSnapshot}, deflate,
 *       every key with its engine state, in the order the reader produced them.
 * </ul>
 *
 * Both are written and read as a stream; only the JSON lines' sort spills to temporary files beyond
 * {@link #SORT_RUN} profiles.
 */
public final class SnapshotFiles {
    public static final String JSON_LINES_FILE = "profiles.jsonl";
    public static final String AVRO_FILE = "profiles.avro";

    /** Profiles sorted in memory before a sorted run spills to disk. */
    static final int SORT_RUN = 100_000;

    /** The first bytes of an Avro object container file. */
    public static final byte[] AVRO_MAGIC = {'O', 'b', 'j', 1};

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SnapshotFiles() {}

    /** The two file formats. */
    public enum Format {
        JSON_LINES,
        AVRO
    }

    /**
     * What an export wrote.
     *
     * @param keys profile-builder keys read
     * @param profiles keys that have a profile (the JSON lines)
     */
    public record Counts(long keys, long profiles) {
        /** Keys that hold only events waiting for the watermark (or other pending state). */
        public long pendingOnly() {
            return keys - profiles;
        }
    }

    /**
     * Writes the snapshots as they come to either file or both.
     *
     * @param jsonLines the JSON lines file, or null for none
     * @param avro the Avro file, or null for none
     */
    public static Counts write(Iterator<ProfileSnapshot> snapshots, Path jsonLines, Path avro)
            throws IOException {
        return write(snapshots, jsonLines, avro, SORT_RUN);
    }

    static Counts write(Iterator<ProfileSnapshot> snapshots, Path jsonLines, Path avro, int sortRun)
            throws IOException {
        long keys = 0;
        long profiles = 0;
        try (ProfileIdSort sorted = jsonLines == null ? null : new ProfileIdSort(sortRun);
                DataFileWriter<ProfileSnapshot> avroOut = avro == null ? null : avroWriter(avro)) {
            while (snapshots.hasNext()) {
                ProfileSnapshot snapshot = snapshots.next();
                keys++;
                if (snapshot.getProfile() != null) {
                    profiles++;
                    if (sorted != null) {
                        sorted.add(
                                snapshot.getProfileId(),
                                ProfileUpdateJson.toJson(snapshot.getProfile()));
                    }
                }
                if (avroOut != null) {
                    avroOut.append(snapshot);
                }
            }
            if (sorted != null) {
                try (BufferedWriter out =
                        Files.newBufferedWriter(jsonLines, StandardCharsets.UTF_8)) {
                    sorted.drain(
                            line -> {
                                out.write(line);
                                out.write('\n');
                            });
                }
            }
        }
        return new Counts(keys, profiles);
    }

    private static DataFileWriter<ProfileSnapshot> avroWriter(Path file) throws IOException {
        DataFileWriter<ProfileSnapshot> writer =
                new DataFileWriter<>(new SpecificDatumWriter<>(ProfileSnapshot.class));
        writer.setCodec(CodecFactory.deflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL));
        return writer.create(ProfileSnapshot.getClassSchema(), Files.newOutputStream(file));
    }

    /** Avro by its magic bytes ({@code Obj\u0001}); anything else is taken for JSON lines. */
    public static Format detect(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(AVRO_MAGIC.length);
            return Arrays.equals(head, AVRO_MAGIC) ? Format.AVRO : Format.JSON_LINES;
        }
    }

    /** Opens a snapshot file of either format (detected) for reading, one snapshot at a time. */
    public static Reader open(Path file) throws IOException {
        return detect(file) == Format.AVRO ? new AvroReader(file) : new JsonLinesReader(file);
    }

    /** Every snapshot of a file, in file order; for files that fit in memory. */
    public static List<ProfileSnapshot> readAll(Path file) throws IOException {
        List<ProfileSnapshot> all = new ArrayList<>();
        try (Reader reader = open(file)) {
            for (ProfileSnapshot s = reader.next(); s != null; s = reader.next()) {
                all.add(s);
            }
        }
        return all;
    }

    /**
     * One line of a JSON lines snapshot: a profile in the contract's shape, checked (profileId,
     * version, updatedAt and identities are required), as a snapshot without engine state.
     *
     * @throws IllegalArgumentException the reason the line is not a profile
     */
    public static ProfileSnapshot parseJsonLine(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode id = root.get("profileId");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            throw new IllegalArgumentException("no profileId (a non-empty string)");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.canConvertToLong() || !version.isIntegralNumber()) {
            throw new IllegalArgumentException("no version (an integer)");
        }
        if (version.asLong() < 0) {
            throw new IllegalArgumentException("version " + version.asLong() + " is negative");
        }
        if (root.get("updatedAt") == null) {
            throw new IllegalArgumentException("no updatedAt");
        }
        JsonNode identities = root.get("identities");
        if (identities == null || !identities.isArray() || identities.isEmpty()) {
            throw new IllegalArgumentException("no identities (a non-empty array)");
        }
        for (JsonNode identity : identities) {
            if (!identity.path("namespace").isTextual() || !identity.path("id").isTextual()) {
                throw new IllegalArgumentException(
                        "an identity without a namespace and an id: " + identity);
            }
        }
        for (String field : List.of("attributes", "segments", "scores")) {
            JsonNode value = root.get(field);
            if (value != null && !value.isObject()) {
                throw new IllegalArgumentException(field + " is not an object");
            }
        }
        ProfileUpdate profile;
        try {
            profile = ProfileUpdateJson.fromJson(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        return ProfileSnapshot.newBuilder()
                .setProfileId(profile.getProfileId())
                .setProfile(profile)
                .setEngine(null)
                .build();
    }

    /** Reads a snapshot file one snapshot at a time. */
    public interface Reader extends Closeable {
        Format format();

        /**
         * The next snapshot, or null at the end.
         *
         * @throws InvalidSnapshotException a line or block that is not a profile snapshot
         */
        ProfileSnapshot next() throws IOException;
    }

    private static final class AvroReader implements Reader {
        private final Path file;
        private final long size;
        private final DataFileReader<ProfileSnapshot> in;

        AvroReader(Path file) throws IOException {
            this.file = file;
            this.size = Files.size(file);
            try {
                this.in =
                        new DataFileReader<>(
                                new SeekableFileInput(file.toFile()),
                                new SpecificDatumReader<>(ProfileSnapshot.class));
            } catch (IOException | RuntimeException e) {
                throw new InvalidSnapshotException(
                        file + ": not an Avro file of profile snapshots: " + e.getMessage(), e);
            }
        }

        @Override
        public Format format() {
            return Format.AVRO;
        }

        @Override
        public ProfileSnapshot next() throws IOException {
            boolean more;
            try {
                more = in.hasNext();
                if (more) {
                    return in.next();
                }
            } catch (RuntimeException e) {
                // Avro wraps a corrupt block in runtime exceptions of several kinds.
                throw new InvalidSnapshotException(
                        file + ": unreadable Avro block: " + e.getMessage(), e);
            }
            // Avro takes a block cut short for the end of the file: a truncated copy would
            // silently lose its last profiles. A whole file ends right after a block's sync marker.
            if (in.previousSync() != size) {
                throw new InvalidSnapshotException(
                        file
                                + ": truncated: the last whole block ends at byte "
                                + in.previousSync()
                                + " of "
                                + size);
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static final class JsonLinesReader implements Reader {
        private final Path file;
        private final BufferedReader in;
        private long line;

        JsonLinesReader(Path file) throws IOException {
            this.file = file;
            // Strict UTF-8: a malformed byte is an error, not a silently replaced character.
            this.in =
                    new BufferedReader(
                            new InputStreamReader(
                                    Files.newInputStream(file),
                                    StandardCharsets.UTF_8
                                            .newDecoder()
                                            .onMalformedInput(CodingErrorAction.REPORT)));
        }

        @Override
        public Format format() {
            return Format.JSON_LINES;
        }

        @Override
        public ProfileSnapshot next() throws IOException {
            while (true) {
                String text;
                try {
                    text = in.readLine();
                } catch (CharacterCodingException e) {
                    throw new InvalidSnapshotException(
                            file + ":" + (line + 1) + ": not UTF-8 text", e);
                }
                if (text == null) {
                    return null;
                }
                line++;
                if (text.isBlank()) {
                    continue;
                }
                try {
                    return parseJsonLine(text);
                } catch (IllegalArgumentException e) {
                    throw invalid(e.getMessage());
                }
            }
        }

        private InvalidSnapshotException invalid(String reason) {
            return new InvalidSnapshotException(file + ":" + line + ": " + reason);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
