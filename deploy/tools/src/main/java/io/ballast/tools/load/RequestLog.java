package io.ballast.tools.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The counted requests of a what-if run, one CSV row each, so that a tail can be placed in time (a pause of the
 * service, a periodic pass, a slow start) where the histogram only says how large it was. Columns: when the request
 * was due (open loop) or its turn came (closed loop), as an ISO-8601 instant; its latency in milliseconds; how much of
 * it passed before the driver handed the request to a connection (the driver's own lag, or a wait for a free
 * connection when all are busy; -1 when it never was); the HTTP status (-1: no answer); the account. Filled on the driver's one event loop, written once at the end.
 */
public final class RequestLog {

    /** The CSV header. */
    public static final String HEADER = "due_at,latency_ms,sent_ms,status,account_id";

    /** Per counted request: when due (epoch ms), latency (ms), status, until sent (ms). */
    private final List<double[]> points = new ArrayList<>();
    private final List<UUID> accounts = new ArrayList<>();

    /**
     * Adds one request.
     *
     * @param dueEpochMillis when it was due or sent, epoch ms (fractions kept)
     * @param latencyMillis  due or send to complete answer, ms
     * @param sentMillis     due to the request handed to a connection, ms (-1: never)
     * @param status         the HTTP status, -1 when none came
     * @param account        the account asked about
     */
    public synchronized void add(double dueEpochMillis, double latencyMillis, double sentMillis, int status,
            UUID account) {
        points.add(new double[] {dueEpochMillis, latencyMillis, status, sentMillis});
        accounts.add(account);
    }

    /** @return the requests added so far */
    public synchronized int size() {
        return points.size();
    }

    /**
     * Per second of the run (by due time, from the first request's): requests, and the p50, p99 and max of their
     * latency in ms.
     *
     * @return one {@code {second, requests, p50, p99, max}} per second that has requests, in order
     */
    public synchronized List<double[]> perSecond() {
        return SecondsChart.perSecond(points);
    }

    /**
     * Writes {@link #perSecond} as an SVG chart (p50, p99 and max per second, requests per second as bars).
     *
     * @param file  where
     * @param title the chart's title
     * @throws IOException when it cannot be written
     */
    public void writeChart(Path file, String title) throws IOException {
        SecondsChart.write(file, title, perSecond(), "when each request was due", "requests");
    }

    /**
     * Writes the header and the rows, in the order added.
     *
     * @param file where
     * @throws IOException when it cannot be written
     */
    public synchronized void write(Path file) throws IOException {
        try (PrintWriter w = SecondsChart.open(file)) {
            w.println(HEADER);
            for (int i = 0; i < points.size(); i++) {
                double[] p = points.get(i);
                long micros = Math.round(p[0] * 1_000);
                Instant due = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000),
                        Math.floorMod(micros, 1_000_000) * 1_000L);
                w.println(String.format(Locale.ROOT, "%s,%.3f,%.3f,%d,%s", due, p[1], p[3], (int) p[2],
                        accounts.get(i)));
            }
        }
    }
}
