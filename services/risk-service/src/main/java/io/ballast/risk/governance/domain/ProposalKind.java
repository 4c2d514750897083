package io.ballast.risk.governance.domain;

/** What a proposal changes. */
public enum ProposalKind {
    /** Risk parameters and settings of one asset, or tenant-wide settings. */
    PARAMETERS,
    /** The governance policy (a loosening: fewer approvals required). */
    POLICY
}
