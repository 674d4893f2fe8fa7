package io.rtprofile.schema.json;

import io.rtprofile.schema.compat.ReleasedSchemas;

import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The writer schemas of earlier releases ({@code schemas/released/}, packaged in this jar), so that
 * a reader of a topic decodes what an earlier release wrote: a single-object record names its
 * writer schema only by fingerprint, and a compacted topic keeps old records for ever.
 */
public final class WriterSchemas {
    private WriterSchemas() {}

    private static final String RELEASED = "/io/rtprofile/schema/released/";

    private static final List<Schema> RELEASED_SCHEMAS = load();

    /** Every released schema, for {@code createDecoder(SchemaStore)} of the generated classes. */
    public static final SchemaStore.Cache STORE = store();

    /** The released schemas, oldest release first; several may share a full name. */
    public static List<Schema> released() {
        return RELEASED_SCHEMAS;
    }

    private static SchemaStore.Cache store() {
        SchemaStore.Cache cache = new SchemaStore.Cache();
        RELEASED_SCHEMAS.forEach(cache::addSchema);
        return cache;
    }

    private static List<Schema> load() {
        List<Schema> schemas = new ArrayList<>();
        for (String version : lines(RELEASED + "versions.txt")) {
            for (Schema controlled : ReleasedSchemas.CONTROLLED.keySet()) {
                String path = RELEASED + version + "/" + controlled.getFullName() + ".avsc";
                try (InputStream in = WriterSchemas.class.getResourceAsStream(path)) {
                    if (in != null) {
                        schemas.add(new Schema.Parser().parse(in));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + path, e);
                }
            }
        }
        return Collections.unmodifiableList(schemas);
    }

    private static List<String> lines(String path) {
        List<String> lines = new ArrayList<>();
        try (InputStream in = WriterSchemas.class.getResourceAsStream(path)) {
            if (in == null) {
                return lines;
            }
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        return lines;
    }
}
