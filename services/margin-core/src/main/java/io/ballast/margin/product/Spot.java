package io.ballast.margin.product;

import io.ballast.margin.Checks;

/**
 * A spot asset held as a position: value per unit = index price of the underlying.
 *
 * @param id identifier, for example {@code BTC-SPOT}
 * @param underlying underlying symbol, for example {@code BTC}
 */
public record Spot(String id, String underlying) implements Instrument {

    /** Validates. */
    public Spot {
        Checks.text("id", id);
        Checks.text("underlying", underlying);
    }

    /**
     * Spot on an underlying with the id {@code <underlying>-SPOT}.
     *
     * @param underlying underlying symbol
     * @return the instrument
     */
    public static Spot of(String underlying) {
        return new Spot(underlying + "-SPOT", underlying);
    }

    @Override
    public InstrumentKind kind() {
        return InstrumentKind.SPOT;
    }
}
