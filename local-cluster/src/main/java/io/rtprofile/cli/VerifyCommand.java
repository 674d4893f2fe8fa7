package io.rtprofile.cli;

import io.rtprofile.cli.RtProfileCli.UsageException;
import io.rtprofile.jobs.config.JobConfiguration;
import io.rtprofile.jobs.config.ProfileJobSettings;
import io.rtprofile.jobs.config.RtProfileOptions;
import io.rtprofile.local.verify.Verification;
import io.rtprofile.local.verify.VerifyReport;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rtprofile verify}: the job's exactly-once and bad-input guarantees, checked from outside.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Checks what a read_committed consumer sees of the job's topics, from their beginning"
                    + " to their end offsets at the start of the check:",
            "- every profile's versions on the updates topic are 1, 2, 3, ... within each life"
                    + " of its key (a tombstone ends a life; the id founded again counts from 1):"
                    + " a skipped version is lost, a repeated one duplicated;",
            "- every record of the events topic that the job's parser does not accept (with the"
                    + " settings of --config) has exactly one rejection naming its partition and"
                    + " offset on the rejected topic, and no valid event was rejected; with"
                    + " --bad-records N the events topic must hold exactly N bad records;",
            "- with --expected, the profiles that exist at the end equal a fault-free run's"
                    + " snapshot (rtprofile run --snapshot over the same events), matched by"
                    + " their first identity, compared as they stand, without profileId and"
                    + " version (both depend on arrival order).",
            "Run it once the job has caught up with its input, and before compaction ran on the"
                    + " updates topic."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every check holds",
            "1:a check failed (the reasons are printed)",
            "2:unusable arguments: unknown topic, unreachable broker, unreadable files"
        })
public final class VerifyCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "B",
            description = "Kafka bootstrap servers, host:port[,host:port...].")
    String bootstrapServers;

    @Option(
            names = "--config",
            paramLabel = "F",
            description =
                    "The job's configuration file: topic names and the event validation settings"
                            + " (namespaces, maximum event size) come from it.")
    Path config;

    @Option(
            names = "--events-topic",
            paramLabel = "T",
            description = "Events topic (default: from --config, else events).")
    String eventsTopic;

    @Option(
            names = "--updates-topic",
            paramLabel = "T",
            description = "Profile updates topic (default: from --config, else profile-updates).")
    String updatesTopic;

    @Option(
            names = "--rejected-topic",
            paramLabel = "T",
            description = "Rejected events topic (default: from --config, else events-rejected).")
    String rejectedTopic;

    @Option(
            names = "--expected",
            paramLabel = "SNAPSHOT.jsonl",
            description = "The snapshot of a fault-free run over the same events (run --snapshot).")
    Path expected;

    @Option(
            names = "--bad-records",
            paramLabel = "N",
            description =
                    "How many bad records the events topic holds (what the producer of the input"
                            + " injected); checked against the parser's count.")
    Long badRecords;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (badRecords != null && badRecords < 0) {
            throw new UsageException("--bad-records must be >= 0, not " + badRecords);
        }
        Configuration jobConfig;
        ProfileJobSettings settings;
        try {
            Configuration user =
                    config == null ? new Configuration() : JobConfiguration.load(config);
            jobConfig = JobConfiguration.withJobDefaults(user);
            settings = ProfileJobSettings.from(jobConfig);
        } catch (IllegalConfigurationException e) {
            throw new UsageException(e.getMessage());
        }
        List<ProfileUpdate> snapshot = expected == null ? null : readSnapshot(expected);
        Verification.Settings verification =
                new Verification.Settings(
                        bootstrapServers,
                        eventsTopic != null
                                ? eventsTopic
                                : jobConfig.get(RtProfileOptions.EVENTS_TOPIC),
                        updatesTopic != null
                                ? updatesTopic
                                : jobConfig.get(RtProfileOptions.PROFILE_UPDATES_TOPIC),
                        rejectedTopic != null
                                ? rejectedTopic
                                : jobConfig.get(RtProfileOptions.REJECTED_TOPIC),
                        settings,
                        snapshot,
                        badRecords);
        VerifyReport report =
                ProduceCommand.connect(bootstrapServers, () -> Verification.run(verification));
        if (json) {
            spec.commandLine().getOut().println(report.json());
        } else {
            spec.commandLine().getOut().print(report.table());
        }
        spec.commandLine().getOut().flush();
        return report.passed() ? 0 : 1;
    }

    /** One standing profile a line; a bad line is {@code file:line: reason}. */
    private static List<ProfileUpdate> readSnapshot(Path file) {
        List<ProfileUpdate> profiles = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    profiles.add(ProfileUpdateJson.fromJson(line));
                } catch (RuntimeException e) {
                    throw new UsageException(
                            file + ":" + number + ": not a profile: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UsageException("--expected: cannot read " + file + ": " + e.getMessage());
        }
        return profiles;
    }
}
