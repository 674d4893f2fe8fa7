package io.rtprofile.local.demo;

import io.rtprofile.jobs.kafka.ProfileOutputSerializer;
import io.rtprofile.schema.Identity;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.SegmentChange;
import io.rtprofile.schema.json.RecordJson;
import io.rtprofile.schema.json.Timestamps;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Renders profile updates for a person watching the demo: one line per update with the identity
 * that names the profile and only what changed since its previous update, and a line per segment
 * transition, and a line for a profile that ended: absorbed by a merge or erased (a tombstone). At
 * most {@code maxLinesPerSecond} profile lines are printed; the rest are counted.
 */
final class ProfileChangePrinter {
    private final PrintStream out;
    private final int maxLinesPerSecond;
    private final Map<String, Map<String, Object>> lastAttributes = new HashMap<>();
    private long windowStart;
    private int linesInWindow;
    private long suppressed;

    ProfileChangePrinter(PrintStream out, int maxLinesPerSecond) {
        this.out = out;
        this.maxLinesPerSecond = maxLinesPerSecond;
    }

    /**
     * One record of {@code profile-updates}: an update, or a tombstone (null value), which says why
     * the profile ended in the job's headers.
     */
    void print(byte[] key, byte[] value, Headers headers) {
        if (value == null) {
            printTombstone(key, headers);
            return;
        }
        print(value);
    }

    /**
     * A tombstone as "p-x merged into p-y" or "p-x erased". Always printed, whatever the rate of
     * profile lines: like segment transitions, they are what a person watching wants to see.
     */
    private void printTombstone(byte[] key, Headers headers) {
        if (key == null) {
            return;
        }
        String profileId = new String(key, StandardCharsets.UTF_8);
        lastAttributes.remove(profileId);
        String reason = header(headers, ProfileOutputSerializer.TOMBSTONE_HEADER);
        String survivor = header(headers, ProfileOutputSerializer.SURVIVOR_HEADER);
        if ("merged".equals(reason) && survivor != null) {
            out.printf("%s merged into %s%n", profileId, survivor);
        } else if ("merged".equals(reason)) {
            out.printf("%s merged%n", profileId);
        } else if ("erased".equals(reason)) {
            out.printf("%s erased%n", profileId);
        } else {
            out.printf("%s deleted%n", profileId);
        }
    }

    private static String header(Headers headers, String name) {
        Header header = headers == null ? null : headers.lastHeader(name);
        return header == null || header.value() == null
                ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** One update's value; anything that is not an Avro profile update is skipped. */
    void print(byte[] value) {
        if (value == null) {
            return;
        }
        ProfileUpdate update;
        try {
            if (!RecordJson.isSingleObjectEncoded(value)) {
                return;
            }
            update = ProfileUpdate.fromByteBuffer(ByteBuffer.wrap(value));
        } catch (Exception e) {
            return;
        }
        Map<String, Object> previous =
                lastAttributes.put(update.getProfileId(), new HashMap<>(update.getAttributes()));
        for (SegmentChange change : update.getSegmentChanges()) {
            // Every transition is printed, whatever the rate of profile lines: they are the
            // point of the demo.
            out.printf(
                    "%s  %-22s %-8s %-30s %s%n",
                    Timestamps.format(change.getAt()),
                    update.getProfileId(),
                    change.getStatus(),
                    change.getSegmentId(),
                    name(update));
        }
        long now = System.currentTimeMillis();
        if (now - windowStart >= 1000) {
            if (suppressed > 0) {
                out.printf("  ... and %d more profile updates%n", suppressed);
            }
            windowStart = now;
            linesInWindow = 0;
            suppressed = 0;
        }
        if (linesInWindow >= maxLinesPerSecond) {
            suppressed++;
            return;
        }
        linesInWindow++;
        out.printf(
                "%s  %-22s v%-4d %-34s %s%n",
                Timestamps.format(update.getUpdatedAt()),
                update.getProfileId(),
                update.getVersion(),
                name(update),
                changes(previous, update.getAttributes()));
    }

    private static String name(ProfileUpdate update) {
        if (update.getIdentities().isEmpty()) {
            return "";
        }
        Identity first = update.getIdentities().get(0);
        String name = first.getNamespace() + ":" + first.getId();
        int more = update.getIdentities().size() - 1;
        return more > 0 ? name + " (+" + more + ")" : name;
    }

    private static String changes(Map<String, Object> before, Map<String, Object> after) {
        StringJoiner changed = new StringJoiner(" ");
        for (Map.Entry<String, Object> a : after.entrySet()) {
            if (before == null || !Objects.equals(before.get(a.getKey()), a.getValue())) {
                changed.add(a.getKey() + "=" + a.getValue());
            }
        }
        if (before != null) {
            for (String gone : before.keySet()) {
                if (!after.containsKey(gone)) {
                    changed.add(gone + " cleared");
                }
            }
        }
        return changed.length() == 0 ? "(identities)" : changed.toString();
    }
}
