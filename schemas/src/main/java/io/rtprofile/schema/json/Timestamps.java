package io.rtprofile.schema.json;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Event times in the contract: ISO-8601 with a zone, or epoch milliseconds. */
public final class Timestamps {
    private Timestamps() {}

    /** Parses ISO-8601 with zone ("2026-11-01T10:00:00Z", "...+01:00") to epoch milliseconds. */
    public static long parseIso(String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            // Instant.parse wants 'Z'; offsets such as +01:00 need the offset parser.
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant()
                    .toEpochMilli();
        }
    }

    /** ISO-8601 UTC, with milliseconds only when there are some: "2026-11-01T10:00:00Z". */
    public static String format(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
