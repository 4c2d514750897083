package io.ballast.predictive.backtest;

/**
 * Outcome of one crash replay for one policy.
 *
 * @param accounts accounts simulated
 * @param liquidated accounts liquidated
 * @param badDebtUsd summed equity below zero at liquidation, USD (analytics double), >= 0
 * @param warnedHoursAheadMedian median over liquidated accounts of the hours between the first margin call (equity
 *                               below initial margin) and the liquidation trigger; NaN when nobody was liquidated
 * @param barHours hours per bar of the path used (1 hourly, 24 daily)
 */
public record ReplayResult(int accounts, int liquidated, double badDebtUsd, double warnedHoursAheadMedian, int barHours) {
}
