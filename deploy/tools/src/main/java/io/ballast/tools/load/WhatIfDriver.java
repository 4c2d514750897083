package io.ballast.tools.load;

import io.ballast.tools.ApiClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a bounded number of what-if requests ({@code POST /api/v1/accounts/{id}/margin/what-if}, one hypothetical
 * BTC-PERP trade on a random loaded account) from {@code concurrency} threads over loopback HTTP/1.1 keep-alive, and
 * times each from send to complete answer. The first {@code warmup} requests are sent but not counted.
 */
public final class WhatIfDriver {

    /**
     * What a what-if run measured.
     *
     * @param requests  requests counted (after warm-up)
     * @param seconds   wall time of the counted requests
     * @param statuses  answers by HTTP status (errors as -1)
     * @param latencies latency of every counted request
     */
    public record Result(long requests, double seconds, Map<Integer, Long> statuses, Latencies latencies) {

        /** @return counted requests per second */
        public double requestsPerSecond() {
            return seconds > 0 ? requests / seconds : 0;
        }
    }

    private final ApiClient api;
    private final String path;

    /**
     * @param api               the service
     * @param liquidationPrices whether the answers carry liquidation prices (false sends
     *                          {@code ?liquidationPrices=false}: requirements, status and verdict only)
     * @param preTradeCheck     true to send the same body to {@code .../margin/pre-trade-check} instead (headline
     *                          figures and verdict; {@code liquidationPrices} is then ignored)
     */
    public WhatIfDriver(ApiClient api, boolean liquidationPrices, boolean preTradeCheck) {
        this.api = api;
        this.path = preTradeCheck ? "/margin/pre-trade-check"
                : "/margin/what-if" + (liquidationPrices ? "" : "?liquidationPrices=false");
    }

    /**
     * Runs the requests.
     *
     * @param token       integrator token of the load tenant
     * @param accounts    the tenant's account ids
     * @param priceUsd    BTC price to trade at
     * @param requests    requests to count
     * @param warmup      requests to send first without counting
     * @param concurrency threads sending at once
     * @return the measurements
     */
    public Result run(String token, List<UUID> accounts, double priceUsd, int requests, int warmup, int concurrency)
            throws Exception {
        Map<String, Object> body = Map.of("trades", List.of(Map.of("instrument", "BTC-PERP", "quantity", "0.1",
                "price", String.format(java.util.Locale.ROOT, "%.2f", priceUsd))));
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            send(pool, token, accounts, body, warmup, concurrency, null, new ConcurrentHashMap<>());
            Latencies latencies = new Latencies();
            Map<Integer, Long> statuses = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            send(pool, token, accounts, body, requests, concurrency, latencies, statuses);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(requests, seconds, new TreeMap<>(statuses), latencies);
        } finally {
            pool.shutdownNow();
        }
    }

    private void send(ExecutorService pool, String token, List<UUID> accounts, Map<String, Object> body, int total,
            int concurrency, Latencies latencies, Map<Integer, Long> statuses) throws Exception {
        AtomicLong left = new AtomicLong(total);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            long seed = w;
            workers.add(pool.submit(() -> {
                Random random = new Random(seed);
                while (left.getAndDecrement() > 0) {
                    UUID account = accounts.get(random.nextInt(accounts.size()));
                    int status;
                    long t0 = System.nanoTime();
                    try {
                        HttpRequest request = api.request(token, "POST", "/api/v1/accounts/" + account
                                + path, body);
                        status = api.http().send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return null;
                    } catch (Exception e) {
                        status = -1;
                    }
                    if (latencies != null) {
                        latencies.recordMicros((System.nanoTime() - t0) / 1_000);
                    }
                    statuses.merge(status, 1L, Long::sum);
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
    }
}
