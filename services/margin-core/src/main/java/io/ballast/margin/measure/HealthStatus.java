package io.ballast.margin.measure;

/** Health of a margin pool or account. */
public enum HealthStatus {
    /** Equity at or above the initial requirement. */
    HEALTHY,
    /** Equity below the initial requirement but at or above the maintenance requirement: no new risk. */
    MARGIN_CALL,
    /** Equity below the maintenance requirement: may be liquidated. */
    LIQUIDATABLE;

    /**
     * Status from equity and requirements.
     *
     * @param equityUsd equity, USD
     * @param initialUsd initial requirement, USD
     * @param maintenanceUsd maintenance requirement, USD
     * @return LIQUIDATABLE if equity &lt; MM, else MARGIN_CALL if equity &lt; IM, else HEALTHY
     */
    public static HealthStatus of(double equityUsd, double initialUsd, double maintenanceUsd) {
        if (equityUsd < maintenanceUsd) {
            return LIQUIDATABLE;
        }
        return equityUsd < initialUsd ? MARGIN_CALL : HEALTHY;
    }

    /**
     * The worse of two statuses.
     *
     * @param other another status
     * @return the more severe one
     */
    public HealthStatus worst(HealthStatus other) {
        return ordinal() >= other.ordinal() ? this : other;
    }
}
