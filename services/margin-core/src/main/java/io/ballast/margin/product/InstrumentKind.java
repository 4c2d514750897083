package io.ballast.margin.product;

/** The kinds of instrument the engine values. */
public enum InstrumentKind {
    /** Spot asset held as a position (delta one, priced at the index). */
    SPOT,
    /** Perpetual linear future, USD-settled, priced at the index. */
    PERPETUAL,
    /** Dated linear future, USD-settled, priced at the forward (= index, zero rates and zero basis). */
    DATED_FUTURE,
    /** European option on the forward, USD-settled, priced with Black-76. */
    OPTION;

    /**
     * Whether the instrument is delta one (spot, perpetual or dated future).
     *
     * @return true for every kind except {@link #OPTION}
     */
    public boolean isLinear() {
        return this != OPTION;
    }
}
