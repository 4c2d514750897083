package io.ballast.margin.market;

import java.time.Instant;

/**
 * Implied volatility of one underlying by expiry and strike. Implementations are immutable. Today's implementation
 * ({@link FlatSmileVolSurface}) has a flat smile; a smile implementation only needs to use the strike and forward.
 */
public interface VolSurface {

    /**
     * Implied volatility for an option.
     *
     * @param expiry option expiry
     * @param strikeUsd option strike, USD
     * @param forwardUsd forward of the underlying, USD
     * @return annualised volatility as a fraction (0.6 means 60 %), &gt; 0
     */
    double annualVol(Instant expiry, double strikeUsd, double forwardUsd);

    /**
     * An upper bound of how fast the volatility at one expiry changes with log-moneyness {@code k = ln(K / F)}:
     * {@code |d vol / d k|} over every k. The bulk book's screen uses it to bound how much an option's value can
     * change when the forward moves under a fixed surface; an implementation that cannot bound it keeps the default.
     *
     * @param expiry option expiry
     * @return annual vol per unit of log-moneyness, &gt;= 0; +infinity when unknown (no account is then screened)
     */
    default double maxAbsVolSlope(Instant expiry) {
        return Double.POSITIVE_INFINITY;
    }
}
