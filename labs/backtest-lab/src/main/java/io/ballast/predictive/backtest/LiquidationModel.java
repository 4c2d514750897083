package io.ballast.predictive.backtest;

/**
 * How liquidations are executed in a crash replay.
 *
 * <p>An account is liquidatable when its equity at the bar's worst price (the low for a long, the high for a short)
 * falls below maintenance (MMF times notional at that price). Its whole position is then closed {@code delayBars}
 * bars later at that bar's close (with {@code delayBars = 0}: at the worst price of the trigger bar), worsened by a
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
 * @param delayBars bars between trigger and execution, >= 0 (default 1: one hour on hourly data)
 * @param baseSlippage slippage fraction on any liquidation (default 0.002 = 20 bp)
 * @param impactPerSqrtMillion extra slippage per sqrt(liquidated notional / 1 million USD) when the volume is unknown
 *                             (default 0.005)
 * @param imMultiplier IMF / MMF, to issue margin calls (equity below IMF times notional) and cap leverage at open
 * @param squareRootY the square-root law's constant Y (default 1, the order Toth et al. measure); 0 turns the
 *                    volatility-and-volume term off
 */
public record LiquidationModel(int delayBars, double baseSlippage, double impactPerSqrtMillion, double imMultiplier,
                               double squareRootY) {

    /** Validates ranges. */
    public LiquidationModel {
        if (delayBars < 0 || !(baseSlippage >= 0) || !(impactPerSqrtMillion >= 0) || !(imMultiplier >= 1)
            || !(squareRootY >= 0)) {
            throw new IllegalArgumentException("invalid liquidation model " + delayBars + ", " + baseSlippage + ", "
                + impactPerSqrtMillion + ", " + imMultiplier + ", " + squareRootY);
        }
    }

    /** A model without the square-root term (Y = 0): slippage from the liquidated notional only. */
    public LiquidationModel(int delayBars, double baseSlippage, double impactPerSqrtMillion, double imMultiplier) {
        this(delayBars, baseSlippage, impactPerSqrtMillion, imMultiplier, 0.0);
    }

    /** @param imMultiplier IMF / MMF @return the documented defaults with that multiplier */
    public static LiquidationModel defaults(double imMultiplier) {
        return new LiquidationModel(1, 0.002, 0.005, imMultiplier, 1.0);
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
