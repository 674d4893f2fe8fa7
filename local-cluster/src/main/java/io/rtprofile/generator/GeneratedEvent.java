package io.rtprofile.generator;

import java.time.Instant;

/**
 * One generated event with what the generator knows about it: the JSON line a consumer sees, and
 * the ground truth behind it (which customer it belongs to), for tests and benchmarks.
 *
 * @param sequence 0-based position in the output
 * @param eventId the event's {@code eventId}
 * @param timestampMillis the event's {@code timestamp}, epoch millis
 * @param customer index of the customer (person) the event belongs to, {@code 0..profiles-1}; 0 is
 *     the most active
 * @param type the event's {@code type}
 * @param json the event, one line of UTF-8 JSON without a line terminator (contract section 3)
 */
public record GeneratedEvent(
        long sequence,
        String eventId,
        long timestampMillis,
        int customer,
        String type,
        String json) {

    public Instant timestamp() {
        return Instant.ofEpochMilli(timestampMillis);
    }
}
