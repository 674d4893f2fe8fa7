package io.rtprofile.cli;

import io.rtprofile.jobs.testing.TestEvents;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.schema.json.ProfileUpdateJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtprofile run} as a user calls it: files in, files out, exit codes. */
class RunCommandITCase {

    @TempDir Path dir;

    @Test
    void writesUpdatesSnapshotAndRejectionsAndExitsZero() throws Exception {
        List<String> lines = new ArrayList<>(TestEvents.random(new Random(9), 300, 20));
        lines.add(5, "this is not json");
        lines.add(
                8,
                "{\"eventId\":\"z\",\"timestamp\":\"yesterday\",\"type\":\"t\","
                        + "\"identities\":[{\"namespace\":\"email\",\"id\":\"a@b.c\"}]}");
        Path events = dir.resolve("in.jsonl");
        Files.write(events, lines, StandardCharsets.UTF_8);
        Path output = dir.resolve("out/updates.jsonl");
        Path snapshot = dir.resolve("out/snapshot.jsonl");

        int exit =
                RtProfileCli.commandLine()
                        .execute(
                                "run",
                                "--events",
                                events.toString(),
                                "--output",
                                output.toString(),
                                "--snapshot",
                                snapshot.toString());

        assertThat(exit).isZero();
        List<String> updateLines = Files.readAllLines(output);
        assertThat(updateLines).isNotEmpty();
        Map<String, ProfileUpdate> last = new HashMap<>();
        for (String line : updateLines) {
            ProfileUpdate update = ProfileUpdateJson.fromJson(line);
            last.merge(
                    update.getProfileId(),
                    update,
                    (a, b) -> a.getVersion() >= b.getVersion() ? a : b);
        }
        List<String> snapshotLines = Files.readAllLines(snapshot);
        assertThat(snapshotLines).hasSize(last.size());
        for (String line : snapshotLines) {
            ProfileUpdate profile = ProfileUpdateJson.fromJson(line);
            assertThat(ProfileUpdateJson.toJson(profile))
                    .isEqualTo(ProfileUpdateJson.toJson(last.get(profile.getProfileId())));
        }

        List<String> rejected = Files.readAllLines(Path.of(output + ".rejected.jsonl"));
        assertThat(rejected).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(rejected.get(0));
        JsonNode second = json.readTree(rejected.get(1));
        JsonNode notJson = first.get("line").asLong() == 6 ? first : second;
        JsonNode badTime = notJson == first ? second : first;
        assertThat(notJson.get("file").asText()).isEqualTo("in.jsonl");
        assertThat(notJson.get("line").asLong()).isEqualTo(6);
        assertThat(notJson.get("reason").asText()).startsWith("not valid JSON");
        assertThat(notJson.get("original").asText()).isEqualTo("this is not json");
        assertThat(badTime.get("line").asLong()).isEqualTo(9);
        assertThat(badTime.get("reason").asText()).contains("'timestamp'");
    }

    @Test
    void unusableArgumentsExitNonZeroWithAClearMessage() {
        StringWriter err = new StringWriter();
        CommandLine cli = RtProfileCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int exit =
                cli.execute(
                        "run",
                        "--events",
                        dir.resolve("missing.jsonl").toString(),
                        "--output",
                        dir.resolve("o.jsonl").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("events file not found").contains("missing.jsonl");

        StringWriter usage = new StringWriter();
        cli.setErr(new PrintWriter(usage));
        assertThat(cli.execute("run", "--output", "x")).isEqualTo(2);
        assertThat(usage.toString()).contains("--events");
    }

    @Test
    void badConfigurationIsAUsageError() throws Exception {
        Path events = dir.resolve("e.jsonl");
        Files.write(events, TestEvents.random(new Random(1), 3, 1));
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "rtprofile:\n  merge:\n    policy: newest-wins\n");
        StringWriter err = new StringWriter();
        CommandLine cli = RtProfileCli.commandLine();
        cli.setErr(new PrintWriter(err));
        int exit =
                cli.execute(
                        "run",
                        "--events",
                        events.toString(),
                        "--config",
                        config.toString(),
                        "--output",
                        dir.resolve("o.jsonl").toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("rtprofile.merge.policy");
    }
}
