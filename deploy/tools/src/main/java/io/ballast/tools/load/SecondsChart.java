package io.ballast.tools.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Latencies placed in time: per second of a run, how many and their p50, p99 and max, as numbers and as an SVG chart,
 * so that a tail that comes in spikes (a stall, a pause, a periodic pass) and one spread over the run (queueing on
 * busy cores) look different at a glance. Used by the tick run's event log and the what-if run's request log.
 */
final class SecondsChart {

    private SecondsChart() {
    }

    /**
     * Per second from the first point: points, and the p50, p99 and max of their latencies.
     *
     * @param points {@code {epoch ms, latency ms}} each
     * @return one {@code {second, points, p50, p99, max}} per second that has points, in order
     */
    static List<double[]> perSecond(List<double[]> points) {
        if (points.isEmpty()) {
            return List.of();
        }
        double first = points.stream().mapToDouble(p -> p[0]).min().orElse(0);
        TreeMap<Integer, List<Double>> by = new TreeMap<>();
        for (double[] p : points) {
            by.computeIfAbsent((int) ((p[0] - first) / 1000), k -> new ArrayList<>()).add(p[1]);
        }
        List<double[]> out = new ArrayList<>();
        by.forEach((second, latencies) -> {
            double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.add(new double[] {second, sorted.length, rank(sorted, 0.50), rank(sorted, 0.99),
                sorted[sorted.length - 1]});
        });
        return out;
    }

    /** The nearest-rank percentile of sorted values. */
    private static double rank(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /**
     * Writes per-second figures as an SVG chart: p50, p99 and max per second (lines, ms), the count per second (bars
     * along the bottom).
     *
     * @param file    where
     * @param title   the chart's title
     * @param seconds {@link #perSecond}'s figures
     * @param xLabel  what the seconds are counted by, e.g. "tick source time"
     * @param what    what the bars count, e.g. "events"
     * @throws IOException when it cannot be written
     */
    static void write(Path file, String title, List<double[]> seconds, String xLabel, String what)
            throws IOException {
        int w = 960;
        int h = 360;
        int left = 60;
        int right = 20;
        int top = 50;
        int bottom = 50;
        double xMax = seconds.isEmpty() ? 1 : Math.max(1, seconds.get(seconds.size() - 1)[0] + 1);
        double yMax = 1;
        double nMax = 1;
        for (double[] s : seconds) {
            yMax = Math.max(yMax, s[4]);
            nMax = Math.max(nMax, s[1]);
        }
        yMax = niceCeiling(yMax);
        double plotW = w - left - right;
        double plotH = h - top - bottom;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" "
                + "fill=\"white\"/>%n<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", w, h, left,
                escape(title)));
        for (int k = 0; k <= 5; k++) {
            double v = yMax * k / 5;
            double y = top + plotH - plotH * k / 5;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                    + "stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f ms</text>%n", left, y,
                    w - right, y, left - 6, y + 4, v));
        }
        int step = xMax > 120 ? 30 : 10;
        for (int t = 0; t <= xMax; t += step) {
            double x = left + plotW * t / xMax;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d s</text>%n",
                    x, h - bottom + 18, t));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">second of the run (%s); bars: %s per second"
                + " (most %,.0f)</text>%n", left, h - 12, escape(xLabel), escape(what), nMax));
        for (double[] s : seconds) {
            double x = left + plotW * s[0] / xMax;
            double bh = plotH * 0.2 * s[1] / nMax;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"#cfe3f5\"/>%n", x, top + plotH - bh, Math.max(1, plotW / xMax - 1), bh));
        }
        String[][] lines = {{"4", "#bbbbbb", "max"}, {"3", "#d62728", "p99"}, {"2", "#1f77b4", "p50"}};
        int legend = 0;
        for (String[] line : lines) {
            int col = Integer.parseInt(line[0]);
            StringBuilder pts = new StringBuilder();
            for (double[] s : seconds) {
                double x = left + plotW * (s[0] + 0.5) / xMax;
                double y = top + plotH - plotH * Math.min(s[col], yMax) / yMax;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
                    + "points=\"%s\"/>%n<text x=\"%d\" y=\"40\" fill=\"%s\">%s per second</text>%n", line[1],
                    pts.toString().trim(), left + 130 * legend++, line[1], line[2]));
        }
        svg.append("</svg>\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, svg, StandardCharsets.UTF_8);
    }

    /** 1, 2 or 5 times a power of ten, at least v. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * Where a CSV's chart goes: beside it, its name with {@code .svg} for {@code .csv}.
     *
     * @param csv the CSV file
     * @return the chart's file
     */
    static Path beside(Path csv) {
        String name = csv.getFileName().toString();
        return csv.resolveSibling((name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name) + ".svg");
    }

    /**
     * A UTF-8 writer of a new file, its folders created.
     *
     * @param file where
     * @return the writer
     * @throws IOException when it cannot be opened
     */
    static java.io.PrintWriter open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new java.io.PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** A value with no comma, quote or line break as is; otherwise quoted (RFC 4180). */
    static String csv(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
