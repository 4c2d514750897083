package io.ballast.tools.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a bounded number of what-if requests ({@code POST /api/v1/accounts/{id}/margin/what-if}, one hypothetical
 * BTC-PERP trade on a random loaded account) with {@code concurrency} requests in flight over loopback HTTP/1.1
 * keep-alive, and times each from send to complete answer. The first {@code warmup} requests are sent but not
 * counted.
 *
 * <p>Two ways to send. A closed loop ({@code ratePerSecond} 0): {@code concurrency} requests in flight, each
 * finished request starting the next, so the latency is what a request takes when the service always has that many at
 * hand. An open loop ({@code ratePerSecond} above 0): requests are due at a fixed rate whatever the answers do, over at
 * most {@code concurrency} connections (a request with no free connection waits in the client), and each is timed from
 * the moment it was due, not from when it left. So a service that falls behind shows its backlog in the latencies
 * instead of slowing the sender down (what Gil Tene calls coordinated omission); this is the measure of "N requests/s
 * with a p99 of M ms".
 *
 * <p>The client is Vert.x's on one event loop, with the body serialised once: the driver shares the machine's cores
 * with the service, so what it spends per request is taken from the service. The JDK's {@code java.net.http} client,
 * used before, spent about 0.7 ms of CPU per request, more than the service spent answering a pre-trade check
 * (docs/benchmarks.md, session 20). The result reports the driver's own CPU per request.
 */
public final class WhatIfDriver {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A request without any byte from the service for this long fails (counted as status -1). */
    private static final long IDLE_TIMEOUT_MS = 120_000;

    /**
     * What a what-if run measured.
     *
     * @param requests          requests counted (after warm-up)
     * @param seconds           wall time of the counted requests
     * @param statuses          answers by HTTP status (errors as -1)
     * @param latencies         latency of every counted request
     * @param driverCpuSeconds  CPU time this process (the driver) spent during the counted requests
     */
    public record Result(long requests, double seconds, Map<Integer, Long> statuses, Latencies latencies,
            double driverCpuSeconds) {

        /** @return counted requests per second */
        public double requestsPerSecond() {
            return seconds > 0 ? requests / seconds : 0;
        }

        /** @return the driver's CPU time per counted request, microseconds */
        public double driverCpuMicrosPerRequest() {
            return requests > 0 ? driverCpuSeconds * 1e6 / requests : 0;
        }
    }

    private final URI base;
    private final String path;
    private RequestLog requestLog;
    private double rateWarmupSeconds;
    private String consistencyToken;

    /**
     * @param apiUrl            base URL of the service, e.g. {@code http://127.0.0.1:8080}
     * @param liquidationPrices whether the answers carry liquidation prices (false sends
     *                          {@code ?liquidationPrices=false}: requirements, status and verdict only)
     * @param preTradeCheck     true to send the same body to {@code .../margin/pre-trade-check} instead (headline
     *                          figures and verdict; {@code liquidationPrices} is then ignored)
     */
    public WhatIfDriver(String apiUrl, boolean liquidationPrices, boolean preTradeCheck) {
        this.base = URI.create(apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl);
        this.path = preTradeCheck ? "/margin/pre-trade-check"
                : "/margin/what-if" + (liquidationPrices ? "" : "?liquidationPrices=false");
    }

    /**
     * Also logs every counted request (when due, latency, status, account), to place the tail in time.
     *
     * @param log where, or null for none
     * @return this driver
     */
    public WhatIfDriver withRequestLog(RequestLog log) {
        this.requestLog = log;
        return this;
    }

    /**
     * Sends this {@code Ballast-Consistency} token with every request: a client that has seen the tenant's state up
     * to it, as a matching engine has seen its own fills (the service then answers from its hot book without a
     * freshness read per request; docs/api.md section 10).
     *
     * @param token the token, or null for none
     * @return this driver
     */
    public WhatIfDriver withConsistencyToken(String token) {
        this.consistencyToken = token;
        return this;
    }

    /**
     * In an open loop, first sends this long's requests at the same rate, not counted, after the closed-loop
     * warm-up: both processes (this driver too is a fresh JVM) then start the counted part warm at that rate.
     *
     * @param seconds how long, 0 for none
     * @return this driver
     */
    public WhatIfDriver withRateWarmup(double seconds) {
        this.rateWarmupSeconds = seconds;
        return this;
    }

    /**
     * Runs the requests.
     *
     * @param token       integrator token of the load tenant
     * @param accounts    the tenant's account ids
     * @param priceUsd    BTC price to trade at
     * @param requests    requests to count
     * @param warmup      requests to send first without counting
     * @param concurrency requests in flight at once (one connection each)
     * @return the measurements
     */
    public Result run(String token, List<UUID> accounts, double priceUsd, int requests, int warmup, int concurrency)
            throws Exception {
        return run(token, accounts, priceUsd, requests, warmup, concurrency, 0);
    }

    /**
     * Runs the requests, in a closed loop or at a fixed rate.
     *
     * @param token         integrator token of the load tenant
     * @param accounts      the tenant's account ids
     * @param priceUsd      BTC price to trade at
     * @param requests      requests to count
     * @param warmup        requests to send first without counting (always in a closed loop)
     * @param concurrency   closed loop: requests in flight at once (one connection each); open loop: most connections
     * @param ratePerSecond 0 for the closed loop; above 0, the counted requests are due at this rate (open loop)
     * @return the measurements
     */
    public Result run(String token, List<UUID> accounts, double priceUsd, int requests, int warmup, int concurrency,
            double ratePerSecond) throws Exception {
        Buffer body = Buffer.buffer(JSON.writeValueAsBytes(Map.of("trades", List.of(Map.of("instrument", "BTC-PERP",
                "quantity", "0.1", "price", String.format(java.util.Locale.ROOT, "%.2f", priceUsd))))));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        try {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1)
                    .setKeepAlive(true).setPipelining(false).setConnectTimeout(10_000),
                    new PoolOptions().setHttp1MaxSize(concurrency));
            Sender sender = new Sender(vertx, client, token, accounts, body);
            sender.send(warmup, concurrency, null, new ConcurrentHashMap<>());
            if (ratePerSecond > 0 && rateWarmupSeconds > 0) {
                sender.sendAtRate((int) Math.ceil(ratePerSecond * rateWarmupSeconds), ratePerSecond, null,
                        new ConcurrentHashMap<>());
            }
            sender.log = requestLog;
            Latencies latencies = new Latencies();
            Map<Integer, Long> statuses = new ConcurrentHashMap<>();
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long start = System.nanoTime();
            if (ratePerSecond > 0) {
                sender.sendAtRate(requests, ratePerSecond, latencies, statuses);
            } else {
                sender.send(requests, concurrency, latencies, statuses);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (os.getProcessCpuTime() - cpu0) / 1e9;
            return new Result(requests, seconds, new TreeMap<>(statuses), latencies, cpuSeconds);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static long epochMicrosNow() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** Closed loops or a fixed-rate schedule, on the event loop. */
    private final class Sender {

        private final Vertx vertx;
        private final HttpClient client;
        private final String authorization;
        private final List<UUID> accounts;
        private final Buffer body;
        /** The counted requests' log, or null; the wall clock at {@link #nanoBase}, to date them. */
        private RequestLog log;
        private final long nanoBase = System.nanoTime();
        private final long epochMicrosBase = epochMicrosNow();

        Sender(Vertx vertx, HttpClient client, String token, List<UUID> accounts, Buffer body) {
            this.vertx = vertx;
            this.client = client;
            this.authorization = "Bearer " + token;
            this.accounts = accounts;
            this.body = body;
        }

        void send(int total, int concurrency, Latencies latencies, Map<Integer, Long> statuses) throws Exception {
            if (total <= 0) {
                return;
            }
            AtomicLong left = new AtomicLong(total);
            AtomicLong running = new AtomicLong(concurrency);
            CompletableFuture<Void> done = new CompletableFuture<>();
            for (int w = 0; w < concurrency; w++) {
                Random random = new Random(w);
                next(random, left, running, done, latencies, statuses);
            }
            done.get();
        }

        /**
         * Sends {@code total} requests due at {@code ratePerSecond} from now, checking every millisecond which are due,
         * and times each from its due time.
         */
        void sendAtRate(int total, double ratePerSecond, Latencies latencies, Map<Integer, Long> statuses)
                throws Exception {
            Random random = new Random(0);
            AtomicLong answered = new AtomicLong();
            CompletableFuture<Void> done = new CompletableFuture<>();
            double nanosApart = 1e9 / ratePerSecond;
            long start = System.nanoTime();
            long[] sent = {0};
            vertx.runOnContext(ignored -> vertx.setPeriodic(1, timer -> {
                long now = System.nanoTime();
                while (sent[0] < total) {
                    long due = start + (long) (sent[0] * nanosApart);
                    if (due > now) {
                        break;
                    }
                    sent[0]++;
                    exchange(random, due, latencies, statuses, () -> {
                        if (answered.incrementAndGet() == total) {
                            done.complete(null);
                        }
                    });
                }
                if (sent[0] >= total) {
                    vertx.cancelTimer(timer);
                }
            }));
            done.get();
        }

        private void next(Random random, AtomicLong left, AtomicLong running, CompletableFuture<Void> done,
                Latencies latencies, Map<Integer, Long> statuses) {
            if (left.getAndDecrement() <= 0) {
                if (running.decrementAndGet() == 0) {
                    done.complete(null);
                }
                return;
            }
            exchange(random, System.nanoTime(), latencies, statuses,
                    () -> next(random, left, running, done, latencies, statuses));
        }

        /** One request on a random account, timed from {@code t0} to its complete answer; then {@code then}. */
        private void exchange(Random random, long t0, Latencies latencies, Map<Integer, Long> statuses,
                Runnable then) {
            UUID account = accounts.get(random.nextInt(accounts.size()));
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(base.getHost())
                    .setPort(base.getPort()).setURI(base.getRawPath() + "/api/v1/accounts/" + account + path)
                    .setIdleTimeout(IDLE_TIMEOUT_MS)
                    .putHeader("Authorization", authorization).putHeader("Accept", "application/json")
                    .putHeader("Content-Type", "application/json");
            if (consistencyToken != null) {
                options.putHeader("Ballast-Consistency", consistencyToken);
            }
            long[] sent = {-1};
            client.request(options)
                    .compose(request -> {
                        sent[0] = System.nanoTime();
                        return request.send(body);
                    })
                    .compose(response -> response.body().map(ignored -> response.statusCode()))
                    .onComplete(answer -> {
                        int status = answer.succeeded() ? answer.result() : -1;
                        if (latencies != null) {
                            long nanos = System.nanoTime() - t0;
                            latencies.recordMicros(nanos / 1_000);
                            if (log != null) {
                                log.add(epochMicrosBase / 1e3 + (t0 - nanoBase) / 1e6, nanos / 1e6,
                                        sent[0] < 0 ? -1 : (sent[0] - t0) / 1e6, status, account);
                            }
                        }
                        statuses.merge(status, 1L, Long::sum);
                        then.run();
                    });
        }
    }
}
