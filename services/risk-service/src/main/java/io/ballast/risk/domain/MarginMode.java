package io.ballast.risk.domain;

/** How an account's collateral backs its positions. */
public enum MarginMode {
    /** Each position is margined on its own, with collateral assigned to it. */
    ISOLATED,
    /** All positions share the account's collateral; requirements add up. */
    CROSS,
    /** All positions share collateral; requirements come from scenario (risk-array) netting. */
    PORTFOLIO
}
