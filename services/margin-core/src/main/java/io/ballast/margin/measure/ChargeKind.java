package io.ballast.margin.measure;

/** Kinds of add-on charges in portfolio margin. */
public enum ChargeKind {
    /** Per unit of net short option, per option instrument. */
    SHORT_OPTION_CONTINGENCY,
    /** Per unit of net linear exposure (spot, perpetuals, dated futures), per underlying. */
    LINEAR_CONTINGENCY
}
