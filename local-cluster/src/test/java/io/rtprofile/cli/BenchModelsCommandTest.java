package io.rtprofile.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BenchModelsCommandTest {

    @TempDir Path dir;

    private final StringWriter err = new StringWriter();

    @Test
    void aTinyKMeansRunWritesItsFiles() {
        int code =
                run(
                        "bench",
                        "models",
                        "--only",
                        "kmeans",
                        "--seeds",
                        "1",
                        "--points",
                        "200,500",
                        "--test-points",
                        "300",
                        "--output-dir",
                        dir.toString());

        assertThat(code).isZero();
        assertThat(dir.resolve("kmeans-recovery.csv")).exists();
        assertThat(dir.resolve("kmeans-recovery.svg")).exists();
        assertThat(Files.exists(dir.resolve("model-learning-curve.csv"))).isFalse();
    }

    @Test
    void unusableArgumentsExitTwo() {
        assertThat(run("bench", "models", "--only", "svm")).isEqualTo(2);
        assertThat(err.toString()).contains("--only: ftrl or kmeans");
        assertThat(run("bench", "models", "--alpha", "0")).isEqualTo(2);
        assertThat(run("bench", "models", "--decay", "1.5")).isEqualTo(2);
        assertThat(run("bench", "models", "--source", "kafka")).isEqualTo(2);
        assertThat(err.toString()).contains("--source: synthetic or pipeline");
        assertThat(run("bench", "models", "--source", "pipeline", "--only", "kmeans")).isEqualTo(2);
        assertThat(run("bench", "models", "--source", "pipeline", "--test-share", "1"))
                .isEqualTo(2);
        assertThat(
                        run(
                                "bench",
                                "models",
                                "--source",
                                "pipeline",
                                "--model",
                                dir.resolve("missing.yaml").toString()))
                .isEqualTo(2);
    }

    private int run(String... args) {
        CommandLine cli = RtProfileCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
