package io.ballast.risk.domain;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * One version of the risk parameters of an asset or instrument. All fractions are plain fractions of notional
 * (0.05 means 5 %), never percents. Immutable; read by the margin engine.
 *
 * @param initialMarginFraction     initial margin as a fraction of position notional, in (0, 1]
 * @param maintenanceMarginFraction maintenance margin as a fraction of notional, in (0, initialMarginFraction]
 * @param collateralHaircut         fraction of collateral value disregarded, in [0, 1)
 * @param liquidationFeeFraction    fee charged on liquidation as a fraction of notional, in [0, 1)
 * @param maxPositionNotional       optional cap on one account's position notional, in the settlement asset; null
 *                                  when there is no cap; otherwise positive
 */
public record RiskParameterSet(BigDecimal initialMarginFraction, BigDecimal maintenanceMarginFraction,
        BigDecimal collateralHaircut, BigDecimal liquidationFeeFraction, BigDecimal maxPositionNotional) {

    /** Checks the ranges above; throws {@link IllegalArgumentException} naming the field. */
    public RiskParameterSet {
        Objects.requireNonNull(initialMarginFraction, "initialMarginFraction");
        Objects.requireNonNull(maintenanceMarginFraction, "maintenanceMarginFraction");
        Objects.requireNonNull(collateralHaircut, "collateralHaircut");
        Objects.requireNonNull(liquidationFeeFraction, "liquidationFeeFraction");
        if (initialMarginFraction.signum() <= 0 || initialMarginFraction.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("initialMarginFraction must be in (0, 1]");
        }
        if (maintenanceMarginFraction.signum() <= 0 || maintenanceMarginFraction.compareTo(initialMarginFraction) > 0) {
            throw new IllegalArgumentException("maintenanceMarginFraction must be in (0, initialMarginFraction]");
        }
        if (collateralHaircut.signum() < 0 || collateralHaircut.compareTo(BigDecimal.ONE) >= 0) {
            throw new IllegalArgumentException("collateralHaircut must be in [0, 1)");
        }
        if (liquidationFeeFraction.signum() < 0 || liquidationFeeFraction.compareTo(BigDecimal.ONE) >= 0) {
            throw new IllegalArgumentException("liquidationFeeFraction must be in [0, 1)");
        }
        if (maxPositionNotional != null && maxPositionNotional.signum() <= 0) {
            throw new IllegalArgumentException("maxPositionNotional must be positive when given");
        }
    }
}
