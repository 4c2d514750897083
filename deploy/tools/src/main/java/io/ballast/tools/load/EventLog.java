package io.ballast.tools.load;

import java.io.IOException;
import java.io.PrintWriter;
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
        return SecondsChart.perSecond(points);
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
        SecondsChart.write(file, title, perSecond(), "tick source time", "events");
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
        try (PrintWriter w = SecondsChart.open(file)) {
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

    private static String csv(String value) {
        return SecondsChart.csv(value);
    }
}
