package io.ballast.margin.product;

/** Which margin model applies to an account. */
public enum MarginMethod {
    /** Position-by-position fractions (IMF/MMF for linear, the OTM-adjusted rule for short options). */
    STANDARD,
    /** Worst loss over a scenario grid (risk arrays) plus contingency charges. */
    PORTFOLIO
}
