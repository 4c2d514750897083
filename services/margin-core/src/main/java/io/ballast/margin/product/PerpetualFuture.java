package io.ballast.margin.product;

import io.ballast.margin.Checks;

/**
 * Perpetual linear future, USD-settled. The engine values it at the index price (funding is outside this library).
 *
 * @param id identifier, for example {@code BTC-PERP}
 * @param underlying underlying symbol
 */
public record PerpetualFuture(String id, String underlying) implements Instrument {

    /** Validates. */
    public PerpetualFuture {
        Checks.text("id", id);
        Checks.text("underlying", underlying);
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
