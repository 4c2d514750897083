package io.ballast.tools.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The what-if driver against a real HTTP server on loopback (the JDK's): what it sends, how many at once, what it
 * counts, and that a request the server drops is counted as an error without stopping the run.
 */
class WhatIfDriverTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID GOOD = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID REFUSED = UUID.fromString("00000000-0000-0000-0000-000000000002");
    private static final UUID DROPPED = UUID.fromString("00000000-0000-0000-0000-000000000003");
    private static final UUID SLOW = UUID.fromString("00000000-0000-0000-0000-000000000004");

    private HttpServer server;
    private ExecutorService threads;
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private volatile int holdUntilInFlight;

    /** What the server saw: path and query, authorization, body. */
    record Seen(String uri, String authorization, String contentType, String consistency, JsonNode body) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        threads = Executors.newFixedThreadPool(32);
        server.setExecutor(threads);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void answer(HttpExchange x) throws IOException {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            byte[] in = x.getRequestBody().readAllBytes();
            seen.add(new Seen(x.getRequestURI().toString(), x.getRequestHeaders().getFirst("Authorization"),
                    x.getRequestHeaders().getFirst("Content-Type"),
                    x.getRequestHeaders().getFirst("Ballast-Consistency"), JSON.readTree(in)));
            String path = x.getRequestURI().getPath();
            Thread.sleep(path.contains(SLOW.toString()) ? 50 : 2);
            // hold the answer until holdUntilInFlight requests are in the server (at most 100 ms), so that a driver
            // that keeps that many in flight is seen doing so even on a busy machine
            long until = System.nanoTime() + 100_000_000L;
            while (inFlight.get() < holdUntilInFlight && System.nanoTime() < until) {
                Thread.sleep(1);
            }
            if (path.contains(DROPPED.toString())) {
                x.close(); // no answer: the connection is closed under the request
                return;
            }
            int status = path.contains(REFUSED.toString()) ? 422 : 200;
            byte[] out = "{\"acceptable\":true}".getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(status, out.length);
            x.getResponseBody().write(out);
            x.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void countsOnlyTheMeasuredRequestsAndKeepsTheirNumberInFlight() throws Exception {
        holdUntilInFlight = 8;
        WhatIfDriver.Result r = new WhatIfDriver(url(), true, false).run("tok", List.of(GOOD, REFUSED), 90_000.0,
                300, 50, 8);

        assertThat(seen).hasSize(350);
        assertThat(r.requests()).isEqualTo(300);
        assertThat(r.latencies().count()).isEqualTo(300);
        assertThat(r.statuses().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(300);
        assertThat(r.statuses()).containsOnlyKeys(200, 422);
        assertThat(r.latencies().percentileMillis(50)).isGreaterThanOrEqualTo(2.0);
        assertThat(mostInFlight.get()).isEqualTo(8);
        assertThat(r.driverCpuSeconds()).isPositive();
        Seen one = seen.peek();
        assertThat(one.uri()).matches("/api/v1/accounts/0{8}-0{4}-0{4}-0{4}-0{11}[12]/margin/what-if");
        assertThat(one.authorization()).isEqualTo("Bearer tok");
        assertThat(one.contentType()).isEqualTo("application/json");
        assertThat(one.consistency()).as("no token unless given").isNull();
        assertThat(one.body().at("/trades/0/instrument").asText()).isEqualTo("BTC-PERP");
        assertThat(one.body().at("/trades/0/quantity").asText()).isEqualTo("0.1");
        assertThat(one.body().at("/trades/0/price").asText()).isEqualTo("90000.00");
    }

    @Test
    void aGivenConsistencyTokenGoesWithEveryRequest() throws Exception {
        new WhatIfDriver(url(), true, true).withConsistencyToken("48211.310").run("tok", List.of(GOOD), 1.0, 5, 3, 2,
                100);
        assertThat(seen).hasSize(8);
        assertThat(seen).allSatisfy(x -> assertThat(x.consistency()).isEqualTo("48211.310"));
    }

    @Test
    void eachModeAsksItsOwnPath() throws Exception {
        new WhatIfDriver(url() + "/", false, false).run("tok", List.of(GOOD), 1.0, 1, 0, 1);
        new WhatIfDriver(url(), true, true).run("tok", List.of(GOOD), 1.0, 1, 0, 1);
        assertThat(seen.stream().map(Seen::uri)).containsExactly(
                "/api/v1/accounts/" + GOOD + "/margin/what-if?liquidationPrices=false",
                "/api/v1/accounts/" + GOOD + "/margin/pre-trade-check");
    }

    @Test
    void aDroppedRequestIsAnErrorAndTheRunGoesOn() throws Exception {
        WhatIfDriver.Result r = new WhatIfDriver(url(), true, false).run("tok", List.of(GOOD, DROPPED), 90_000.0,
                100, 0, 4);
        Map<Integer, Long> statuses = r.statuses();
        assertThat(statuses.get(-1)).isPositive();
        assertThat(statuses.get(200)).isPositive();
        assertThat(statuses.get(-1) + statuses.get(200)).isEqualTo(100);
        assertThat(r.latencies().count()).isEqualTo(100);
    }

    @Test
    void atAFixedRateTheRequestsGoOutOnScheduleOverTheConnectionsAllowed() throws Exception {
        // 50 requests at 50/s: the last is due 0.98 s after the first, whatever the answers do (a closed loop of 4
        // would be done in about 13 answers' time)
        WhatIfDriver.Result r = new WhatIfDriver(url(), true, false).run("tok", List.of(GOOD), 90_000.0, 50, 20, 4,
                50);
        assertThat(seen).hasSize(70);
        assertThat(r.requests()).isEqualTo(50);
        assertThat(r.latencies().count()).isEqualTo(50);
        assertThat(r.statuses()).containsExactly(Map.entry(200, 50L));
        assertThat(r.seconds()).isGreaterThanOrEqualTo(0.98);
        assertThat(mostInFlight.get()).isLessThanOrEqualTo(4);
    }

    @Test
    void aWarmUpAtTheRateGoesFirstAndIsNotCounted() throws Exception {
        // 10 closed-loop warm-up requests, then 0.5 s at 40/s (20 requests) not counted, then 20 counted at 40/s
        WhatIfDriver.Result r = new WhatIfDriver(url(), true, false).withRateWarmup(0.5).run("tok", List.of(GOOD),
                90_000.0, 20, 10, 4, 40);
        assertThat(seen).hasSize(50);
        assertThat(r.requests()).isEqualTo(20);
        assertThat(r.latencies().count()).isEqualTo(20);
        assertThat(r.statuses()).containsExactly(Map.entry(200, 20L));
        assertThat(r.seconds()).as("the counted part alone: 19 gaps of 25 ms").isBetween(0.47, 0.9);
    }

    @Test
    void atAFixedRateAServiceThatFallsBehindShowsItsBacklogInTheLatencies() throws Exception {
        // one connection, 50 ms an answer, 20 requests due at 100/s (the last at 0.19 s): the last answer cannot come
        // before 20 x 50 ms = 1 s, so it is at least 0.81 s late, though each took 50 ms once sent
        WhatIfDriver.Result r = new WhatIfDriver(url(), true, false).run("tok", List.of(SLOW), 90_000.0, 20, 0, 1,
                100);
        assertThat(r.latencies().count()).isEqualTo(20);
        assertThat(r.latencies().maxMillis()).isGreaterThanOrEqualTo(810.0);
        assertThat(r.latencies().percentileMillis(50)).isGreaterThanOrEqualTo(400.0);
        assertThat(r.seconds()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void theRequestLogDatesEachCountedRequestByWhenItWasDueWithItsLatencyStatusAndAccount(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // 40 requests due at 20/s (2 s apart at the ends), on a fast account and one answering in 50 ms; the 10
        // warm-up requests are not logged
        RequestLog log = new RequestLog();
        java.time.Instant before = java.time.Instant.now();
        WhatIfDriver.Result r = new WhatIfDriver(url(), true, false).withRequestLog(log)
                .run("tok", List.of(GOOD, SLOW, REFUSED), 90_000.0, 40, 10, 4, 20);
        java.time.Instant after = java.time.Instant.now();

        assertThat(r.requests()).isEqualTo(40);
        assertThat(log.size()).isEqualTo(40);
        java.nio.file.Path csv = dir.resolve("w/requests.csv");
        log.write(csv);
        List<String> lines = java.nio.file.Files.readAllLines(csv);
        assertThat(lines).hasSize(41);
        assertThat(lines.get(0)).isEqualTo(RequestLog.HEADER);
        List<String[]> rows = lines.subList(1, 41).stream().map(l -> l.split(",")).toList();
        List<java.time.Instant> due = rows.stream().map(c -> java.time.Instant.parse(c[0])).sorted().toList();
        assertThat(due.get(0)).isBetween(before, after);
        // due 50 ms apart whatever the answers did: the 39 gaps span 1.95 s (the schedule's timer ticks each ms)
        assertThat(java.time.Duration.between(due.get(0), due.get(39)).toMillis()).isBetween(1_940L, 1_960L);
        for (String[] c : rows) {
            UUID account = UUID.fromString(c[4]);
            assertThat(c[3]).isEqualTo(account.equals(REFUSED) ? "422" : "200");
            double latency = Double.parseDouble(c[1]);
            double sent = Double.parseDouble(c[2]);
            assertThat(sent).as("handed to a connection after it was due, before its answer").isBetween(0.0, latency);
            if (account.equals(SLOW)) {
                assertThat(latency).as("a slow answer's latency").isGreaterThanOrEqualTo(50.0);
                assertThat(latency - sent).as("of which the server's part").isGreaterThanOrEqualTo(50.0);
            }
        }
        List<double[]> seconds = log.perSecond();
        assertThat(seconds.stream().mapToDouble(s -> s[1]).sum()).isEqualTo(40);
        assertThat(seconds.get(0)[0]).isEqualTo(0);
        java.nio.file.Path svg = dir.resolve("w/requests.svg");
        log.writeChart(svg, "pre-trade");
        assertThat(java.nio.file.Files.readString(svg)).startsWith("<svg").contains("p99 per second")
                .contains("requests per second");
    }
}
