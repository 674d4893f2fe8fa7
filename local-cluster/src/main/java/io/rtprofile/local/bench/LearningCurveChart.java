package io.rtprofile.local.bench;

import io.rtprofile.local.load.TimeSeriesChart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as a standalone SVG document: x on a log scale (examples seen), y linear, one
 * polyline with markers per series, axis labels and a legend. Hand-written so the docs need no
 * plotting dependency; the text is stable for the same numbers, so a re-run diffs cleanly.
 */
final class LearningCurveChart {
    private static final int WIDTH = 960;
    private static final int HEIGHT = 440;
    private static final int LEFT = 80;

    /** Room right of the plot for the legend, so it never hides a line. */
    private static final int RIGHT = 290;

    private static final int TOP = 44;
    private static final int BOTTOM = 64;

    /** One line: its legend name, stroke colour, whether dashed, and its points. */
    record Series(String name, String color, boolean dashed, double[] x, double[] y) {}

    private LearningCurveChart() {}

    /**
     * The chart of {@code series}; the y axis spans at least {@code minYSpan} (extended downwards),
     * so that differences in the third decimal do not look like a gulf.
     */
    static String svg(
            String title, String xLabel, String yLabel, double minYSpan, List<Series> series) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        List<Double> xTicks = new ArrayList<>();
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                xMin = Math.min(xMin, s.x()[i]);
                xMax = Math.max(xMax, s.x()[i]);
                yMin = Math.min(yMin, s.y()[i]);
                yMax = Math.max(yMax, s.y()[i]);
                if (!xTicks.contains(s.x()[i])) {
                    xTicks.add(s.x()[i]);
                }
            }
        }
        if (xMax <= xMin) {
            xMax = xMin * 10;
        }
        yMin = Math.min(yMin, yMax - minYSpan);
        double step = niceStep((yMax - yMin) / 5);
        double yLow = Math.floor(yMin / step) * step;
        double yHigh = Math.ceil(yMax / step) * step;
        if (yHigh <= yLow) {
            yHigh = yLow + step;
        }
        Frame frame = new Frame(Math.log10(xMin), Math.log10(xMax), yLow, yHigh);

        StringBuilder svg = new StringBuilder();
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\""
                                + " font-size=\"12\">%n",
                        WIDTH,
                        HEIGHT,
                        WIDTH,
                        HEIGHT));
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
                        WIDTH,
                        HEIGHT));
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n",
                        (LEFT + WIDTH - RIGHT) / 2,
                        escape(title)));
        // Grid and ticks.
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        long ticks = Math.round((yHigh - yLow) / step);
        for (long t = 0; t <= ticks; t++) {
            double y = yLow + t * step;
            double py = frame.y(y);
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>%n",
                            LEFT,
                            py,
                            WIDTH - RIGHT,
                            py));
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%."
                                    + decimals
                                    + "f</text>%n",
                            LEFT - 6,
                            py + 4,
                            y));
        }
        for (double x : xTicks) {
            double px = frame.x(Math.log10(x));
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>%n",
                            px,
                            TOP,
                            px,
                            HEIGHT - BOTTOM));
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                            px,
                            HEIGHT - BOTTOM + 18,
                            count(x)));
        }
        // Axes and their labels.
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<polyline points=\"%d,%d %d,%d %d,%d\" fill=\"none\" stroke=\"black\"/>%n",
                        LEFT,
                        TOP,
                        LEFT,
                        HEIGHT - BOTTOM,
                        WIDTH - RIGHT,
                        HEIGHT - BOTTOM));
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                        (LEFT + WIDTH - RIGHT) / 2,
                        HEIGHT - 20,
                        escape(xLabel)));
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<text x=\"20\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 20"
                                + " %d)\">%s</text>%n",
                        (TOP + HEIGHT - BOTTOM) / 2,
                        (TOP + HEIGHT - BOTTOM) / 2,
                        escape(yLabel)));
        // The lines, then the legend right of the plot.
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                points.append(
                        String.format(
                                Locale.ROOT,
                                "%s%.1f,%.1f",
                                i == 0 ? "" : " ",
                                frame.x(Math.log10(s.x()[i])),
                                frame.y(s.y()[i])));
            }
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
                                    + " stroke-width=\"2\"%s/>%n",
                            points,
                            s.color(),
                            s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            for (int i = 0; i < s.x().length; i++) {
                svg.append(
                        String.format(
                                Locale.ROOT,
                                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                                frame.x(Math.log10(s.x()[i])),
                                frame.y(s.y()[i]),
                                s.color()));
            }
        }
        int legendWidth = RIGHT - 24;
        int legendX = WIDTH - RIGHT + 16;
        int legendY = TOP;
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"white\""
                                + " stroke=\"#999\"/>%n",
                        legendX,
                        legendY,
                        legendWidth,
                        20 * series.size() + 8));
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int y = legendY + 18 + 20 * i;
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                                    + " stroke-width=\"2\"%s/>%n",
                            legendX + 10,
                            y - 4,
                            legendX + 40,
                            y - 4,
                            s.color(),
                            s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"%d\" y=\"%d\">%s</text>%n",
                            legendX + 48,
                            y,
                            escape(s.name())));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Plot coordinates of data coordinates (x already log10). */
    private record Frame(double xLow, double xHigh, double yLow, double yHigh) {
        double x(double logX) {
            return LEFT + (logX - xLow) / (xHigh - xLow) * (WIDTH - LEFT - RIGHT - 20) + 10;
        }

        double y(double y) {
            return HEIGHT - BOTTOM - (y - yLow) / (yHigh - yLow) * (HEIGHT - BOTTOM - TOP);
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        return raw > 0 ? TimeSeriesChart.niceStep(raw) : 0.01;
    }

    /** 1000 as "1k", 1500000 as "1.5M". */
    static String count(double x) {
        if (x >= 1e6) {
            return trim(x / 1e6) + "M";
        }
        if (x >= 1e3) {
            return trim(x / 1e3) + "k";
        }
        return trim(x);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
