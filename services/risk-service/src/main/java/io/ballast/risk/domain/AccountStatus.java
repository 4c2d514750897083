package io.ballast.risk.domain;

/** Lifecycle of an account. Only an ACTIVE account takes deposits, withdrawals and positions. */
public enum AccountStatus {
    /** Normal operation. */
    ACTIVE,
    /** Frozen by the tenant: no ledger or position changes. */
    SUSPENDED,
    /** Closed for good: no ledger or position changes. */
    CLOSED
}
