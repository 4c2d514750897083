package io.ballast.tools.load;

import io.ballast.tools.ApiClient;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./ballast load --churn-rate N}: during a tick run, N position writes a second as an exchange's trades make
 * them ({@code PUT /api/v1/accounts/{id}/positions/{BTC-PERP|ETH-PERP}}, a random loaded account, a new quantity of
 * a few tenths of a unit, long or short, at an entry near the index), so that the tick latency is measured while
 * accounts change under the book. Writes are due at a fixed rate from the start of the warm-up (an open loop, each
 * timed from when it was due), at most {@value #IN_FLIGHT} awaiting an answer; a write due while that many wait is
 * skipped and counted.
 */
final class ChurnDriver {

    /** Writes awaiting an answer at once. */
    static final int IN_FLIGHT = 64;
    private static final String[] PERPETUALS = {"BTC-PERP", "ETH-PERP"};

    /**
     * What the writes did.
     *
     * @param statuses  answers of the measured writes by HTTP status (-1: no answer)
     * @param latencies from due to answer, measured writes
     * @param skipped   writes not sent because {@value #IN_FLIGHT} were awaiting an answer
     */
    record Result(Map<Integer, Long> statuses, Latencies latencies, long skipped) {
    }

    private final ApiClient api;
    private final String integratorId;
    private final String integratorSecret;
    private final List<UUID> accounts;
    private final Map<String, Double> pricesUsd;
    private final Map<Integer, Long> statuses = new ConcurrentHashMap<>();
    private final Latencies latencies = new Latencies();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    ChurnDriver(ApiClient api, String integratorId, String integratorSecret, List<UUID> accounts,
            Map<String, Double> pricesUsd) {
        this.api = api;
        this.integratorId = integratorId;
        this.integratorSecret = integratorSecret;
        this.accounts = accounts;
        this.pricesUsd = pricesUsd;
    }

    /**
     * Starts a daemon thread that sends the writes.
     *
     * @param rate     writes per second
     * @param warmup   the tick run's warm-up (writes then are sent, not counted)
     * @param duration the measured part
     * @param seed     random seed (accounts, instruments, quantities)
     * @param out      where to report failures to start
     * @return the thread (join it, then read {@link #result()})
     */
    Thread start(int rate, Duration warmup, Duration duration, long seed, PrintWriter out) {
        Thread t = new Thread(() -> {
            try {
                run(rate, warmup, duration, new Random(seed));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                synchronized (out) {
                    out.println("CHURN: stopped: " + e);
                    out.flush();
                }
            }
        }, "load-churn");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void run(int rate, Duration warmup, Duration duration, Random random) throws Exception {
        Pacer pacer = new Pacer(rate, warmup, duration);
        String token = api.token(integratorId, integratorSecret);
        long tokenAt = System.nanoTime();
        for (long i = 0; !pacer.ended(i); i++) {
            long due = pacer.due(i);
            Pacer.await(due);
            if (System.nanoTime() - tokenAt > Duration.ofMinutes(1).toNanos()) {
                token = api.token(integratorId, integratorSecret); // tokens live minutes
                tokenAt = System.nanoTime();
            }
            UUID account = accounts.get(random.nextInt(accounts.size()));
            String instrument = PERPETUALS[random.nextInt(PERPETUALS.length)];
            double spot = pricesUsd.get(instrument.substring(0, instrument.indexOf('-')));
            double quantity = (random.nextBoolean() ? 1 : -1) * (0.05 + random.nextDouble() * 0.45)
                    * (instrument.startsWith("BTC") ? 1 : 15);
            Map<String, String> body = Map.of("quantity", decimal(quantity, 4),
                    "entryPrice", decimal(spot * (0.99 + random.nextDouble() * 0.02), 2));
            boolean measured = pacer.measured(due);
            if (inFlight.get() >= IN_FLIGHT) {
                skipped.incrementAndGet();
                continue;
            }
            inFlight.incrementAndGet();
            api.http().sendAsync(api.request(token, "PUT", "/api/v1/accounts/" + account + "/positions/"
                    + instrument, body), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        inFlight.decrementAndGet();
                        if (measured) {
                            latencies.recordMicros((System.nanoTime() - due) / 1_000);
                            statuses.merge(e == null ? r.statusCode() : -1, 1L, Long::sum);
                        }
                    });
        }
        long waitUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < waitUntil) {
            Thread.sleep(10);
        }
    }

    /** @return what the writes did (after the thread ended) */
    Result result() {
        return new Result(new TreeMap<>(statuses), latencies, skipped.get());
    }

    /** The line {@code ./ballast load} prints. */
    static String summary(int rate, Result r) {
        long count = r.statuses().values().stream().mapToLong(Long::longValue).sum();
        return String.format(Locale.ROOT, "CHURN: %,d position writes measured at %,d/s (PUT .../positions/{perp});"
                + " answers by status %s; %,d skipped (%d awaiting); from due to answer: %s", count, rate,
                r.statuses(), r.skipped(), IN_FLIGHT, r.latencies().summary());
    }

    private static String decimal(double value, int scale) {
        return BigDecimal.valueOf(value).setScale(scale, RoundingMode.HALF_EVEN).toPlainString();
    }
}
