package io.ballast.risk.governance.domain;

/** Who started a proposal. */
public enum ProposalOrigin {
    /** The daily recommendation, beyond the tenant's bounds. */
    RECOMMENDATION,
    /** A tenant-admin or committee member. */
    MANUAL
}
