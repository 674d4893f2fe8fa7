package io.rtprofile.local.load;

import java.util.List;
import java.util.Locale;

/**
 * Panels of lines over a shared time axis, as one standalone SVG document: a benchmark's
 * throughput, lag and latency over a run (docs/benchmarks.md). Hand-written so the docs need no
 * plotting dependency.
 */
public final class TimeSeriesChart {
    private static final int WIDTH = 960;
    private static final int PANEL_HEIGHT = 220;
    private static final int LEFT = 90;
    private static final int RIGHT = 230;
    private static final int TOP = 40;
    private static final int GAP = 50;
    private static final int BOTTOM = 50;

    /** One line: legend name, colour, and its points (seconds, value; NaN where there is none). */
    public record Line(String name, String color, double[] seconds, double[] values) {}

    /** One panel: its y-axis label and lines. */
    public record Panel(String yLabel, List<Line> lines) {}

    private TimeSeriesChart() {}

    public static String svg(String title, List<Panel> panels) {
        double tMax = 0;
        for (Panel p : panels) {
            for (Line l : p.lines()) {
                for (double t : l.seconds()) {
                    tMax = Math.max(tMax, t);
                }
            }
        }
        tMax = Math.max(tMax, 1);
        int height = TOP + panels.size() * (PANEL_HEIGHT + GAP) - GAP + BOTTOM;
        int plotWidth = WIDTH - LEFT - RIGHT;
        StringBuilder svg = new StringBuilder();
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                                + " font-family=\"sans-serif\" font-size=\"12\">%n"
                                + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                                + "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n",
                        WIDTH,
                        height,
                        LEFT,
                        escape(title)));
        double tStep = niceStep(tMax / 8);
        for (int i = 0; i < panels.size(); i++) {
            Panel panel = panels.get(i);
            int top = TOP + i * (PANEL_HEIGHT + GAP);
            int bottom = top + PANEL_HEIGHT;
            double yMax = 0;
            for (Line l : panel.lines()) {
                for (double v : l.values()) {
                    if (Double.isFinite(v)) {
                        yMax = Math.max(yMax, v);
                    }
                }
            }
            double yStep = niceStep(Math.max(yMax, 1e-9) / 4);
            double yHigh = Math.max(yStep, Math.ceil(yMax / yStep) * yStep);
            for (double y = 0; y <= yHigh + yStep / 2; y += yStep) {
                double py = bottom - y / yHigh * PANEL_HEIGHT;
                svg.append(
                        String.format(
                                Locale.ROOT,
                                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                                        + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                                LEFT,
                                py,
                                LEFT + plotWidth,
                                py,
                                LEFT - 6,
                                py + 4,
                                label(y)));
            }
            for (double t = 0; t <= tMax + tStep / 2; t += tStep) {
                double px = LEFT + t / tMax * plotWidth;
                svg.append(
                        String.format(
                                Locale.ROOT,
                                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                                        + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                                px,
                                top,
                                px,
                                bottom,
                                px,
                                bottom + 16,
                                label(t)));
            }
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                                    + " stroke=\"#888\"/>%n"
                                    + "<text transform=\"translate(18,%d) rotate(-90)\""
                                    + " text-anchor=\"middle\">%s</text>%n",
                            LEFT,
                            top,
                            plotWidth,
                            PANEL_HEIGHT,
                            top + PANEL_HEIGHT / 2,
                            escape(panel.yLabel())));
            int legendY = top + 14;
            for (Line line : panel.lines()) {
                StringBuilder points = new StringBuilder();
                for (int k = 0; k < line.seconds().length; k++) {
                    if (!Double.isFinite(line.values()[k])) {
                        continue; // no value there (a window without updates): no point
                    }
                    points.append(
                            String.format(
                                    Locale.ROOT,
                                    "%.1f,%.1f ",
                                    LEFT + line.seconds()[k] / tMax * plotWidth,
                                    bottom - line.values()[k] / yHigh * PANEL_HEIGHT));
                }
                svg.append(
                        String.format(
                                Locale.ROOT,
                                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\""
                                        + " points=\"%s\"/>%n"
                                        + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                                        + " stroke-width=\"3\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                                line.color(),
                                points.toString().trim(),
                                LEFT + plotWidth + 12,
                                legendY - 4,
                                LEFT + plotWidth + 32,
                                legendY - 4,
                                line.color(),
                                LEFT + plotWidth + 38,
                                legendY,
                                escape(line.name())));
                legendY += 18;
            }
        }
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds into the run</text>%n",
                        LEFT + plotWidth / 2,
                        height - 12));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough} (which must be positive). */
    public static double niceStep(double rough) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= rough) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String label(double v) {
        return v == Math.rint(v)
                ? String.format(Locale.ROOT, "%,d", (long) v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
