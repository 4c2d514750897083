package io.ballast.margin.bench;

import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.product.AccountInput;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Whether a screen before the re-valuation would pay (docs/design-price-path.md, "Proposed, not built"): for accounts
 * shaped like {@code ./ballast load}'s, how far each is from a status change against how much a 1 % BTC move changes
 * its margin. Per account, with the per-account engine: the gaps equity - MM, equity - IM and, per underlying held and
 * direction, equity - MM at the early warning's stressed price (BTC +-10 %, ETH +-12 % log-moves); its distance is the
 * smallest gap in absolute value, and its change the largest change of any gap when BTC moves 1 %. The ratio says
 * how many such moves the account could take, changing linearly, before a status could change; a screen's proven
 * bound is larger than the actual change (it cannot use the account's net exposure), so the table lists the share of
 * accounts a screen could skip for a bound 1, 2, 4 and 8 times the actual change. Hysteresis is left out (it only
 * widens the gaps on the way back).
 * Run: {@code java -cp services/margin-bench/target/benchmarks.jar io.ballast.margin.bench.ScreenProbe}.
 */
public final class ScreenProbe {

    private static final int ACCOUNTS = 10_000;
    private static final Map<String, Double> STRESS = WhatIfProbe.STRESS_LOG_MOVES;

    private ScreenProbe() {
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
        MarketSnapshot m0 = w.market;
        MarketSnapshot m1 = m0.withPrice("BTC", m0.indexPrice("BTC") * 1.01);
        double[] ratio = new double[accounts.size()];
        long started = System.nanoTime();
        for (int a = 0; a < accounts.size(); a++) {
            double[] g0 = gaps(accounts.get(a), w, m0);
            double[] g1 = gaps(accounts.get(a), w, m1);
            double distance = Double.POSITIVE_INFINITY;
            double change = 0;
            for (int k = 0; k < g0.length; k++) {
                distance = Math.min(distance, Math.abs(g0[k]));
                change = Math.max(change, Math.abs(g1[k] - g0[k]));
            }
            ratio[a] = change == 0 ? Double.POSITIVE_INFINITY : distance / change;
            if ((a + 1) % 2_000 == 0) {
                System.out.printf("%,d accounts (%.0f s)%n", a + 1, (System.nanoTime() - started) / 1e9);
            }
        }
        Arrays.sort(ratio);
        System.out.printf("%,d load-shaped accounts, BTC moved 1 %% (distance to a status change / its change):%n",
                accounts.size());
        System.out.printf("  median %.1f moves, 10th percentile %.1f, 90th %.1f%n", ratio[ratio.length / 2],
                ratio[ratio.length / 10], ratio[ratio.length * 9 / 10]);
        for (double k : new double[] {1, 2, 4, 8}) {
            long skippable = Arrays.stream(ratio).filter(r -> r > k).count();
            System.out.printf("  bound %.0fx the actual change: %5.1f %% of the accounts skippable for a 1 %% move%n",
                    k, 100.0 * skippable / ratio.length);
        }
    }

    /** The gaps a status depends on: equity - MM, equity - IM, equity - MM at each stressed price. */
    private static double[] gaps(AccountInput account, Workload w, MarketSnapshot m) {
        MarginResult r = MarginEngine.DEFAULT.computeRequirements(account, m, w.params);
        double[] out = new double[2 + 2 * STRESS.size()];
        out[0] = r.equityUsd() - r.maintenanceMarginUsd();
        out[1] = r.equityUsd() - r.initialMarginUsd();
        int k = 2;
        for (Map.Entry<String, Double> e : STRESS.entrySet()) {
            double s = m.indexPrice(e.getKey());
            for (double shocked : new double[] {s * Math.exp(-e.getValue()), s * Math.exp(e.getValue())}) {
                MarginResult x = MarginEngine.DEFAULT.computeRequirements(account, m.withPrice(e.getKey(), shocked),
                        w.params);
                out[k++] = x.equityUsd() - x.maintenanceMarginUsd();
            }
        }
        return out;
    }
}
