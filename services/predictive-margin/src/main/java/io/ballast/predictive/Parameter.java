package io.ballast.predictive;

/** The parameters a recommendation sets, in the order of {@link RecommendedParameters}'s components. */
public enum Parameter {
    /** Maintenance margin fraction. */
    MMF,
    /** Initial margin fraction. */
    IMF,
    /** Collateral haircut. */
    HAIRCUT,
    /** Portfolio scan range (relative price move). */
    SCAN_RANGE,
    /** Relative upward implied-volatility shock. */
    VOL_SHOCK_UP,
    /** Relative downward implied-volatility shock. */
    VOL_SHOCK_DOWN
}
