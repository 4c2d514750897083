package io.ballast.tools.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The counted margin events of a tick run, one CSV row each, so that a tail can be placed in time (a spike every
 * minute, a stall, a slow start) where the histograms only say how large it was. Columns: the tick's
 * {@code tickSourceTime}, the service's {@code tickReceivedAt} and {@code evaluatedAt}, the event record's Kafka
 * timestamp, this process's receipt (ISO-8601 instants; empty when the event lacks one), the tick-to-event latency
 * and its four stages in milliseconds (empty when not computable), the event type and the account. Filled by the
 * listener's one thread, written once at the end.
 */
public final class EventLog {

    /** The CSV header. */
    public static final String HEADER = "tick_source_time,tick_received_at,evaluated_at,sent_at,received_at,"
            + "latency_ms,in_ms,evaluate_ms,store_ms,out_ms,type,account_id";

    private final List<String> rows = new ArrayList<>();
    /** Per counted event: its tick's source time (epoch ms) and its tick-to-event latency (ms), for the chart. */
    private final List<double[]> points = new ArrayList<>();

    /**
     * Adds one event.
     *
     * @param source      the payload's tickSourceTime (may be empty)
     * @param receivedAt  the payload's tickReceivedAt (may be empty)
     * @param evaluatedAt the payload's evaluatedAt (may be empty)
     * @param sentMillis  the record's Kafka timestamp, epoch ms (negative: none)
     * @param received    when this process received it
     * @param type        the event type
     * @param account     the account id (may be empty)
     */
    public synchronized void add(String source, String receivedAt, String evaluatedAt, long sentMillis,
            Instant received, String type, String account) {
        Instant s = parse(source);
        Instant r = parse(receivedAt);
        Instant e = parse(evaluatedAt);
        Instant sent = sentMillis < 0 ? null : Instant.ofEpochMilli(sentMillis);
        rows.add(String.join(",", text(s), text(r), text(e), text(sent), received.toString(), millis(s, received),
                millis(s, r), millis(r, e), millis(e, sent), millis(sent, received), csv(type), csv(account)));
        if (s != null) {
            points.add(new double[] {s.toEpochMilli(), Duration.between(s, received).toNanos() / 1e6});
        }
    }

    /**
     * Per second of the run (by the ticks' source time, from the first event's): events, and the p50, p99 and max of
     * their tick-to-event latency in ms.
     *
     * @return one {@code {second, events, p50, p99, max}} per second that has events, in order
     */
    public synchronized List<double[]> perSecond() {
        if (points.isEmpty()) {
            return List.of();
        }
        double first = points.stream().mapToDouble(p -> p[0]).min().orElse(0);
        java.util.TreeMap<Integer, List<Double>> by = new java.util.TreeMap<>();
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
     * Writes {@link #perSecond} as an SVG chart: p50, p99 and max per second (lines, ms), events per second (bars
     * along the bottom), so that a tail that comes in spikes and one spread over the run look different at a glance.
     *
     * @param file  where
     * @param title the chart's title
     * @throws IOException when it cannot be written
     */
    public void writeChart(Path file, String title) throws IOException {
        List<double[]> seconds = perSecond();
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
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">second of the run (tick source time); bars:"
                + " events per second (most %,.0f)</text>%n", left, h - 12, nMax));
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

    /** @return the rows added so far */
    public synchronized int size() {
        return rows.size();
    }

    /**
     * Writes the header and the rows.
     *
     * @param file where
     * @throws IOException when it cannot be written
     */
    public synchronized void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println(HEADER);
            rows.forEach(w::println);
        }
    }

    private static Instant parse(String stamp) {
        if (stamp == null || stamp.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(stamp);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String text(Instant at) {
        return at == null ? "" : at.toString();
    }

    private static String millis(Instant from, Instant to) {
        return from == null || to == null ? ""
                : String.format(Locale.ROOT, "%.3f", Duration.between(from, to).toNanos() / 1e6);
    }

    /** A value with no comma, quote or line break as is; otherwise quoted (RFC 4180). */
    private static String csv(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
