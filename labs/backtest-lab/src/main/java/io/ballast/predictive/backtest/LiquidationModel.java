package io.ballast.predictive.backtest;

/**
 * How liquidations are executed in a crash replay.
 *
 * <p>An account is liquidatable when its equity at the bar's worst price (the low for a long, the high for a short)
 * falls below maintenance (MMF times notional at that price). Its whole position is then closed {@code delayHours}
 * later: at the close of the bar {@code floor(delayHours / barHours)} bars after the trigger bar, or, when the delay
 * is shorter than a bar (one hour on daily bars, or no delay), within the trigger bar at its worst price, worsened by a
 * slippage that grows with the bar's volatility and with the total notional liquidated in that bar, the square-root
 * law of market impact (Almgren, Thum, Hauptmann and Li 2005, "Direct estimation of equity market impact", Risk;
 * Toth et al. 2011, "Anomalous price impact and the critical nature of liquidity", Phys. Rev. X 1, 021006):
 * {@code slippage = baseSlippage + squareRootY * sigmaDay * sqrt(Q / Vday)}, capped at 50 %, where
 * {@code sigmaDay = ln(high / low) / sqrt(4 ln 2) * sqrt(24 / barHours)} is the execution bar's Parkinson volatility
 * at a daily rate, {@code Q} the notional (USD) of every liquidation executed in that bar and
 * {@code Vday = volumeUsd * 24 / barHours} the bar's traded volume at a daily pace. When the bar's volume is unknown
 * the v1 rule {@code baseSlippage + impactPerSqrtMillion * sqrt(Q / 1 M USD)} applies to {@code Q}. Bad debt is the
 * equity below zero after the close. Liquidation fees and insurance funds are left out.
 *
 * @param delayHours hours between trigger and execution, >= 0 (default 1). A time, not a number of bars: on daily bars
 *                   a one-hour delay executes within the trigger bar (at its worst price, the only price of that bar
 *                   known to be reached), not at the next day's close. Counted in bars, the delay made daily replays
 *                   execute 24-48 hours late at whatever the next close was, so a policy with a higher MMF on every
 *                   day could end with more bad debt (LTC 2020-03-12, docs/predictive-margin.md)
 * @param baseSlippage slippage fraction on any liquidation (default 0.002 = 20 bp)
 * @param impactPerSqrtMillion extra slippage per sqrt(liquidated notional / 1 million USD) when the volume is unknown
 *                             (default 0.005)
 * @param imMultiplier IMF / MMF, to issue margin calls (equity below IMF times notional) and cap leverage at open
 * @param squareRootY the square-root law's constant Y (default 1, the order Toth et al. measure); 0 turns the
 *                    volatility-and-volume term off
 */
public record LiquidationModel(int delayHours, double baseSlippage, double impactPerSqrtMillion, double imMultiplier,
                               double squareRootY) {

    /** Validates ranges. */
    public LiquidationModel {
        if (delayHours < 0 || !(baseSlippage >= 0) || !(impactPerSqrtMillion >= 0) || !(imMultiplier >= 1)
            || !(squareRootY >= 0)) {
            throw new IllegalArgumentException("invalid liquidation model " + delayHours + ", " + baseSlippage + ", "
                + impactPerSqrtMillion + ", " + imMultiplier + ", " + squareRootY);
        }
    }

    /** A model without the square-root term (Y = 0): slippage from the liquidated notional only. */
    public LiquidationModel(int delayHours, double baseSlippage, double impactPerSqrtMillion, double imMultiplier) {
        this(delayHours, baseSlippage, impactPerSqrtMillion, imMultiplier, 0.0);
    }

    /** @param imMultiplier IMF / MMF @return the documented defaults with that multiplier */
    public static LiquidationModel defaults(double imMultiplier) {
        return new LiquidationModel(1, 0.002, 0.005, imMultiplier, 1.0);
    }

    /**
     * @param barHours hours per bar, >= 1
     * @return whole bars between the trigger bar and the execution bar: 0 (execution within the trigger bar, at its
     *         worst price) when the delay is shorter than a bar
     */
    public int delayBars(int barHours) {
        if (barHours < 1) {
            throw new IllegalArgumentException("barHours must be >= 1, got " + barHours);
        }
        return delayHours / barHours;
    }

    /** @param notionalUsd liquidated notional in USD @return the slippage fraction without volume information */
    public double slippage(double notionalUsd) {
        return Math.min(0.5, baseSlippage + impactPerSqrtMillion * Math.sqrt(notionalUsd / 1e6));
    }

    /**
     * The slippage of a liquidation executed in a bar.
     *
     * @param bar the execution bar
     * @param barHours hours per bar (1 or 24)
     * @param liquidatedUsd notional of every liquidation executed in that bar, USD
     * @return the slippage fraction, at most 0.5
     */
    public double slippage(ReplayBar bar, int barHours, double liquidatedUsd) {
        double vDay = bar.volumeUsd() * 24.0 / barHours;
        if (!(vDay > 0) || squareRootY == 0) {
            return slippage(liquidatedUsd);
        }
        double sigmaDay = Math.log(bar.high() / bar.low()) / Math.sqrt(4 * Math.log(2)) * Math.sqrt(24.0 / barHours);
        return Math.min(0.5, baseSlippage + squareRootY * sigmaDay * Math.sqrt(liquidatedUsd / vDay));
    }
}
