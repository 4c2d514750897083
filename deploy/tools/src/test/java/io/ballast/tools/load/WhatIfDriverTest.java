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

    private HttpServer server;
    private ExecutorService threads;
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    /** What the server saw: path and query, authorization, body. */
    record Seen(String uri, String authorization, String contentType, JsonNode body) {
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
                    x.getRequestHeaders().getFirst("Content-Type"), JSON.readTree(in)));
            Thread.sleep(2);
            String path = x.getRequestURI().getPath();
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
        assertThat(one.body().at("/trades/0/instrument").asText()).isEqualTo("BTC-PERP");
        assertThat(one.body().at("/trades/0/quantity").asText()).isEqualTo("0.1");
        assertThat(one.body().at("/trades/0/price").asText()).isEqualTo("90000.00");
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
}
