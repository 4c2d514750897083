package io.ballast.margin.product;

import io.ballast.margin.Checks;

/**
 * A holding of one instrument.
 *
 * <p>Unrealized P&amp;L is {@code quantity * (mark - entryPriceUsd)} for every kind, options included (options are
 * margined futures-style: no premium moves to cash at trade), except inverse perpetuals and futures:
 * {@code quantity * (1/entryPriceUsd - 1/mark)} coins, valued in USD at the index
 * ({@link io.ballast.margin.pricer.InstrumentPricer#unrealizedPnlUsd}). A ledger that debits an option premium from cash at
 * trade passes {@code entryPriceUsd = 0}, so that the unrealized P&amp;L is the option's full value.
 *
 * @param instrument the instrument held
 * @param quantity signed quantity (positive long, negative short) in units of underlying, or in USD of face value for
 *        an inverse perpetual or future
 * @param entryPriceUsd average entry price, USD per unit of underlying, &gt;= 0 (&gt; 0 for an inverse perpetual or
 *        future)
 */
public record Position(Instrument instrument, double quantity, double entryPriceUsd) {

    /** Validates. */
    public Position {
        Checks.present("instrument", instrument);
        Checks.finite("quantity", quantity);
        Checks.nonNegative("entryPriceUsd", entryPriceUsd);
        if (instrument.inverse() && instrument.kind().isLinear()) {
            Checks.positive("entryPriceUsd", entryPriceUsd);
        }
    }

    /**
     * Creates a position.
     *
     * @param instrument the instrument
     * @param quantity signed quantity, units of underlying
     * @param entryPriceUsd entry price, USD per unit
     * @return the position
     */
    public static Position of(Instrument instrument, double quantity, double entryPriceUsd) {
        return new Position(instrument, quantity, entryPriceUsd);
    }

    /**
     * The same position with every quantity multiplied by a factor.
     *
     * @param factor multiplier
     * @return scaled position
     */
    public Position scaled(double factor) {
        return new Position(instrument, quantity * factor, entryPriceUsd);
    }
}
