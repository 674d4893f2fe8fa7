package io.rtprofile.local.load;

import io.rtprofile.local.load.LatencyWindows.Window;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterBenchmarkReportTest {

    @Test
    void theSustainedCsvHasAColumnForEveryMeasure() {
        ClusterMetrics metrics =
                new ClusterMetrics(
                        400, 10_000, 75_000_000, 400_000_000, 1_500_000_000, 50_000_000, 8_000_000);
        Window window = new Window(10, 17_000, 4_000, 11_000, 30_000, 200_000, 500_000);
        String csv =
                ClusterBenchmarkReport.sustainedCsv(
                        new ClusterBenchmark.Sustained(
                                1_696,
                                null,
                                List.of(new ClusterBenchmark.SustainedWindow(window, metrics)),
                                null));
        List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1).split(",")).hasSameSizeAs(lines.get(0).split(","));
        assertThat(lines.get(1))
                .isEqualTo(
                        "10,17000,4000,11000,30000,200000,500000,400,10000,75000000,400000000,1500000000,50000000,8000000");
    }
}
