package io.ballast.predictive;

/** What governance should do with a recommendation. The module itself never writes live parameters. */
public enum Decision {
    /** Every parameter moves within the tenant's auto-apply bound from the live value: apply without a vote. */
    AUTO_APPLY,
    /** Beyond the tenant's bounds, or no live value to compare with: a proposal for the risk committee. */
    PROPOSAL
}
