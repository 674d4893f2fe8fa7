package io.rtprofile.jobs.kafka;

import io.rtprofile.jobs.config.OutputFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** A record's Kafka value in the configured format: Avro single-object encoding or JSON. */
final class ValueEncoding {
    private ValueEncoding() {}

    /** The generated classes' {@code toByteBuffer}: single-object encoding. */
    interface SingleObjectEncoder<T> {
        ByteBuffer encode(T record) throws IOException;
    }

    static <T> byte[] encode(
            T record, OutputFormat format, SingleObjectEncoder<T> avro, Function<T, String> json) {
        if (format == OutputFormat.JSON) {
            return json.apply(record).getBytes(StandardCharsets.UTF_8);
        }
        return avro(record, avro);
    }

    /** Avro single-object encoding, whatever the output format (internal topics). */
    static <T> byte[] avro(T record, SingleObjectEncoder<T> avro) {
        try {
            ByteBuffer encoded = avro.encode(record);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
