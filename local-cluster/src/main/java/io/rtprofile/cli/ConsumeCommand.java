package io.rtprofile.cli;

import io.rtprofile.cli.RtProfileCli.UsageException;
import io.rtprofile.local.kafka.JsonLinesConsumer;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code rtprofile consume}: a Kafka topic as JSON lines on standard output, read_committed. */
@Command(
        name = "consume",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the records of a Kafka topic as JSON lines, one per record, reading with"
                    + " isolation.level=read_committed: records of aborted or still open"
                    + " transactions are never printed.",
            "Reads every partition itself (no consumer group, no committed offsets), from their"
                    + " end, or their beginning with --from-beginning.",
            "Runs until --max records were printed, --timeout or --idle-timeout passed, or Ctrl-C.",
            "",
            "Each line is the record's value as JSON (Avro single-object encoded values are"
                    + " decoded, JSON values printed as they are). A tombstone (null value) prints"
                    + " {\"key\":\"<key>\",\"tombstone\":true}, with \"reason\" (merged or erased)"
                    + " and \"survivorId\" when the record has the job's rtprofile-tombstone and"
                    + " rtprofile-survivor headers. With --print-key every other line is"
                    + " {\"key\":\"<key>\",\"value\":<value>}. A value that cannot be"
                    + " decoded (Avro of an unknown schema) prints"
                    + " {\"undecodable\":\"<reason>\",\"base64\":\"<bytes>\"}."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "2:unusable arguments: unknown topic, unreachable broker"})
public final class ConsumeCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "B",
            description = "Kafka bootstrap servers, host:port[,host:port...].")
    String bootstrapServers;

    @Option(names = "--topic", required = true, paramLabel = "T", description = "Topic to read.")
    String topic;

    @Option(
            names = "--from-beginning",
            description = "Start at the earliest records; by default only new records are read.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    Long max;

    @Option(
            names = "--timeout",
            paramLabel = "D",
            converter = DurationConverter.class,
            description = "Stop after D in total (e.g. 30s, 5m, 500ms). Default: no limit.")
    Duration timeout;

    @Option(
            names = "--idle-timeout",
            paramLabel = "D",
            converter = DurationConverter.class,
            description = "Stop when no record arrived for D. Default: no limit.")
    Duration idleTimeout;

    @Option(names = "--print-key", description = "Print {\"key\":..., \"value\":...} per record.")
    boolean printKey;

    @Override
    public Integer call() throws InterruptedException {
        if (max != null && max < 0) {
            throw new UsageException("--max must be >= 0, not " + max);
        }
        JsonLinesConsumer.Settings settings =
                JsonLinesConsumer.Settings.defaults()
                        .fromBeginning(fromBeginning)
                        .timeout(timeout)
                        .idleTimeout(idleTimeout)
                        .printKey(printKey);
        if (max != null) {
            settings.maxRecords(max);
        }
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch finished = new CountDownLatch(1);
        try (JsonLinesConsumer consumer =
                ProduceCommand.connect(
                        bootstrapServers,
                        () -> new JsonLinesConsumer(bootstrapServers, topic, settings))) {
            // Ctrl-C: stop polling, and let the lines already read reach stdout before exiting.
            Thread onCtrlC =
                    new Thread(
                            () -> {
                                consumer.stop();
                                try {
                                    finished.await(5, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "rtprofile-consume-stop");
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            try {
                long count =
                        consumer.run(
                                line -> {
                                    out.println(line);
                                    out.flush();
                                });
                spec.commandLine()
                        .getErr()
                        .printf("Consumed %d records from topic %s%n", count, topic);
            } finally {
                out.flush();
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(onCtrlC);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is running and waits for the latch above.
                }
            }
        }
        return 0;
    }

    /** Durations as 500ms, 30s, 5m, 1h, 2d, or ISO-8601 (PT30S). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            Matcher m = SIMPLE.matcher(v);
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d =
                        switch (m.group(2)) {
                            case "ms" -> Duration.ofMillis(n);
                            case "s" -> Duration.ofSeconds(n);
                            case "m" -> Duration.ofMinutes(n);
                            case "h" -> Duration.ofHours(n);
                            default -> Duration.ofDays(n);
                        };
            } else {
                try {
                    d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(
                            "'" + value + "' is not a duration (e.g. 500ms, 30s, 5m, 1h, 2d)");
                }
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("'" + value + "' must be a positive duration");
            }
            return d;
        }
    }
}
