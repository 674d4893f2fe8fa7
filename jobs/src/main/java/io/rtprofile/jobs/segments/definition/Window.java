package io.rtprofile.jobs.segments.definition;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code within} of an aggregate or sequence: a length ({@code 30s}, {@code 15m}, {@code 1h},
 * {@code 90d}) or {@code lifetime}. An event is inside at time t when {@code t - length < timestamp
 * <= t}.
 *
 * @param length empty for {@code lifetime}
 */
public record Window(Optional<Duration> length) {

    public static final Window LIFETIME = new Window(Optional.empty());

    private static final Pattern SYNTAX = Pattern.compile("([1-9][0-9]{0,9})([smhd])");

    public Window {
        if (length.isPresent() && (length.get().isNegative() || length.get().isZero())) {
            throw new IllegalArgumentException("window length must be positive: " + length.get());
        }
    }

    public static Window of(Duration length) {
        return new Window(Optional.of(length));
    }

    public boolean isLifetime() {
        return length.isEmpty();
    }

    /**
     * Parses the contract's syntax.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static Window parse(String text) {
        if ("lifetime".equals(text)) {
            return LIFETIME;
        }
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "bad window '"
                            + text
                            + "': expected a positive whole number followed by s, m, h or d"
                            + " (e.g. 30d), or lifetime");
        }
        long n = Long.parseLong(m.group(1));
        Duration d =
                switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
        return of(d);
    }

    /** The window in milliseconds; {@link Long#MAX_VALUE} for {@code lifetime}. */
    public long millis() {
        return length.map(Duration::toMillis).orElse(Long.MAX_VALUE);
    }

    /**
     * The contract's syntax, in the largest unit that divides the length: what {@link #parse}
     * reads.
     */
    public String text() {
        if (length.isEmpty()) {
            return "lifetime";
        }
        long seconds = length.get().toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        } else if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        } else if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    @Override
    public String toString() {
        return length.map(Duration::toString).orElse("lifetime");
    }
}
