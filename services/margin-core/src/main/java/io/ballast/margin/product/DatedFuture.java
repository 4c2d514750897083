package io.ballast.margin.product;

import io.ballast.margin.Checks;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Dated future, USD-settled (linear) or coin-settled (inverse, quantity in USD of face value) at expiry. Its fair price
 * is the forward of its expiry: the index without a basis, {@code index * (1 + basis)} with one
 * ({@link io.ballast.margin.market.MarketSnapshot#forwardPrice}).
 *
 * @param id identifier, for example {@code BTC-20261225}
 * @param underlying underlying symbol
 * @param expiry expiry instant (UTC)
 * @param inverse whether coin-settled (see {@link Instrument})
 */
public record DatedFuture(String id, String underlying, Instant expiry, boolean inverse) implements Instrument {

    static final DateTimeFormatter ID_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    /** Validates. */
    public DatedFuture {
        Checks.text("id", id);
        Checks.text("underlying", underlying);
        Checks.present("expiry", expiry);
    }

    /**
     * A linear (USD-settled) dated future.
     *
     * @param id identifier
     * @param underlying underlying symbol
     * @param expiry expiry instant
     */
    public DatedFuture(String id, String underlying, Instant expiry) {
        this(id, underlying, expiry, false);
    }

    /**
     * Dated future with the id {@code <underlying>-<yyyyMMdd>}.
     *
     * @param underlying underlying symbol
     * @param expiry expiry instant
     * @return the instrument
     */
    public static DatedFuture of(String underlying, Instant expiry) {
        return new DatedFuture(underlying + "-" + ID_DATE.format(Checks.present("expiry", expiry)), underlying, expiry);
    }

    @Override
    public InstrumentKind kind() {
        return InstrumentKind.DATED_FUTURE;
    }
}
