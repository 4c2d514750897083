package io.ballast.tools.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.tools.ApiClient;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code ./ballast load --book-wait S}: before the tick and what-if phases, waits until the service answers the
 * loaded tenant's margin from its hot book ({@code GET /api/v1/accounts/{id}/margin} says {@code answeredFrom:
 * hot-book}, which the service says only when its book has applied the tenant's latest change). Right after a load
 * of 100,000 accounts the book is still being built (its last build ended 39-51 s after the load on a 2-core machine,
 * docs/benchmarks.md "Session 30"): without this wait, the first run's warm-up ends in the first moves of that book,
 * thousands of transitions each, and the measured part starts with their backlog.
 */
final class HotBookWait {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A bearer token, asked again now and then (tokens live minutes). */
    @FunctionalInterface
    interface Tokens {
        String token() throws Exception;
    }

    private final ApiClient api;
    private final Tokens tokens;
    private final Duration poll;
    private final Duration report;

    /**
     * @param api    the service
     * @param tokens the tenant integrator's tokens
     * @param poll   time between two reads of the margin
     * @param report time between two progress lines
     */
    HotBookWait(ApiClient api, Tokens tokens, Duration poll, Duration report) {
        this.api = api;
        this.tokens = tokens;
        this.poll = poll;
        this.report = report;
    }

    /**
     * Reads an account's margin until it is answered from the hot book or the limit has passed, with a progress
     * line now and then.
     *
     * @param account an account of the tenant
     * @param limit   the longest wait
     * @param out     where progress goes
     * @return the seconds waited, or -1 when the limit passed first
     * @throws Exception when the token endpoint fails or the wait is interrupted
     */
    double await(UUID account, Duration limit, PrintWriter out) throws Exception {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        long nextReport = start + report.toNanos();
        long nextToken = start;
        String token = null;
        while (true) {
            long now = System.nanoTime();
            if (now >= nextToken) {
                token = tokens.token();
                nextToken = now + Duration.ofSeconds(60).toNanos();
            }
            String last = answeredFrom(token, account);
            now = System.nanoTime();
            if ("hot-book".equals(last)) {
                return (now - start) / 1e9;
            }
            if (now >= deadline) {
                return -1;
            }
            if (now >= nextReport) {
                out.printf(Locale.ROOT, "[%6.1f s] waiting for the tenant's hot book: its margin is answered from %s%n",
                        (now - start) / 1e9, last);
                out.flush();
                nextReport = now + report.toNanos();
            }
            Thread.sleep(Math.max(1, Math.min(poll.toMillis(), (deadline - now) / 1_000_000)));
        }
    }

    /** Where the margin answer came from, or what went wrong instead (a status, an exception). */
    private String answeredFrom(String token, UUID account) {
        try {
            HttpResponse<String> r = api.http().send(api.request(token, "GET", "/api/v1/accounts/" + account
                    + "/margin", null), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return "nowhere (HTTP " + r.statusCode() + ")";
            }
            JsonNode answer = JSON.readTree(r.body());
            return answer.path("answeredFrom").asText("an answer without answeredFrom");
        } catch (java.io.IOException e) {
            return "nowhere (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "nowhere (interrupted)";
        }
    }
}
