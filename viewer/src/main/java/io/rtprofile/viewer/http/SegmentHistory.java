package io.rtprofile.viewer.http;

import io.rtprofile.viewer.store.HistoryBucket;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A segment's population over time, from the store's history buckets, in steps a chart can draw:
 * the population at the end of each step (all changes up to it) and the transitions within it.
 */
final class SegmentHistory {
    private SegmentHistory() {}

    /** A chart wants no more points than this; without a step, one is chosen to fit. */
    static final int MAX_POINTS = 200;

    private static final long[] NICE_STEPS = {
        1_000L,
        5_000L,
        10_000L,
        15_000L,
        30_000L,
        60_000L,
        300_000L,
        600_000L,
        900_000L,
        1_800_000L,
        3_600_000L,
        21_600_000L,
        43_200_000L,
        86_400_000L,
        7 * 86_400_000L,
        30 * 86_400_000L
    };

    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhd])");

    record Point(long at, long population, long realized, long exited) {}

    record Series(long step, List<Point> points) {}

    static Series of(
            List<HistoryBucket> buckets, long bucketMillis, Long from, Long to, Long step) {
        if (buckets.isEmpty()) {
            return new Series(step == null ? bucketMillis : step, List.of());
        }
        long first = buckets.get(0).start();
        long last = buckets.get(buckets.size() - 1).start() + bucketMillis;
        long start = from == null ? first : from;
        long end = to == null ? last : to;
        if (end <= start) {
            throw ApiException.badRequest("'to' must be after 'from'");
        }
        long width = step == null ? fitting(bucketMillis, end - start) : step;
        if (width % bucketMillis != 0) {
            throw ApiException.badRequest(
                    "'step' must be a multiple of the store's history bucket ("
                            + format(bucketMillis)
                            + "), not "
                            + format(width));
        }
        if ((end - start) / width > 10 * MAX_POINTS) {
            throw ApiException.badRequest(
                    "'step' "
                            + format(width)
                            + " gives more than "
                            + 10 * MAX_POINTS
                            + " points over that range: choose a larger one");
        }
        long origin = Math.floorDiv(start, width) * width;
        List<Point> points = new ArrayList<>();
        long population = 0;
        int i = 0;
        // Everything before the first step is its starting population.
        while (i < buckets.size() && buckets.get(i).start() < origin) {
            population += buckets.get(i).populationChange();
            i++;
        }
        for (long at = origin; at < end; at += width) {
            long realized = 0;
            long exited = 0;
            while (i < buckets.size() && buckets.get(i).start() < at + width) {
                HistoryBucket b = buckets.get(i++);
                population += b.populationChange();
                realized += b.realized();
                exited += b.exited();
            }
            points.add(new Point(at, population, realized, exited));
        }
        return new Series(width, points);
    }

    /** The smallest nice step (a multiple of the bucket) that keeps the points under the limit. */
    private static long fitting(long bucketMillis, long range) {
        for (long nice : NICE_STEPS) {
            if (nice >= bucketMillis && nice % bucketMillis == 0 && range / nice < MAX_POINTS) {
                return nice;
            }
        }
        long buckets = range / MAX_POINTS / bucketMillis + 1;
        return buckets * bucketMillis;
    }

    /** "30s", "5m", "1h", "1d". */
    static long parseDuration(String text, String name) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw ApiException.badRequest(
                    "'" + name + "' must be a duration like 30s, 5m, 1h or 1d, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> n * 1_000L;
            case "m" -> n * 60_000L;
            case "h" -> n * 3_600_000L;
            default -> n * 86_400_000L;
        };
    }

    static String format(long millis) {
        if (millis % 86_400_000L == 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1_000L == 0) {
            return millis / 1_000L + "s";
        }
        return millis + "ms";
    }
}
