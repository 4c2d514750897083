package io.ballast.predictive.backtest;

/**
 * How liquidations are executed in a crash replay.
 *
 * <p>An account is liquidatable when its equity at the bar's worst price (the low for a long, the high for a short)
 * falls below maintenance (MMF times notional at that price). Its whole position is then closed {@code delayBars}
 * bars later at that bar's close (with {@code delayBars = 0}: at the worst price of the trigger bar), worsened by a
 * slippage of {@code baseSlippage + impactPerSqrtMillion * sqrt(notionalUsd / 1e6)}, capped at 50 %. Bad debt is the
 * equity below zero after the close. Liquidation fees and insurance funds are left out.
 *
 * @param delayBars bars between trigger and execution, >= 0 (default 1: one hour on hourly data)
 * @param baseSlippage slippage fraction on any liquidation (default 0.002 = 20 bp)
 * @param impactPerSqrtMillion extra slippage per sqrt(notional / 1 million USD) (default 0.005)
 * @param imMultiplier IMF / MMF, to issue margin calls (equity below IMF times notional) and cap leverage at open
 */
public record LiquidationModel(int delayBars, double baseSlippage, double impactPerSqrtMillion, double imMultiplier) {

    /** Validates ranges. */
    public LiquidationModel {
        if (delayBars < 0 || !(baseSlippage >= 0) || !(impactPerSqrtMillion >= 0) || !(imMultiplier >= 1)) {
            throw new IllegalArgumentException("invalid liquidation model " + delayBars + ", " + baseSlippage + ", "
                + impactPerSqrtMillion + ", " + imMultiplier);
        }
    }

    /** @param imMultiplier IMF / MMF @return the documented defaults with that multiplier */
    public static LiquidationModel defaults(double imMultiplier) {
        return new LiquidationModel(1, 0.002, 0.005, imMultiplier);
    }

    /** @param notionalUsd position notional in USD @return the slippage fraction */
    public double slippage(double notionalUsd) {
        return Math.min(0.5, baseSlippage + impactPerSqrtMillion * Math.sqrt(notionalUsd / 1e6));
    }
}
