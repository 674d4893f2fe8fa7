package io.rtprofile.viewer.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark, small: every request finds what it asks for, and the report has every kind. */
class ViewerBenchmarkTest {

    @Test
    void everyLookupFindsItsProfile(@TempDir Path dir) throws Exception {
        ViewerBenchmark.Result result =
                ViewerBenchmark.run(
                        new ViewerBenchmark.Settings(3000, 2000, 200, 2, 7, 8 << 20),
                        dir,
                        new PrintStream(OutputStream.nullOutputStream()));

        assertThat(result.profiles()).isEqualTo(3000);
        assertThat(result.diskBytes()).isPositive();
        assertThat(result.latencies()).hasSize(4);
        assertThat(result.latencies().stream().mapToLong(l -> l.micros().length).sum())
                .isEqualTo(2000);
        assertThat(result.latencies()).allSatisfy(l -> assertThat(l.failures()).isZero());
        assertThat(result.latencies()).allSatisfy(l -> assertThat(l.micros()).isNotEmpty());
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        result.print(new PrintStream(report, true, StandardCharsets.UTF_8));
        assertThat(report.toString(StandardCharsets.UTF_8))
                .contains("| profile by email |")
                .contains("3,000 profiles loaded");
    }

    @Test
    void syntheticProfilesAreTheSameForASeed() {
        assertThat(new SyntheticProfiles(1).profile(17))
                .isEqualTo(new SyntheticProfiles(1).profile(17));
        assertThat(new SyntheticProfiles(1).profile(17).getIdentities().get(1).getId())
                .isEqualTo(SyntheticProfiles.email(17));
    }
}
