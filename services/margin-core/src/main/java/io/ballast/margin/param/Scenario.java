package io.ballast.margin.param;


/**
 * One portfolio-margin scenario, defined relative to each market's parameters.
 *
 * @param index position in the grid (and in every risk array)
 * @param priceMoveUnits price move in units of the scan range, in [-1, 1] (for an extreme scenario: -1 or 1, to be
 *        multiplied by the extreme-move multiple)
 * @param volShock volatility state
 * @param extreme whether this is an extreme move whose P&amp;L counts at the extreme-move weight
 */
public record Scenario(int index, double priceMoveUnits, VolShock volShock, boolean extreme) {

    /**
     * Relative price move in a market.
     *
     * @param market market parameters
     * @return fraction of the index, e.g. -0.15
     */
    public double priceMoveFraction(MarketRiskParameters market) {
        double move = priceMoveUnits * market.scanRangeFraction();
        return extreme ? move * market.extremeMoveMultiple() : move;
    }

    /**
     * Weight of the scenario's P&amp;L.
     *
     * @param market market parameters
     * @return 1 for a regular scenario, the extreme-move weight for an extreme one
     */
    public double weight(MarketRiskParameters market) {
        return extreme ? market.extremeMoveWeight() : 1.0;
    }

    /**
     * Human-readable description in a market, e.g. {@code "price -15.00 %, vol UP"}.
     *
     * @param market market parameters
     * @return description
     */
    public String describe(MarketRiskParameters market) {
        // built by hand, not with String.format: every evaluation describes its worst scenarios, including the
        // dozens of the liquidation-price search, and Formatter dominated that loop's profile
        double percent = 100 * priceMoveFraction(market);
        java.math.BigDecimal rounded = java.math.BigDecimal.valueOf(percent).setScale(2,
                java.math.RoundingMode.HALF_UP);
        StringBuilder b = new StringBuilder(48);
        if (extreme) {
            b.append("extreme ");
        }
        b.append("price ").append(rounded.signum() < 0 ? "" : "+").append(rounded.toPlainString())
                .append(" %, vol ").append(volShock);
        if (extreme) {
            b.append(", weight ").append(market.extremeMoveWeight());
        }
        return b.toString();
    }
}
