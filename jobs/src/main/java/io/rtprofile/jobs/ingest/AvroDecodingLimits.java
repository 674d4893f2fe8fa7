package io.rtprofile.jobs.ingest;

/**
 * Bounds what a hostile Avro record can make the decoder allocate. A few bytes can claim an array
 * of two billion items or a string of two gigabytes, and Avro allocates before it finds the input
 * short. Avro reads these limits from system properties once, when its limit class loads, so they
 * are installed before the first decode (and never lowered below what our own state needs: no
 * profile has a million attributes or a 16 MB string).
 */
final class AvroDecodingLimits {
    private AvroDecodingLimits() {}

    static final String COLLECTION_ITEMS = "org.apache.avro.limits.collectionItems.maxLength";
    static final String STRING_LENGTH = "org.apache.avro.limits.string.maxLength";
    static final String BYTES_LENGTH = "org.apache.avro.limits.bytes.maxLength";

    static void install() {
        setIfAbsent(COLLECTION_ITEMS, "1000000");
        setIfAbsent(STRING_LENGTH, String.valueOf(16 * 1024 * 1024));
        setIfAbsent(BYTES_LENGTH, String.valueOf(16 * 1024 * 1024));
        // The limit class may have loaded already (a state serializer decodes first): make it
        // read the properties again. Package-private in Avro, hence reflection.
        try {
            java.lang.reflect.Method reset =
                    org.apache.avro.SystemLimitException.class.getDeclaredMethod("resetLimits");
            reset.setAccessible(true);
            reset.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A later Avro without the method reads the properties at load: nothing to do.
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
