package io.ballast.predictive.backtest;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Replays a price path against a population of leveraged perp accounts under a time-varying MMF.
 * Accounts open at the close of the first bar with leverage capped at 1 / the opening IMF (given by the caller, so
 * that every policy can margin the same book), never top up, and are checked on every later bar; see
 * {@link LiquidationModel} for the trigger, delay and slippage (which grows with the bar's volatility and with the
 * notional of every liquidation executed in the same bar).
 */
public final class LiquidationSimulator {

    private LiquidationSimulator() {
    }

    /**
     * Runs the replay with positions sized by the policy's own IMF at the first bar ({@code MMF(first) x
     * imMultiplier}), the v1 sizing.
     *
     * @param bars the path, in time order, at least 2 bars
     * @param mmfAt the MMF in force at a bar's time (fraction of notional)
     * @param accounts the population
     * @param model liquidation model
     * @param barHours hours per bar (1 or 24), for the warned-hours measure, the delay in bars and the slippage's
     *                 daily rates
     * @return counts, bad debt and warning lead time
     */
    public static ReplayResult run(List<ReplayBar> bars, ToDoubleFunction<Instant> mmfAt,
                                   List<SyntheticAccount> accounts, LiquidationModel model, int barHours) {
        return run(bars, mmfAt, accounts, model, barHours, Double.NaN);
    }

    /**
     * Runs the replay.
     *
     * @param bars the path, in time order, at least 2 bars
     * @param mmfAt the MMF in force at a bar's time (fraction of notional)
     * @param accounts the population
     * @param model liquidation model
     * @param barHours hours per bar (1 or 24), for the warned-hours measure, the delay in bars
     *                 ({@link LiquidationModel#delayBars(int)}) and the slippage's daily rates
     * @param openingImf the IMF that caps leverage at open (the same for every policy holds positions fixed); NaN for
     *                   the policy's own IMF at the first bar
     * @return counts, bad debt, open interest and warning lead time
     */
    public static ReplayResult run(List<ReplayBar> bars, ToDoubleFunction<Instant> mmfAt,
                                   List<SyntheticAccount> accounts, LiquidationModel model, int barHours,
                                   double openingImf) {
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
        double imf0 = Double.isNaN(openingImf) ? mmf[0] * model.imMultiplier() : openingImf;
        if (!(imf0 > 0)) {
            throw new IllegalArgumentException("opening IMF must be > 0: " + imf0);
        }
        int delay = model.delayBars(barHours);
        int m = accounts.size();
        double[] qty = new double[m];
        int[] exec = new int[m];
        double[] base = new double[m];
        double[] warned = new double[m];
        double[] liquidatedUsd = new double[n];
        double openInterest = 0;
        int liquidated = 0;
        // pass 1: who is liquidated in which bar (the trigger does not depend on slippage)
        for (int k = 0; k < m; k++) {
            SyntheticAccount a = accounts.get(k);
            double lev = Math.min(a.desiredLeverage(), 1.0 / imf0);
            qty[k] = (a.isLong() ? 1 : -1) * a.equityUsd() * lev / p0;
            openInterest += Math.abs(qty[k]) * p0;
            exec[k] = -1;
            int warnBar = -1;
            for (int i = 1; i < n; i++) {
                ReplayBar b = bars.get(i);
                double worst = a.isLong() ? b.low() : b.high();
                double equity = a.equityUsd() + qty[k] * (worst - p0);
                double notional = Math.abs(qty[k]) * worst;
                if (warnBar < 0 && equity < mmf[i] * model.imMultiplier() * notional) {
                    warnBar = i;
                }
                if (equity < mmf[i] * notional) {
                    exec[k] = Math.min(n - 1, i + delay);
                    base[k] = delay == 0 ? worst : bars.get(exec[k]).close();
                    liquidatedUsd[exec[k]] += Math.abs(qty[k]) * base[k];
                    warned[liquidated++] = (double) (i - warnBar) * barHours;
                    break;
                }
            }
        }
        // pass 2: execution with the slippage of each bar's total liquidated notional
        double badDebt = 0;
        for (int k = 0; k < m; k++) {
            if (exec[k] < 0) {
                continue;
            }
            SyntheticAccount a = accounts.get(k);
            double s = model.slippage(bars.get(exec[k]), barHours, liquidatedUsd[exec[k]]);
            double price = a.isLong() ? base[k] * (1 - s) : base[k] * (1 + s);
            badDebt += Math.max(0, -(a.equityUsd() + qty[k] * (price - p0)));
        }
        double median = Double.NaN;
        if (liquidated > 0) {
            median = MarginStats.median(Arrays.copyOf(warned, liquidated));
        }
        double perOi = openInterest > 0 ? badDebt / openInterest : 0;
        return new ReplayResult(m, liquidated, badDebt, median, barHours, openInterest, perOi,
            new double[] {perOi, perOi}, 1);
    }
}
