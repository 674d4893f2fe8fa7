package io.rtprofile.local.faults;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The garbage a burst injects: every kind of record the contract says is rejected (§3: bad JSON, a
 * missing field, a wrong type, an unknown namespace, oversized), in turn. Each is one line, with no
 * newline inside, so that the fault-free reference run reads the same records from a file.
 */
final class BadRecords {

    /** Kinds in one round; a burst repeats them. */
    static final int KINDS = 7;

    private BadRecords() {}

    /**
     * {@code count} bad records, numbered from {@code first} (each distinct), an oversized one
     * being {@code maxEventBytes} plus a kilobyte.
     */
    static List<byte[]> burst(int first, int count, long maxEventBytes, long nowMillis) {
        List<byte[]> records = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            records.add(record(i, maxEventBytes, nowMillis).getBytes(StandardCharsets.UTF_8));
        }
        return records;
    }

    private static String record(int i, long maxEventBytes, long now) {
        String id = "\"eventId\":\"fault-bad-" + i + "\"";
        String identities =
                "\"identities\":[{\"namespace\":\"email\",\"id\":\"bad" + i + "@x.io\"}]";
        return switch (i % KINDS) {
            case 0 -> "not json at all " + i;
            case 1 -> "{" + id + ",\"timestamp\":" + now + ",\"type\":\"web.pageView\""; // cut off
            case 2 -> "{" + id + ",\"type\":\"web.pageView\"," + identities + "}"; // no timestamp
            case 3 -> "{" + id + ",\"timestamp\":\"yesterday\",\"type\":\"t\"," + identities + "}";
            case 4 ->
                    "{"
                            + id
                            + ",\"timestamp\":"
                            + now
                            + ",\"type\":\"t\",\"identities\":[{\"namespace\":\"passport\","
                            + "\"id\":\"P"
                            + i
                            + "\"}]}";
            case 5 -> "[" + i + ",\"an array, not an event\"]";
            default ->
                    "{"
                            + id
                            + ",\"timestamp\":"
                            + now
                            + ",\"type\":\"t\","
                            + identities
                            + ",\"attributes\":{\"blob\":\""
                            + "x".repeat((int) maxEventBytes + 1024)
                            + "\"}}";
        };
    }
}
