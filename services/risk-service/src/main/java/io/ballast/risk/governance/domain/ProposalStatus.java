package io.ballast.risk.governance.domain;

/** Where a proposal is in the workflow (docs/governance.md has the state diagram). */
public enum ProposalStatus {
    /** Waiting for committee votes until it expires. */
    OPEN,
    /** Enough approvals: waiting out the timelock (a tenant-admin may veto). */
    APPROVED,
    /** A committee member rejected it. */
    REJECTED,
    /** Not enough approvals before it expired. */
    EXPIRED,
    /** A tenant-admin vetoed it during the timelock. */
    VETOED,
    /** It took effect: its values are the live version. */
    EFFECTIVE
}
