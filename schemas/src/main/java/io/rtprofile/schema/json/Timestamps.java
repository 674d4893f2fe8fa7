package io.rtprofile.schema.json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Event times in the contract: ISO-8601 with a zone, or epoch milliseconds. */
public final class Timestamps {
    private Timestamps() {}

    /**
     * Parses ISO-8601 with zone ("2026-11-01T10:00:00Z", "...+01:00") to epoch milliseconds.
     *
     * @throws DateTimeException if it is not such a time, or not representable in epoch millis
     */
    public static long parseIso(String text) {
        try {
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException notInstant) {
                // Instant.parse wants 'Z'; offsets such as +01:00 need the offset parser.
                return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant()
                        .toEpochMilli();
            }
        } catch (ArithmeticException overflow) {
            throw new DateTimeException("out of the range of epoch milliseconds: " + text);
        }
    }

    /** ISO-8601 UTC, with milliseconds only when there are some: "2026-11-01T10:00:00Z". */
    public static String format(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
