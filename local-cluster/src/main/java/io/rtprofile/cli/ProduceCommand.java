package io.rtprofile.cli;

import io.rtprofile.cli.RtProfileCli.UsageException;
import io.rtprofile.local.kafka.JsonLinesProducer;
import io.rtprofile.local.kafka.JsonLinesProducer.ProduceException;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code rtprofile produce}: JSON lines from a file or stdin into a Kafka topic. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = {
            "Writes JSON lines to a Kafka topic: one record per non-blank line, the line's bytes"
                    + " as the value, no key.",
            "Lines are sent as they are (no validation: invalid events are the job's to reject);"
                    + " blank lines are skipped, a UTF-8 byte order mark at the start is dropped.",
            "The producer is idempotent with acks=all. Prints the number of records written."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every line was written",
            "1:the broker refused a record (the message names file and line)",
            "2:unusable arguments: missing file, unknown topic, unreachable broker"
        })
public final class ProduceCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "B",
            description = "Kafka bootstrap servers, host:port[,host:port...].")
    String bootstrapServers;

    @Option(
            names = "--topic",
            required = true,
            paramLabel = "T",
            description = "Topic to write to; it must exist (topics are never auto-created).")
    String topic;

    @Parameters(
            index = "0",
            paramLabel = "F.jsonl",
            description = "File of JSON lines, or - to read standard input.")
    String file;

    @Override
    public Integer call() throws IOException {
        String source = "-".equals(file) ? "stdin" : file;
        try (InputStream in = open(file);
                JsonLinesProducer producer =
                        connect(
                                bootstrapServers,
                                () -> new JsonLinesProducer(bootstrapServers, topic))) {
            long count = producer.send(in, source);
            spec.commandLine()
                    .getOut()
                    .printf("Produced %d records from %s to topic %s%n", count, source, topic);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (ProduceException e) {
            spec.commandLine().getErr().println("rtprofile: " + e.getMessage());
            return 1;
        }
    }

    private static InputStream open(String file) throws IOException {
        if ("-".equals(file)) {
            // Not ours to close: wrap so that try-with-resources leaves System.in open.
            return new BufferedInputStream(System.in) {
                @Override
                public void close() {}
            };
        }
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            throw new UsageException("no such file: " + file);
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new UsageException("not a readable file: " + file);
        }
        return Files.newInputStream(path);
    }

    /**
     * Opens a Kafka client, turning what the user has to fix (unknown topic, no broker at that
     * address, a malformed address) into a {@link UsageException}.
     */
    static <T> T connect(String bootstrapServers, Supplier<T> client) {
        try {
            return client.get();
        } catch (UnknownTopicOrPartitionException | TimeoutException e) {
            throw new UsageException(e.getMessage());
        } catch (ConfigException e) {
            throw new UsageException(
                    "bad --bootstrap-servers " + bootstrapServers + ": " + e.getMessage());
        } catch (KafkaException e) {
            if (e.getCause() instanceof ConfigException) {
                throw new UsageException(
                        "bad --bootstrap-servers "
                                + bootstrapServers
                                + ": "
                                + e.getCause().getMessage());
            }
            throw e;
        }
    }
}
