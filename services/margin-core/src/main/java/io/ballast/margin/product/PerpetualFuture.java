package io.ballast.margin.product;

import io.ballast.margin.Checks;

/**
 * Perpetual future, USD-settled (linear) or coin-settled (inverse, quantity in USD of face value). The engine values it
 * at the index price (funding is outside this library).
 *
 * @param id identifier, for example {@code BTC-PERP}
 * @param underlying underlying symbol
 * @param inverse whether coin-settled (see {@link Instrument})
 */
public record PerpetualFuture(String id, String underlying, boolean inverse) implements Instrument {

    /** Validates. */
    public PerpetualFuture {
        Checks.text("id", id);
        Checks.text("underlying", underlying);
    }

    /**
     * A linear (USD-settled) perpetual.
     *
     * @param id identifier
     * @param underlying underlying symbol
     */
    public PerpetualFuture(String id, String underlying) {
        this(id, underlying, false);
    }

    /**
     * Inverse perpetual on a coin with the id {@code <underlying>-PERP-INV}: quantity in USD of face value, P&amp;L in
     * the coin.
     *
     * @param underlying underlying coin
     * @return the instrument
     */
    public static PerpetualFuture inverseOf(String underlying) {
        return new PerpetualFuture(underlying + "-PERP-INV", underlying, true);
    }

    /**
     * Perpetual on an underlying with the id {@code <underlying>-PERP}.
     *
     * @param underlying underlying symbol
     * @return the instrument
     */
    public static PerpetualFuture of(String underlying) {
        return new PerpetualFuture(underlying + "-PERP", underlying);
    }

    @Override
    public InstrumentKind kind() {
        return InstrumentKind.PERPETUAL;
    }
}
