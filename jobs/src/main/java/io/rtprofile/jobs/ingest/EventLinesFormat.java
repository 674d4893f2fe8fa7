package io.rtprofile.jobs.ingest;

import io.rtprofile.schema.EventOrigin;
import io.rtprofile.schema.internal.IngestedRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

import javax.annotation.Nullable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a JSON-lines file of events for {@code rtprofile run}: one event a line, blank lines
 * skipped, each bad line rejected with its file and line number. Lines are read as bytes so that a
 * line that is not UTF-8 is rejected with its exact content, like a Kafka record. A line longer
 * than the event size limit is not held in memory: it is rejected as oversized from its first
 * bytes.
 *
 * <p>The format is not splittable, so on recovery Flink re-reads the file and skips the records
 * already emitted; line numbers are therefore counted from the file's start on every read.
 */
public final class EventLinesFormat extends SimpleStreamFormat<IngestedRecord> {
    private static final long serialVersionUID = 1L;

    private final String fileName;
    private final EventParser parser;
    private final int maxLineBytes;

    public EventLinesFormat(String fileName, EventParser parser, long maxEventBytes) {
        this.fileName = fileName;
        this.parser = parser;
        this.maxLineBytes = (int) Math.min(Integer.MAX_VALUE - 16, maxEventBytes);
    }

    @Override
    public StreamFormat.Reader<IngestedRecord> createReader(
            Configuration config, FSDataInputStream stream) {
        return new Reader(stream);
    }

    @Override
    public TypeInformation<IngestedRecord> getProducedType() {
        return new AvroTypeInfo<>(IngestedRecord.class);
    }

    /** Reads lines as bytes through its own buffer, scanning a chunk at a time for '\n'. */
    private final class Reader implements StreamFormat.Reader<IngestedRecord> {
        private final InputStream in;
        private final byte[] buffer = new byte[1 << 16];
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        private int position;
        private int limit;
        private long lineNumber;

        Reader(InputStream in) {
            this.in = in;
        }

        @Nullable
        @Override
        public IngestedRecord read() throws IOException {
            while (true) {
                line.reset();
                boolean oversized = false;
                if (position == limit && !fill()) {
                    return null;
                }
                lineNumber++;
                boolean ended = false;
                while (!ended) {
                    if (position == limit && !fill()) {
                        break; // the last line has no '\n'
                    }
                    int end = position;
                    while (end < limit && buffer[end] != '\n') {
                        end++;
                    }
                    ended = end < limit;
                    // Keep at most limit+1 bytes: enough for the parser to call it oversized.
                    int room = maxLineBytes + 1 - line.size();
                    int take = Math.min(end - position, Math.max(room, 0));
                    line.write(buffer, position, take);
                    oversized |= take < end - position;
                    position = ended ? end + 1 : end;
                }
                // An oversized line keeps limit+1 bytes, whatever they end with, so that the parser
                // rejects it as oversized (a CR at the limit must not make it fit).
                byte[] bytes =
                        oversized ? line.toByteArray() : stripCarriageReturn(line.toByteArray());
                if (!oversized && isBlank(bytes)) {
                    continue;
                }
                EventOrigin origin =
                        EventOrigin.newBuilder().setFile(fileName).setLine(lineNumber).build();
                return parser.parse(bytes, origin, System.currentTimeMillis());
            }
        }

        private boolean fill() throws IOException {
            int n = in.read(buffer);
            position = 0;
            limit = Math.max(n, 0);
            return n > 0;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static byte[] stripCarriageReturn(byte[] bytes) {
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            return java.util.Arrays.copyOf(bytes, bytes.length - 1);
        }
        return bytes;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
