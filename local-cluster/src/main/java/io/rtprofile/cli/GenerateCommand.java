package io.rtprofile.cli;

import io.rtprofile.cli.RtProfileCli.UsageException;
import io.rtprofile.generator.EventGenerator;
import io.rtprofile.generator.GeneratorConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/** {@code rtprofile generate}: realistic synthetic customer events as JSON lines. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Writes realistic synthetic customer events as JSON lines (one event a line).",
            "Skewed activity across customers; web sessions of views, searches, carts and"
                    + " purchases; anonymous devices that later log in with an email; CRM records,"
                    + " store purchases, app opens and consent updates. The same arguments always"
                    + " give the same file."
        })
public final class GenerateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--profiles",
            required = true,
            paramLabel = "N",
            description = "Number of customers (people), 1 to 10000000.")
    int profiles;

    @Option(
            names = "--events",
            required = true,
            paramLabel = "M",
            description = "Exact number of events to write.")
    long events;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "42",
            description = "Seed of all random choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "F.jsonl",
            description = "File to write (replaced if it exists); '-' for standard output.")
    String output;

    @Option(
            names = "--start",
            paramLabel = "TIME",
            defaultValue = "2026-11-01T00:00:00Z",
            description =
                    "Event time of the first events: ISO-8601 (2026-11-01T00:00:00Z, 2026-11-01),"
                            + " epoch milliseconds, or 'now' (default: ${DEFAULT-VALUE}).")
    String start;

    @Option(
            names = "--span",
            paramLabel = "DURATION",
            defaultValue = "30d",
            description =
                    "Event time the events spread over, such as 30d, 12h or PT90M; all timestamps"
                            + " lie in [start, start + span] (default: ${DEFAULT-VALUE}).")
    String span;

    @Override
    public Integer call() {
        if (profiles < 1 || profiles > GeneratorConfig.MAX_PROFILES) {
            throw new UsageException(
                    "--profiles must be between 1 and "
                            + GeneratorConfig.MAX_PROFILES
                            + ", got "
                            + profiles);
        }
        if (events < 0) {
            throw new UsageException("--events must be 0 or more, got " + events);
        }
        GeneratorConfig config;
        try {
            Duration spanDuration = GeneratorConfig.parseDuration(span);
            config = new GeneratorConfig(profiles, events, seed, parseStart(start), spanDuration);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        long written;
        if ("-".equals(output)) {
            written = writeToStandardOutput(config);
        } else {
            written = writeToFile(config, outputPath());
        }
        spec.commandLine()
                .getErr()
                .printf(
                        "generated %d events for %d profiles (seed %d, %s to %s) into %s%n",
                        written,
                        config.profiles(),
                        config.seed(),
                        config.start(),
                        config.end(),
                        "-".equals(output) ? "standard output" : output);
        spec.commandLine().getErr().flush();
        return 0;
    }

    private long writeToStandardOutput(GeneratorConfig config) {
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        try {
            long n = new EventGenerator(config).writeTo(out);
            out.flush();
            return n;
        } catch (IOException e) {
            throw new UsageException("cannot write to standard output: " + e.getMessage());
        }
    }

    private long writeToFile(GeneratorConfig config, Path file) {
        if (Files.isDirectory(file)) {
            throw new UsageException("--output " + output + " is a directory, not a file");
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return EventGenerator.writeJsonLines(config, file);
        } catch (IOException e) {
            throw new UsageException("cannot write --output " + output + ": " + e);
        }
    }

    private Path outputPath() {
        try {
            return Path.of(output);
        } catch (InvalidPathException e) {
            throw new UsageException(
                    "--output " + output + " is not a valid path: " + e.getReason());
        }
    }

    /** ISO-8601 instant, offset date-time, local date-time or date (UTC), epoch millis, or now. */
    static Instant parseStart(String text) {
        String s = text.trim();
        if (s.equalsIgnoreCase("now")) {
            return Instant.now().truncatedTo(ChronoUnit.MILLIS);
        }
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw badStart(text);
            }
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw badStart(text);
        }
    }

    private static IllegalArgumentException badStart(String text) {
        return new IllegalArgumentException(
                "invalid --start '"
                        + text
                        + "': use ISO-8601 such as 2026-11-01T00:00:00Z or 2026-11-01, epoch"
                        + " milliseconds, or 'now'");
    }
}
