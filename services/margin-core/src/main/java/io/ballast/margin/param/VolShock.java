package io.ballast.margin.param;

/** Volatility state of a portfolio-margin scenario. */
public enum VolShock {
    /** Volatility unchanged. */
    NONE,
    /** Volatility up by {@code volShockUpFraction} (relative, optionally DTE-scaled). */
    UP,
    /** Volatility down by {@code volShockDownFraction} (relative, optionally DTE-scaled). */
    DOWN;

    /**
     * The shocked volatility.
     *
     * @param annualVol current volatility, fraction
     * @param market the market's parameters
     * @param daysToExpiry days to the option's expiry
     * @param minAnnualVol floor of the result
     * @return vol, vol * (1 + up * k) or vol * (1 - down * k), at least minAnnualVol
     */
    public double apply(double annualVol, MarketRiskParameters market, double daysToExpiry, double minAnnualVol) {
        double k = market.volShockScale(daysToExpiry);
        double shocked = switch (this) {
            case NONE -> annualVol;
            case UP -> annualVol * (1.0 + market.volShockUpFraction() * k);
            case DOWN -> annualVol * (1.0 - market.volShockDownFraction() * k);
        };
        return Math.max(minAnnualVol, shocked);
    }
}
