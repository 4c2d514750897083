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
    TRANSFER,
    /**
     * A position's P&amp;L at expiry, booked by the settlement job into the pool that held the position (positive a
     * gain, negative a loss, at most the pool's balance: docs/margin.md "Expiry and settlement").
     */
    SETTLEMENT
}
