package io.rtprofile.viewer.store;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Keys of the store: UTF-8 parts separated by a 0 byte, and longs big-endian with the sign bit
 * flipped, so that RocksDB's byte order is the order of the parts and a prefix of parts is a range.
 * A 0 byte inside a part (JSON allows it in strings) is replaced by 0x01, which only widens a
 * prefix scan by that character.
 */
final class StoreKeys {
    private StoreKeys() {}

    static final byte SEPARATOR = 0;

    /** Index values longer than this are cut: search is by prefix, and keys should stay small. */
    static final int MAX_INDEXED_CHARS = 120;

    static byte[] key(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.write(SEPARATOR);
            }
            Object part = parts[i];
            if (part instanceof Long value) {
                out.writeBytes(longBytes(value));
            } else {
                out.writeBytes(text(part.toString()));
            }
        }
        return out.toByteArray();
    }

    /** The key of the parts followed by a separator: every key that extends them. */
    static byte[] prefix(Object... parts) {
        byte[] key = key(parts);
        byte[] prefix = Arrays.copyOf(key, key.length + 1);
        prefix[key.length] = SEPARATOR;
        return prefix;
    }

    /** A prefix that ends inside a part (search by the beginning of a value). */
    static byte[] openPrefix(Object... parts) {
        return key(parts);
    }

    static byte[] text(String part) {
        return part.replace('\0', '\u0001').getBytes(StandardCharsets.UTF_8);
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value ^ Long.MIN_VALUE).array();
    }

    static long longAt(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes, offset, 8).getLong() ^ Long.MIN_VALUE;
    }

    /**
     * The text parts of a key after {@code skip} bytes; a part that is a long must be read with
     * {@link #longAt} instead.
     */
    static List<String> textParts(byte[] key, int skip) {
        List<String> parts = new ArrayList<>(4);
        int start = skip;
        for (int i = skip; i <= key.length; i++) {
            if (i == key.length || key[i] == SEPARATOR) {
                parts.add(new String(key, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return parts;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        return Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** How values are indexed for search: lower case, cut to {@link #MAX_INDEXED_CHARS}. */
    static String searchable(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        return lower.length() > MAX_INDEXED_CHARS ? lower.substring(0, MAX_INDEXED_CHARS) : lower;
    }
}
