package io.rtprofile.local.verify;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks "every bad record is in {@code events-rejected}, once" (contract sections 3 and 7) by
 * source offset: each input record is classified by the job's own parser (the caller passes the
 * verdict), and every rejection names the record it came from (topic, partition, offset). So a bad
 * record without a rejection is a loss, a second rejection of one record a duplicate, and a
 * rejection of a record the parser accepts (or one verify never read) is unexpected.
 *
 * <p>Classifying with the parser alone would let a parser bug pass unnoticed (the job and verify
 * would agree on it); {@link #expectBadRecords} adds the count the producer of the input knows it
 * injected (a fault suite's burst of garbage), which does not depend on the parser.
 */
public final class RejectionCheck {
    private final String eventsTopic;
    private final Set<Position> bad = new HashSet<>();

    /**
     * The offsets read per partition, first and last: valid events are not kept one by one, so that
     * verify's memory follows the bad records, not the size of the events topic. An offset in this
     * range that is not a bad record is a valid event (the job reads read_committed too, so it
     * never rejects an aborted record's offset).
     */
    private final Map<Integer, long[]> readRange = new HashMap<>();

    private final Map<Position, Integer> rejectionsOf = new HashMap<>();
    private final Findings missing = new Findings();
    private final Findings duplicated = new Findings();
    private final Findings unexpected = new Findings();
    private final Findings badCount = new Findings();
    private long recordsIn;
    private long rejections;
    private long outsideInput;
    private long withoutOrigin;
    private Long expectedBadRecords;

    public RejectionCheck(String eventsTopic) {
        this.eventsTopic = eventsTopic;
    }

    /** One record of the events topic and whether the job's parser rejects it. */
    public void inputRecord(int partition, long offset, boolean rejectedByParser) {
        recordsIn++;
        if (rejectedByParser) {
            bad.add(new Position(partition, offset));
        }
        long[] range = readRange.computeIfAbsent(partition, p -> new long[] {offset, offset});
        range[0] = Math.min(range[0], offset);
        range[1] = Math.max(range[1], offset);
    }

    /**
     * One record of {@code events-rejected}, by the origin it names; called after every {@link
     * #inputRecord}. One without a topic, partition or offset cannot be matched: the job rejects
     * some valid events after parsing, an event carrying an identity suppressed by {@code
     * privacy.delete} (docs/identity.md), and those rejections carry no source offset; they are
     * counted apart.
     */
    public void rejection(String topic, Integer partition, Long offset) {
        rejections++;
        if (topic == null || partition == null || offset == null) {
            withoutOrigin++;
            return;
        }
        Position position = new Position(partition, offset);
        long[] range = readRange.get(partition);
        if (!topic.equals(eventsTopic) || range == null || offset < range[0] || offset > range[1]) {
            // Another topic, or a record before the events topic's retention start: nothing to
            // match it against, and nothing wrong with it either.
            outsideInput++;
            return;
        }
        int count = rejectionsOf.merge(position, 1, Integer::sum);
        if (!bad.contains(position)) {
            unexpected.add("rejection of " + position + ", a valid event");
        } else if (count > 1) {
            duplicated.add(position + " rejected " + count + " times");
        }
    }

    /** The number of bad records the input is known to hold; checked by {@link #finish}. */
    public void expectBadRecords(long count) {
        this.expectedBadRecords = count;
    }

    /** Called once all records were seen: finds the bad records never rejected. */
    public void finish() {
        bad.stream()
                .sorted()
                .filter(p -> !rejectionsOf.containsKey(p))
                .forEach(p -> missing.add(p + " is not a valid event and was not rejected"));
        if (expectedBadRecords != null && expectedBadRecords != bad.size()) {
            badCount.add(
                    "the events topic holds "
                            + bad.size()
                            + " bad records, "
                            + expectedBadRecords
                            + " were expected (--bad-records)");
        }
    }

    public long recordsIn() {
        return recordsIn;
    }

    /** Records of the events topic the parser rejects. */
    public long badRecords() {
        return bad.size();
    }

    /** Records read from the rejected topic. */
    public long rejections() {
        return rejections;
    }

    /** Rejections of records verify did not read (another topic, or before retention). */
    public long outsideInput() {
        return outsideInput;
    }

    /** Rejections without a source offset: valid events the job refused later (suppression). */
    public long withoutOrigin() {
        return withoutOrigin;
    }

    public Findings missing() {
        return missing;
    }

    public Findings duplicated() {
        return duplicated;
    }

    public Findings unexpected() {
        return unexpected;
    }

    /** A mismatch with {@link #expectBadRecords}, if any. */
    public Findings badCount() {
        return badCount;
    }

    private record Position(int partition, long offset) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            return partition != o.partition
                    ? Integer.compare(partition, o.partition)
                    : Long.compare(offset, o.offset);
        }

        @Override
        public String toString() {
            return "partition " + partition + " offset " + offset;
        }
    }
}
