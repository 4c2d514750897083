package io.ballast.predictive.backtest;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Replays a price path against a population of leveraged perp accounts under a time-varying MMF.
 * Accounts open at the close of the first bar (leverage capped at 1 / IMF then in force), never top up, and are
 * checked on every later bar; see {@link LiquidationModel} for the trigger, delay and slippage.
 */
public final class LiquidationSimulator {

    private LiquidationSimulator() {
    }

    /**
     * Runs the replay.
     *
     * @param bars the path, in time order, at least 2 bars
     * @param mmfAt the MMF in force at a bar's time (fraction of notional)
     * @param accounts the population
     * @param model liquidation model
     * @param barHours hours per bar (1 or 24), for the warned-hours measure
     * @return counts, bad debt and warning lead time
     */
    public static ReplayResult run(List<ReplayBar> bars, ToDoubleFunction<Instant> mmfAt,
                                   List<SyntheticAccount> accounts, LiquidationModel model, int barHours) {
        int n = bars.size();
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 bars");
        }
        double[] mmf = new double[n];
        for (int i = 0; i < n; i++) {
            mmf[i] = mmfAt.applyAsDouble(bars.get(i).time());
            if (!(mmf[i] > 0) || !Double.isFinite(mmf[i])) {
                throw new IllegalArgumentException("MMF at " + bars.get(i).time() + " is " + mmf[i]);
            }
        }
        double p0 = bars.get(0).close();
        double imf0 = mmf[0] * model.imMultiplier();
        int liquidated = 0;
        double badDebt = 0;
        double[] warned = new double[accounts.size()];
        for (SyntheticAccount a : accounts) {
            double lev = Math.min(a.desiredLeverage(), 1.0 / imf0);
            double qty = (a.isLong() ? 1 : -1) * a.equityUsd() * lev / p0;
            int warnBar = -1;
            for (int i = 1; i < n; i++) {
                ReplayBar b = bars.get(i);
                double worst = a.isLong() ? b.low() : b.high();
                double equity = a.equityUsd() + qty * (worst - p0);
                double notional = Math.abs(qty) * worst;
                if (warnBar < 0 && equity < mmf[i] * model.imMultiplier() * notional) {
                    warnBar = i;
                }
                if (equity < mmf[i] * notional) {
                    int exec = Math.min(n - 1, i + model.delayBars());
                    double base = model.delayBars() == 0 ? worst : bars.get(exec).close();
                    double s = model.slippage(Math.abs(qty) * base);
                    double price = a.isLong() ? base * (1 - s) : base * (1 + s);
                    double finalEquity = a.equityUsd() + qty * (price - p0);
                    badDebt += Math.max(0, -finalEquity);
                    warned[liquidated++] = (double) (i - warnBar) * barHours;
                    break;
                }
            }
        }
        double median = Double.NaN;
        if (liquidated > 0) {
            double[] w = Arrays.copyOf(warned, liquidated);
            median = MarginStats.median(w);
        }
        return new ReplayResult(accounts.size(), liquidated, badDebt, median, barHours);
    }
}
