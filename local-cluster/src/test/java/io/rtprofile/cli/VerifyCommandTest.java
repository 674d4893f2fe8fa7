package io.rtprofile.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rtprofile verify}'s arguments, checked before any broker is asked (exit code 2). */
class VerifyCommandTest {

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void helpNamesEveryCheckAndExitCode() {
        assertThat(run("verify", "--help")).isZero();
        assertThat(out.toString())
                .contains("--expected", "--bad-records", "--json", "1   a check failed");
    }

    @Test
    void anUnreadableSnapshotIsAUsageErrorNamingFileAndLine() throws Exception {
        Path snapshot = dir.resolve("snapshot.jsonl");
        Files.writeString(snapshot, "{\"profileId\":\"p-1\"\n", StandardCharsets.UTF_8);

        assertThat(
                        run(
                                "verify",
                                "--bootstrap-servers",
                                "localhost:1",
                                "--expected",
                                snapshot.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains(snapshot + ":1: not a profile");

        assertThat(
                        run(
                                "verify",
                                "--bootstrap-servers",
                                "localhost:1",
                                "--expected",
                                dir.resolve("missing.jsonl").toString()))
                .isEqualTo(2);
    }

    @Test
    void aNegativeBadRecordCountIsAUsageError() {
        assertThat(run("verify", "--bootstrap-servers", "localhost:1", "--bad-records", "-1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--bad-records must be >= 0");
    }

    private int run(String... args) {
        CommandLine cli = RtProfileCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
