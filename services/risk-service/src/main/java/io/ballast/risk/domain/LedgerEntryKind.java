package io.ballast.risk.domain;

/** Why a collateral ledger entry was written. Amounts are signed: deposits positive, withdrawals negative. */
public enum LedgerEntryKind {
    /** Collateral added by the integrator. */
    DEPOSIT,
    /** Collateral removed by the integrator; never below zero. */
    WITHDRAWAL,
    /** Difference booked when a bulk snapshot sets a balance. */
    SYNC_ADJUSTMENT,
    /**
     * Collateral moved between the account's cross pool and one of its isolated pools: two entries, negative out of
     * one pool and positive into the other.
     */
    TRANSFER
}
