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
}
