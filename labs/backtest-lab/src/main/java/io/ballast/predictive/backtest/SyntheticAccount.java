package io.ballast.predictive.backtest;

/**
 * One synthetic leveraged perp account of a crash replay.
 *
 * @param id index in the population
 * @param isLong true for a long position, false for a short
 * @param desiredLeverage leverage the trader wants (notional / equity), >= 1; capped by the policy's initial margin
 * @param equityUsd starting equity in USD (analytics double), > 0
 */
public record SyntheticAccount(int id, boolean isLong, double desiredLeverage, double equityUsd) {

    /** Validates leverage and equity. */
    public SyntheticAccount {
        if (!(desiredLeverage >= 1) || !Double.isFinite(desiredLeverage)) {
            throw new IllegalArgumentException("desiredLeverage must be >= 1, got " + desiredLeverage);
        }
        if (!(equityUsd > 0) || !Double.isFinite(equityUsd)) {
            throw new IllegalArgumentException("equityUsd must be > 0, got " + equityUsd);
        }
    }
}
