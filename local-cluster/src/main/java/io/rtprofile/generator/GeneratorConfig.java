package io.rtprofile.generator;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to generate: how many customers, how many events, from which seed, over which stretch of
 * event time.
 *
 * <p>The same configuration always yields byte-identical output. The customers themselves (names,
 * identities, traits) depend only on {@code seed} and their index, so a run with more events over
 * the same seed and profile count describes the same people.
 *
 * @param profiles number of customers (people), 1 to {@value #MAX_PROFILES}
 * @param events exact number of events to produce, {@code >= 0}
 * @param seed seed of every random choice
 * @param start event time of the beginning of the data
 * @param span length of event time the events are spread over; every timestamp lies in {@code
 *     [start, start + span]}
 */
public record GeneratorConfig(int profiles, long events, long seed, Instant start, Duration span) {

    /** A fixed default start so that runs without {@code --start} are reproducible. */
    public static final Instant DEFAULT_START = Instant.parse("2026-11-01T00:00:00Z");

    public static final Duration DEFAULT_SPAN = Duration.ofDays(30);

    public static final long DEFAULT_SEED = 42L;

    /** Identities are derived from 8-digit numbers; beyond this they would collide. */
    public static final int MAX_PROFILES = 10_000_000;

    /** Timestamps are written with four-digit years. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private static final Pattern SHORT_DURATION =
            Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)", Pattern.CASE_INSENSITIVE);

    public GeneratorConfig {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(span, "span");
        if (profiles < 1 || profiles > MAX_PROFILES) {
            throw new IllegalArgumentException(
                    "profiles must be between 1 and " + MAX_PROFILES + ", got " + profiles);
        }
        if (events < 0) {
            throw new IllegalArgumentException("events must be >= 0, got " + events);
        }
        if (span.isNegative() || span.toMillis() < 1) {
            throw new IllegalArgumentException("span must be at least 1ms, got " + span);
        }
        if (start.isBefore(Instant.EPOCH) || start.isAfter(LATEST)) {
            throw new IllegalArgumentException(
                    "start must lie between "
                            + Instant.EPOCH
                            + " and "
                            + LATEST
                            + ", got "
                            + start);
        }
        if (span.compareTo(Duration.between(start, LATEST)) > 0) {
            throw new IllegalArgumentException(
                    "start + span must not pass " + LATEST + ", got " + start + " + " + span);
        }
    }

    /** {@code profiles} customers, {@code events} events, default start and span. */
    public static GeneratorConfig of(int profiles, long events, long seed) {
        return new GeneratorConfig(profiles, events, seed, DEFAULT_START, DEFAULT_SPAN);
    }

    /**
     * Events for a live feed: {@code eventsPerSecond * duration} events whose timestamps start at
     * {@code start} (typically now) and advance at {@code eventsPerSecond} events per second of
     * event time. A feed that sends each event when the wall clock reaches its timestamp keeps
     * event time and wall-clock time together; one that sends at a fixed rate runs up to half a
     * session (a minute or two) ahead. For a feed that runs "until stopped", pass a long duration.
     */
    public static GeneratorConfig live(
            int profiles, long seed, Instant start, double eventsPerSecond, Duration duration) {
        if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException(
                    "eventsPerSecond must be > 0, got " + eventsPerSecond);
        }
        Objects.requireNonNull(duration, "duration");
        double events = eventsPerSecond * duration.toMillis() / 1000.0;
        if (events >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("duration too long for the rate: " + duration);
        }
        return new GeneratorConfig(profiles, Math.round(events), seed, start, duration);
    }

    public GeneratorConfig withStart(Instant newStart) {
        return new GeneratorConfig(profiles, events, seed, newStart, span);
    }

    public GeneratorConfig withSpan(Duration newSpan) {
        return new GeneratorConfig(profiles, events, seed, start, newSpan);
    }

    /** The largest timestamp an event can have. */
    public Instant end() {
        return start.plus(span);
    }

    /**
     * Parses a duration as users write it: {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s},
     * {@code 500ms}, {@code 2w}, combinations like {@code 1d12h}, or ISO-8601 ({@code PT36H}).
     *
     * @throws IllegalArgumentException with a message naming the accepted forms
     */
    public static Duration parseDuration(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (s.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalidDuration(text);
            }
        }
        Matcher m = SHORT_DURATION.matcher(s);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw invalidDuration(text);
            }
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw invalidDuration(text);
            }
            Duration unit =
                    switch (m.group(2).toLowerCase(Locale.ROOT)) {
                        case "ms" -> Duration.ofMillis(1);
                        case "s" -> Duration.ofSeconds(1);
                        case "m" -> Duration.ofMinutes(1);
                        case "h" -> Duration.ofHours(1);
                        case "d" -> Duration.ofDays(1);
                        default -> Duration.ofDays(7);
                    };
            try {
                total = total.plus(unit.multipliedBy(n));
            } catch (ArithmeticException e) {
                throw invalidDuration(text);
            }
            at = m.end();
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
                at++;
            }
        }
        return total;
    }

    private static IllegalArgumentException invalidDuration(String text) {
        return new IllegalArgumentException(
                "invalid duration '"
                        + text
                        + "': use a number and a unit (ms, s, m, h, d, w) such as 30d or 12h,"
                        + " or ISO-8601 such as PT36H");
    }
}
