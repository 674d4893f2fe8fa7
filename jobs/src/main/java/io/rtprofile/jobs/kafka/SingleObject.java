package io.rtprofile.jobs.kafka;

import java.nio.ByteBuffer;

/** Avro single-object encoding as a byte array. */
final class SingleObject {
    private SingleObject() {}

    static byte[] bytes(ByteBuffer encoded) {
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }
}
