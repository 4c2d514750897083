package io.ballast.margin.bench;

import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.PerpetualFuture;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The per-account engine's CPU time per margin answer, the unit of work of a what-if (which computes the margin
 * before and after the trades): {@link MarginEngine#compute} (breakdown and liquidation-price search) against
 * {@link MarginEngine#computeRequirements} (no search), over accounts shaped like the load command's (10 positions,
 * 7 linear and 3 options, on two underlyings of which one dominates, collateral 10-40 % of gross notional, portfolio and standard
 * margin 2:1). Thread CPU time, as {@link ThreadCpuProbe}.
 * Run: {@code java -cp services/margin-bench/target/benchmarks.jar io.ballast.margin.bench.WhatIfProbe}.
 */
public final class WhatIfProbe {

    private static final int ACCOUNTS = 1_000;
    private static final int ROUNDS = 5;

    private WhatIfProbe() {
    }

    /**
     * Entry point.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Workload w = new Workload(1, 10, 1L);
        probe("probe-shaped", w, accounts(w, new SplittableRandom(20_261_202L)));
        probe("load-shaped", w, loadShaped(w, new SplittableRandom(20_200_312L)));
    }

    private static void probe(String shape, Workload w, List<AccountInput> accounts) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.println(shape + ": warming up ...");
        long withPrice = 0;
        for (int r = 0; r < ROUNDS; r++) {
            for (AccountInput a : accounts) {
                MarginResult m = MarginEngine.DEFAULT.compute(a, w.market, w.params);
                withPrice += m.pools().get(0).liquidationPrice().isPresent() ? 1 : 0;
                MarginEngine.DEFAULT.computeRequirements(a, w.market, w.params);
            }
        }
        System.out.printf("%s: %d accounts, %d with a liquidation price%n", shape, ACCOUNTS, withPrice / ROUNDS);
        long c0 = mx.getCurrentThreadCpuTime();
        for (int r = 0; r < ROUNDS; r++) {
            for (AccountInput a : accounts) {
                MarginEngine.DEFAULT.compute(a, w.market, w.params);
            }
        }
        report(shape + " compute", mx.getCurrentThreadCpuTime() - c0);
        c0 = mx.getCurrentThreadCpuTime();
        for (int r = 0; r < ROUNDS; r++) {
            for (AccountInput a : accounts) {
                MarginEngine.DEFAULT.computeRequirements(a, w.market, w.params);
            }
        }
        report(shape + " computeRequirements", mx.getCurrentThreadCpuTime() - c0);
        // the what-if's pair: the account before and after buying 0.1 of the first underlying's perpetual (the load
        // command's what-if), as two computes and as one computeBeforeAfter (the searches sharing trial prices)
        List<AccountInput> afters = new java.util.ArrayList<>(accounts.size());
        for (AccountInput a : accounts) {
            io.ballast.margin.product.MarginPool pool = a.pools().get(0);
            String u = pool.positions().get(0).instrument().underlying();
            Instrument perp = w.instruments.stream().filter(i -> i.underlying().equals(u)
                    && i.kind() == io.ballast.margin.product.InstrumentKind.PERPETUAL).findFirst().orElseThrow();
            List<Position> positions = new java.util.ArrayList<>(pool.positions());
            positions.add(Position.of(perp, 0.1, Workload.PRICES.get(u)));
            afters.add(a.withPool(pool.withPositions(positions)));
        }
        for (boolean shared : new boolean[] {false, true, false, true}) {
            c0 = mx.getCurrentThreadCpuTime();
            for (int r = 0; r < ROUNDS; r++) {
                for (int k = 0; k < accounts.size(); k++) {
                    if (shared) {
                        MarginEngine.DEFAULT.computeBeforeAfter(accounts.get(k), afters.get(k), w.market, w.params,
                                true);
                    } else {
                        MarginEngine.DEFAULT.compute(accounts.get(k), w.market, w.params);
                        MarginEngine.DEFAULT.compute(afters.get(k), w.market, w.params);
                    }
                }
            }
            report(shape + (shared ? " before/after, shared" : " before/after, two computes"),
                    mx.getCurrentThreadCpuTime() - c0);
        }
    }

    /**
     * Accounts shaped like {@code ./ballast load}'s (deploy/tools BulkLoader): 10 of a 20-instrument universe at
     * random (per underlying BTC and ETH: the perpetual, the 30-day future and 8 options of 30 days, 4 strikes around
     * the index, call and put), so about 8 options on both underlyings; a BTC position twice an ETH one's notional,
     * options half size; collateral 6-40 % of gross notional; portfolio and standard margin 2:1.
     */
    private static List<AccountInput> loadShaped(Workload w, SplittableRandom rnd) {
        return loadShaped(w, rnd, ACCOUNTS, a -> a % 3 == 2);
    }

    /**
     * The load command's account modes by number, as its loader assigns them (CROSS, CROSS, PORTFOLIO, CROSS,
     * PORTFOLIO, CROSS): true for standard margin.
     */
    static final java.util.function.IntPredicate LOAD_COMMAND_STANDARD = a -> a % 6 != 2 && a % 6 != 4;
    /** The early warning's log-moves the hot-book probes use, per underlying. */
    static final java.util.Map<String, Double> STRESS_LOG_MOVES = java.util.Map.of("BTC", 0.10, "ETH", 0.12);

    /**
     * Load-shaped accounts, as {@link #loadShaped(Workload, SplittableRandom)}.
     *
     * @param w        the workload (instruments and prices)
     * @param rnd      random source
     * @param count    number of accounts
     * @param standard which account numbers use standard margin (the others portfolio margin)
     * @return the accounts
     */
    static List<AccountInput> loadShaped(Workload w, SplittableRandom rnd, int count,
            java.util.function.IntPredicate standard) {
        List<Instrument> universe = new ArrayList<>();
        for (String u : List.of("BTC", "ETH")) {
            double s = Workload.PRICES.get(u);
            for (Instrument x : w.instruments) {
                if (!x.underlying().equals(u)) {
                    continue;
                }
                if (x instanceof PerpetualFuture
                        || x instanceof DatedFuture f && days(f.expiry()) == 30
                        || x instanceof EuropeanOption o && days(o.expiry()) == 30 && o.strikeUsd() / s > 0.89
                                && o.strikeUsd() / s < 1.06) {
                    universe.add(x);
                }
            }
        }
        List<AccountInput> out = new ArrayList<>();
        for (int a = 0; a < count; a++) {
            List<Instrument> chosen = new ArrayList<>(universe);
            for (int i = chosen.size() - 1; i > 0; i--) {
                Collections.swap(chosen, i, rnd.nextInt(i + 1));
            }
            double size = 0.2 + rnd.nextDouble() * 4.8;
            double gross = 0;
            List<Position> positions = new ArrayList<>();
            for (Instrument x : chosen.subList(0, 10)) {
                double s = Workload.PRICES.get(x.underlying());
                boolean option = x instanceof EuropeanOption;
                double unitUsd = x.underlying().equals("BTC") ? 9_000 : 4_500;
                double q = (rnd.nextBoolean() ? 1 : -1) * size * unitUsd / s * (option ? 0.5 : 1);
                positions.add(Position.of(x, q, option ? s * (0.02 + rnd.nextDouble() * 0.06)
                        : s * (0.95 + rnd.nextDouble() * 0.1)));
                gross += Math.abs(q) * s;
            }
            double collateral = gross * (0.06 + 0.34 * rnd.nextDouble());
            out.add(AccountInput.cross("l" + a, standard.test(a) ? MarginMethod.STANDARD : MarginMethod.PORTFOLIO,
                    positions, List.of(CollateralBalance.of("USDC", BigDecimal.valueOf(Math.round(collateral))))));
        }
        return out;
    }

    private static List<AccountInput> accounts(Workload w, SplittableRandom rnd) {
        int block = w.instruments.size() / Workload.UNDERLYINGS.size();
        List<AccountInput> out = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            int first = rnd.nextInt(Workload.UNDERLYINGS.size());
            int second = (first + 1 + rnd.nextInt(Workload.UNDERLYINGS.size() - 1)) % Workload.UNDERLYINGS.size();
            List<Position> positions = new ArrayList<>();
            List<Integer> used = new ArrayList<>();
            double gross = 0;
            while (positions.size() < 10) {
                int n = positions.size();
                // 4 linear on the first underlying, 3 on the second, 3 options on the first; the first dominates
                int u = n >= 4 && n < 7 ? second : first;
                int i = u * block + (n < 4 ? n : n < 7 ? n - 4 : 4 + rnd.nextInt(block - 4));
                if (used.contains(i)) {
                    continue;
                }
                used.add(i);
                Instrument x = w.instruments.get(i);
                double s = Workload.PRICES.get(x.underlying());
                double usd = (rnd.nextBoolean() ? 1 : -1) * (1_000 + rnd.nextDouble() * 49_000) * (u == first ? 3 : 1);
                positions.add(Position.of(x, usd / s, n < 7 ? s : 0.02 * s));
                gross += Math.abs(usd);
            }
            double collateral = gross * (0.10 + 0.30 * rnd.nextDouble());
            out.add(AccountInput.cross("a" + a, a % 3 == 2 ? MarginMethod.STANDARD : MarginMethod.PORTFOLIO,
                    positions, List.of(CollateralBalance.of("USDC", BigDecimal.valueOf(Math.round(collateral))))));
        }
        return out;
    }

    private static long days(java.time.Instant expiry) {
        return Duration.between(Workload.NOW, expiry).toDays();
    }

    private static void report(String name, long cpuNanos) {
        System.out.printf("%-34s %8.1f us CPU per account%n", name, cpuNanos / (ROUNDS * (double) ACCOUNTS * 1e3));
    }
}
