package io.ballast.margin.product;

/**
 * Something a position can hold. One unit of an instrument refers to one unit of its underlying (for example one BTC);
 * every instrument is USD-settled (linear).
 */
public sealed interface Instrument permits Spot, PerpetualFuture, DatedFuture, EuropeanOption {

    /**
     * Unique identifier within a tenant, for example {@code BTC-PERP} or {@code BTC-20261225-100000-C}.
     *
     * @return identifier
     */
    String id();

    /**
     * Symbol of the underlying whose index price drives the value, for example {@code BTC}.
     *
     * @return underlying symbol
     */
    String underlying();

    /**
     * The kind of instrument.
     *
     * @return kind
     */
    InstrumentKind kind();
}
