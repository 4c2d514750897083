package io.ballast.margin.measure;

/** Kinds of add-on charges: contingencies of portfolio margin, the size add-on of standard margin. */
public enum ChargeKind {
    /** Per unit of net short option, per option instrument. */
    SHORT_OPTION_CONTINGENCY,
    /** Per unit of net linear exposure (spot, perpetuals, dated futures), per underlying. */
    LINEAR_CONTINGENCY,
    /**
     * Standard margin: the part of a linear position's IM due to its size beyond the market's threshold,
     * {@code size * S * imfSlopePerUnit * max(0, size - sizeThresholdUnits)}, per instrument. Already included in the
     * position's {@code initialUsd}; listed to show it.
     */
    SIZE_ADD_ON
}
