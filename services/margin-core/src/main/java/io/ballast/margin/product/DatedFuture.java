package io.ballast.margin.product;

import io.ballast.margin.Checks;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Dated linear future, USD-settled at expiry. With zero rates and no basis its fair price is the index price.
 *
 * @param id identifier, for example {@code BTC-20261225}
 * @param underlying underlying symbol
 * @param expiry expiry instant (UTC)
 */
public record DatedFuture(String id, String underlying, Instant expiry) implements Instrument {

    static final DateTimeFormatter ID_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    /** Validates. */
    public DatedFuture {
        Checks.text("id", id);
        Checks.text("underlying", underlying);
        Checks.present("expiry", expiry);
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
