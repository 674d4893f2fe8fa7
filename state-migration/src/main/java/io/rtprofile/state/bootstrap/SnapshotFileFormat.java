package io.rtprofile.state.bootstrap;

import io.rtprofile.schema.ProfileSnapshot;
import io.rtprofile.state.snapshot.SnapshotFiles;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a profile snapshot file into a job, so that a bootstrap streams it rather than holding it
 * on the client: an Avro object container file of {@link ProfileSnapshot} ({@code rtprofile state
 * export}, engine state included), or JSON lines of contract profiles ({@code state export}'s
 * {@code profiles.jsonl}, {@code rtprofile run --snapshot}, a warehouse export), told apart by the
 * Avro magic bytes. The CLI checks the whole file first with {@link SnapshotFiles#open}, which
 * reports a bad line with its file and number; this reader fails the job on one.
 */
public final class SnapshotFileFormat extends SimpleStreamFormat<ProfileSnapshot> {
    private static final long serialVersionUID = 1L;

    @Override
    public StreamFormat.Reader<ProfileSnapshot> createReader(
            Configuration config, FSDataInputStream stream) throws IOException {
        BufferedInputStream in = new BufferedInputStream(stream);
        in.mark(SnapshotFiles.AVRO_MAGIC.length);
        byte[] head = in.readNBytes(SnapshotFiles.AVRO_MAGIC.length);
        in.reset();
        if (Arrays.equals(head, SnapshotFiles.AVRO_MAGIC)) {
            return new AvroReader(in);
        }
        return new JsonLinesReader(in);
    }

    @Override
    public TypeInformation<ProfileSnapshot> getProducedType() {
        return new AvroTypeInfo<>(ProfileSnapshot.class);
    }

    private static final class AvroReader implements StreamFormat.Reader<ProfileSnapshot> {
        private final DataFileStream<ProfileSnapshot> records;

        AvroReader(InputStream in) throws IOException {
            records = new DataFileStream<>(in, new SpecificDatumReader<>(ProfileSnapshot.class));
        }

        @Override
        public ProfileSnapshot read() {
            return records.hasNext() ? records.next() : null;
        }

        @Override
        public void close() throws IOException {
            records.close();
        }
    }

    private static final class JsonLinesReader implements StreamFormat.Reader<ProfileSnapshot> {
        private final BufferedReader lines;
        private long line;

        JsonLinesReader(InputStream in) {
            lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }

        @Override
        public ProfileSnapshot read() throws IOException {
            String text;
            do {
                text = lines.readLine();
                line++;
            } while (text != null && text.isBlank());
            if (text == null) {
                return null;
            }
            try {
                return SnapshotFiles.parseJsonLine(text);
            } catch (IllegalArgumentException e) {
                throw new IOException("line " + line + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }
}
