package io.ballast.risk.market;

/** Health of a tenant's oracle for one underlying. */
public enum OracleHealth {
    /** A fresh price, and fresh sources agree within the maximum deviation. */
    HEALTHY,
    /** No price within the staleness limit, or fresh sources disagree: margin computes, liquidation alerts are held. */
    UNHEALTHY;

    /** @param other another health @return the worse of the two */
    public OracleHealth worst(OracleHealth other) {
        return this == UNHEALTHY || other == UNHEALTHY ? UNHEALTHY : HEALTHY;
    }
}
