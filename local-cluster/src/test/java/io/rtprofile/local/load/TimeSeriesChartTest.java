package io.rtprofile.local.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TimeSeriesChartTest {

    @Test
    void drawsEveryLineOfEveryPanelOnTheSharedTimeAxis() {
        String svg =
                TimeSeriesChart.svg(
                        "a run & its <latency>",
                        List.of(
                                new TimeSeriesChart.Panel(
                                        "per second",
                                        List.of(
                                                new TimeSeriesChart.Line(
                                                        "produced",
                                                        "#111111",
                                                        new double[] {0, 10, 20},
                                                        new double[] {0, 800, 800}))),
                                new TimeSeriesChart.Panel(
                                        "latency (s)",
                                        List.of(
                                                new TimeSeriesChart.Line(
                                                        "p50",
                                                        "#222222",
                                                        new double[] {0, 10, 20},
                                                        new double[] {Double.NaN, 0.6, 0.7}),
                                                new TimeSeriesChart.Line(
                                                        "p99",
                                                        "#333333",
                                                        new double[] {0, 10, 20},
                                                        new double[] {1, 1.2, 9})))));

        assertThat(svg).startsWith("<svg").endsWith("</svg>\n");
        assertThat(svg).contains("a run &amp; its &lt;latency&gt;");
        assertThat(svg.split("<polyline", -1)).hasSize(4);
        assertThat(svg).contains(">produced<", ">p50<", ">p99<", ">per second<", ">latency (s)<");
        // The highest value sits at the top of its panel's axis (9 s of a 10 s axis), not off it.
        assertThat(svg).contains(">10<");
        // A window without a value is left out of its line, not drawn at NaN.
        assertThat(svg).doesNotContain("NaN");
    }

    @Test
    void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(TimeSeriesChart.niceStep(0.3)).isEqualTo(0.5);
        assertThat(TimeSeriesChart.niceStep(130)).isEqualTo(200);
        assertThat(TimeSeriesChart.niceStep(1000)).isEqualTo(1000);
        assertThat(TimeSeriesChart.niceStep(6_100)).isEqualTo(10_000);
    }
}
