package io.ballast.margin.bench;

import io.ballast.margin.engine.BulkMarginBook;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.HealthStatus;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.Position;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The live loop's unit of work: one price move of the service's hot book ({@link BulkMarginBook#onTick}: the
 * underlying's risk arrays and their stressed twins, then equity, requirements and the early-warning stress of every
 * exposed account), over 100,000 accounts shaped like {@code ./ballast load}'s (10 of 20 BTC and ETH instruments,
 * about 8 options, standard and portfolio margin 2:1 as the load command's account modes), so that every BTC move
 * re-values every account, as in the service. Thread CPU time of the single-threaded book (which other processes'
 * load inflates much less than wall time), next to the wall time of the parallel book.
 * Run: {@code java -Xmx3g -cp services/margin-bench/target/benchmarks.jar io.ballast.margin.bench.BulkTickProbe}.
 */
public final class BulkTickProbe {

    private static final int ACCOUNTS = 100_000;
    private static final int WARMUP = 30;
    private static final int RUNS = 30;

    private BulkTickProbe() {
    }

    /**
     * Entry point.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Workload w = new Workload(1, 10, 1L);
        List<AccountInput> accounts = WhatIfProbe.loadShaped(w, new SplittableRandom(20_261_203L), ACCOUNTS,
                WhatIfProbe.LOAD_COMMAND_STANDARD);
        Map<String, Instrument> universe = new LinkedHashMap<>();
        accounts.forEach(a -> a.pools().get(0).positions().stream().map(Position::instrument)
                .forEach(i -> universe.putIfAbsent(i.id(), i)));
        Map<String, Double> stress = WhatIfProbe.STRESS_LOG_MOVES;
        for (boolean parallel : new boolean[] {false, true}) {
            BulkMarginBook.Builder b = BulkMarginBook.builder(List.copyOf(universe.values()), w.market, w.params,
                    stress, parallel);
            accounts.forEach(a -> b.addAccount(a, w.params));
            BulkMarginBook book = b.build();
            System.out.printf("%s book: %d accounts, %d instruments; warming up ...%n",
                    parallel ? "parallel" : "serial", book.accountCount(), universe.size());
            int exposed = 0;
            for (int r = 0; r < WARMUP; r++) {
                exposed = book.onTick(market(w, r), "BTC", 0.10).length;
            }
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long warnings = 0;
            for (int r = 0; r < RUNS; r++) {
                book.onTick(market(w, r), "BTC", 0.10);
                warnings += book.stressBreached(r) ? 1 : 0;
            }
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            long wall = System.nanoTime() - t0;
            System.out.printf("onTick BTC, %s: %,d accounts re-valued, %7.2f ms wall per tick%s%n",
                    parallel ? "parallel" : "serial  ", exposed, wall / (RUNS * 1e6),
                    parallel ? "" : String.format(", %7.2f ms CPU per tick", cpu / (RUNS * 1e6)));
            Map<HealthStatus, Integer> byStatus = new java.util.EnumMap<>(HealthStatus.class);
            for (int a = 0; a < book.accountCount(); a++) {
                byStatus.merge(book.status(a), 1, Integer::sum);
            }
            System.out.println("accounts by status " + byStatus + " (checksum "
                    + (warnings + Math.round(book.maintenanceUsd(0))) + ")");
        }
        screened(w, accounts, universe, stress);
        together(w, accounts, universe, stress);
    }

    /**
     * The serial book with the screen (hysteresis 0.05, the service's default), on price-only BTC moves of a random
     * walk: per step size, thread CPU per move and the share of exposed accounts the screen re-valued.
     */
    private static void screened(Workload w, List<AccountInput> accounts, Map<String, Instrument> universe,
            Map<String, Double> stress) {
        BulkMarginBook.Builder b = BulkMarginBook.builder(List.copyOf(universe.values()), w.market, w.params,
                stress, false).screen(0.05);
        accounts.forEach(a -> b.addAccount(a, w.params));
        BulkMarginBook book = b.build();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SplittableRandom rnd = new SplittableRandom(3);
        MarketSnapshot m = w.market;
        for (double step : new double[] {0.00005, 0.0005, 0.002, 0.01}) {
            long revalued = 0;
            long cpu = 0;
            for (int r = 0; r < WARMUP + RUNS; r++) {
                // a walk that stays within +-3 % of the start, so that the book does not drift into other statuses
                double s = m.indexPrice("BTC") * (1 + (rnd.nextBoolean() ? step : -step));
                s = Math.max(w.market.indexPrice("BTC") * 0.97, Math.min(w.market.indexPrice("BTC") * 1.03, s));
                m = m.withPrice("BTC", s);
                long c0 = mx.getCurrentThreadCpuTime();
                int n = book.onTick(m, "BTC", 0.10, true).length;
                if (r >= WARMUP) {
                    cpu += mx.getCurrentThreadCpuTime() - c0;
                    revalued += n;
                }
            }
            System.out.printf("onTick BTC, screened, steps of %.3f %%: %,.0f of %,d accounts re-valued per move, "
                    + "%7.2f ms CPU per move%n", step * 100, revalued / (double) RUNS, book.accountCount(),
                    cpu / (RUNS * 1e6));
        }
    }

    /**
     * BTC and ETH moving at every step (as the live loop's price batches carry both), on two serial screened books:
     * one ticked a symbol at a time, one ticked with both at once ({@link BulkMarginBook#onTicks}); thread CPU per
     * step of each, per step size.
     */
    private static void together(Workload w, List<AccountInput> accounts, Map<String, Instrument> universe,
            Map<String, Double> stress) {
        BulkMarginBook[] books = new BulkMarginBook[2];
        for (int k = 0; k < 2; k++) {
            BulkMarginBook.Builder b = BulkMarginBook.builder(List.copyOf(universe.values()), w.market, w.params,
                    stress, false).screen(0.05);
            accounts.forEach(a -> b.addAccount(a, w.params));
            books[k] = b.build();
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<String> both = List.of("BTC", "ETH");
        double[] moves = {0.10, 0.10};
        boolean[] priceOnly = {true, true};
        for (double step : new double[] {0.00005, 0.0005, 0.002}) {
            SplittableRandom rnd = new SplittableRandom(5);
            MarketSnapshot m = books[0].market();
            long[] cpu = new long[2];
            long[] revalued = new long[2];
            for (int r = 0; r < WARMUP + RUNS; r++) {
                MarketSnapshot afterBtc = m.withPrice("BTC", walk(w, "BTC", m, step, rnd));
                m = afterBtc.withPrice("ETH", walk(w, "ETH", afterBtc, step, rnd));
                long c0 = mx.getCurrentThreadCpuTime();
                int n = books[0].onTick(afterBtc, "BTC", 0.10, true).length + books[0].onTick(m, "ETH", 0.10, true)
                        .length;
                long c1 = mx.getCurrentThreadCpuTime();
                int t = books[1].onTicks(m, both, moves, priceOnly).length;
                long c2 = mx.getCurrentThreadCpuTime();
                if (r >= WARMUP) {
                    cpu[0] += c1 - c0;
                    cpu[1] += c2 - c1;
                    revalued[0] += n;
                    revalued[1] += t;
                }
            }
            System.out.printf("BTC and ETH each step, screened, steps of %.3f %%: one at a time %,.0f re-valuations, "
                    + "%6.2f ms CPU per step; both at once %,.0f accounts re-valued, %6.2f ms CPU per step%n",
                    step * 100, revalued[0] / (double) RUNS, cpu[0] / (RUNS * 1e6), revalued[1] / (double) RUNS,
                    cpu[1] / (RUNS * 1e6));
        }
    }

    /** One step of a random walk of an underlying held within +-3 % of its start. */
    private static double walk(Workload w, String u, MarketSnapshot m, double step, SplittableRandom rnd) {
        double s = m.indexPrice(u) * (1 + (rnd.nextBoolean() ? step : -step));
        return Math.max(w.market.indexPrice(u) * 0.97, Math.min(w.market.indexPrice(u) * 1.03, s));
    }

    private static MarketSnapshot market(Workload w, int r) {
        return (r & 1) == 0 ? w.tickedMarket : w.market;
    }
}
