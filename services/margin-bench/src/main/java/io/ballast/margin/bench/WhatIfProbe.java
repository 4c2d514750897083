package io.ballast.margin.bench;

import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.util.ArrayList;
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
        List<AccountInput> accounts = accounts(w, new SplittableRandom(20_261_202L));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.println("warming up ...");
        long withPrice = 0;
        for (int r = 0; r < ROUNDS; r++) {
            for (AccountInput a : accounts) {
                MarginResult m = MarginEngine.DEFAULT.compute(a, w.market, w.params);
                withPrice += m.pools().get(0).liquidationPrice().isPresent() ? 1 : 0;
                MarginEngine.DEFAULT.computeRequirements(a, w.market, w.params);
            }
        }
        System.out.printf("%d accounts, %d with a liquidation price%n", ACCOUNTS, withPrice / ROUNDS);
        long c0 = mx.getCurrentThreadCpuTime();
        for (int r = 0; r < ROUNDS; r++) {
            for (AccountInput a : accounts) {
                MarginEngine.DEFAULT.compute(a, w.market, w.params);
            }
        }
        report("compute", mx.getCurrentThreadCpuTime() - c0);
        c0 = mx.getCurrentThreadCpuTime();
        for (int r = 0; r < ROUNDS; r++) {
            for (AccountInput a : accounts) {
                MarginEngine.DEFAULT.computeRequirements(a, w.market, w.params);
            }
        }
        report("computeRequirements", mx.getCurrentThreadCpuTime() - c0);
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

    private static void report(String name, long cpuNanos) {
        System.out.printf("%-20s %8.1f us CPU per account%n", name, cpuNanos / (ROUNDS * (double) ACCOUNTS * 1e3));
    }
}
