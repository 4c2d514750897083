package io.ballast.margin.product;

/** How a margin pool shares collateral. */
public enum PoolKind {
    /** Cross margin: all the pool's positions share its collateral and are margined together. */
    CROSS,
    /** Isolated margin: the pool's positions carry their own collateral and requirement. */
    ISOLATED
}
