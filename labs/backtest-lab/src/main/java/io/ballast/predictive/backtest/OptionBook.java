package io.ballast.predictive.backtest;

import io.ballast.margin.pricer.Black76;
import io.ballast.margin.product.OptionType;

/**
 * The option part of the fixed backtest portfolio: one short at-the-money straddle (a call and a put struck at the
 * day's close) with {@value #EXPIRY_DAYS} days to expiry, opened afresh at every close and held over the option MPOR.
 * Priced with the margin core's Black-76 at zero rates; the implied volatility is proxied by the trailing
 * {@value #IV_WINDOW_DAYS}-day realized close-to-close volatility (annualised with 365 days), which is known at the
 * close. Everything is per unit of underlying and expressed as a fraction of the spot.
 */
public final class OptionBook {

    /** Days to expiry when the straddle is opened. */
    public static final int EXPIRY_DAYS = 30;
    /** Window of the realized-volatility proxy for implied volatility. */
    public static final int IV_WINDOW_DAYS = 30;
    /** Price moves of the scenario grid as multiples of the scan range (7 steps including zero, as CME SPAN's). */
    private static final double[] MOVES = {-1, -2.0 / 3, -1.0 / 3, 0, 1.0 / 3, 2.0 / 3, 1};

    private OptionBook() {
    }

    /**
     * Value of one straddle per unit of underlying.
     *
     * @param spot spot (= forward at zero rates), USD
     * @param strike strike, USD
     * @param days days to expiry, > 0
     * @param annualVol implied volatility, annualised fraction
     * @return call + put value, USD
     */
    public static double straddle(double spot, double strike, double days, double annualVol) {
        double t = days / 365.0;
        return Black76.DEFAULT.price(OptionType.CALL, spot, strike, t, annualVol)
            + Black76.DEFAULT.price(OptionType.PUT, spot, strike, t, annualVol);
    }

    /**
     * Portfolio margin of the short straddle: the worst loss over price moves of +-scan in thirds times the up and
     * down volatility shocks, repriced {@code mporDays} later, as a fraction of the spot (>= 0). A down move is floored
     * at a price of 0.1 % of spot.
     *
     * @param annualVol implied volatility now
     * @param scanRange scan range, relative price move
     * @param volShockUp relative upward vol shock
     * @param volShockDown relative downward vol shock
     * @param mporDays option MPOR in days (< expiry)
     * @return requirement as a fraction of spot
     */
    public static double requirement(double annualVol, double scanRange, double volShockUp, double volShockDown,
                                     int mporDays) {
        double v0 = straddle(1.0, 1.0, EXPIRY_DAYS, annualVol);
        double worst = 0;
        for (double m : MOVES) {
            // a scan range of 100 % or more (possible for the unguarded policy) would take the price to zero or below
            double s = Math.max(1e-3, 1.0 + m * scanRange);
            for (double vol : new double[] {annualVol * (1 + volShockUp), annualVol * (1 - volShockDown)}) {
                double loss = straddle(s, 1.0, EXPIRY_DAYS - mporDays, Math.max(1e-4, vol)) - v0;
                worst = Math.max(worst, loss);
            }
        }
        return worst;
    }

    /**
     * Realized loss of the short straddle over the MPOR, as a fraction of the opening spot.
     *
     * @param spot0 spot at opening
     * @param spot1 spot after the MPOR
     * @param vol0 implied volatility at opening
     * @param vol1 implied volatility after the MPOR
     * @param mporDays MPOR days
     * @return loss (positive when the short position lost)
     */
    public static double realizedLoss(double spot0, double spot1, double vol0, double vol1, int mporDays) {
        double v0 = straddle(spot0, spot0, EXPIRY_DAYS, vol0);
        double v1 = straddle(spot1, spot0, EXPIRY_DAYS - mporDays, vol1);
        return (v1 - v0) / spot0;
    }

    /**
     * Trailing realized volatility per row: sqrt(365 * mean of the last {@value #IV_WINDOW_DAYS} squared log
     * returns), NaN until the window is full.
     *
     * @param logReturns daily log returns (index 0 unused)
     * @return annualised volatility per row
     */
    public static double[] impliedVolProxy(double[] logReturns) {
        double[] out = new double[logReturns.length];
        double sum = 0;
        for (int i = 0; i < logReturns.length; i++) {
            sum += logReturns[i] * logReturns[i];
            if (i >= IV_WINDOW_DAYS) {
                sum -= logReturns[i - IV_WINDOW_DAYS] * logReturns[i - IV_WINDOW_DAYS];
            }
            out[i] = i >= IV_WINDOW_DAYS ? Math.sqrt(365.0 * Math.max(0, sum) / IV_WINDOW_DAYS) : Double.NaN;
        }
        return out;
    }
}
