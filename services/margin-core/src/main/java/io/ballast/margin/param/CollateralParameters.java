package io.ballast.margin.param;

import io.ballast.margin.Checks;

/**
 * Haircut of one collateral asset: {@code haircut(size) = min(1, haircutBase + haircutSlopePerUnit * size)}, size
 * being the positive balance in units of the asset. Collateral value = balance * price * (1 - haircut).
 *
 * @param haircutBase haircut at zero size, fraction in [0, 1]
 * @param haircutSlopePerUnit haircut increase per unit of the asset, &gt;= 0
 */
public record CollateralParameters(double haircutBase, double haircutSlopePerUnit) {

    /** Validates. */
    public CollateralParameters {
        Checks.fraction("haircutBase", haircutBase);
        Checks.nonNegative("haircutSlopePerUnit", haircutSlopePerUnit);
    }

    /**
     * Creates the parameters.
     *
     * @param haircutBase haircut at zero size
     * @param haircutSlopePerUnit increase per unit
     * @return parameters
     */
    public static CollateralParameters of(double haircutBase, double haircutSlopePerUnit) {
        return new CollateralParameters(haircutBase, haircutSlopePerUnit);
    }

    /**
     * Haircut for a balance.
     *
     * @param size balance in units of the asset; a non-positive balance has no haircut
     * @return fraction in [0, 1]
     */
    public double haircut(double size) {
        if (size <= 0) {
            return 0.0;
        }
        return Math.min(1.0, haircutBase + haircutSlopePerUnit * size);
    }
}
