package io.ballast.margin.product;

/**
 * Something a position can hold. A linear (USD-settled) instrument's unit is one unit of its underlying (for example
 * one BTC). An inverse (coin-settled) perpetual or dated future's unit is one USD of face value (contract size in USD),
 * and its P&amp;L is booked in the underlying coin: {@code quantity * (1/entry - 1/price)} coins; an inverse option's
 * unit is one coin of underlying, its premium and payoff paid in the coin ({@code max(S - K, 0) / S} coins for a call at
 * expiry). The engine values coin amounts in USD at today's index price (cross-collateral); the coin figure is the USD
 * figure divided by the index.
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

    /**
     * Whether the instrument is inverse (coin-margined): settled in its underlying coin rather than USD.
     *
     * @return false unless the instrument says otherwise
     */
    default boolean inverse() {
        return false;
    }
}
