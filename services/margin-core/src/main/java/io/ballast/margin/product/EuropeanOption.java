package io.ballast.margin.product;

import io.ballast.margin.Checks;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * European option on the underlying's forward, one unit of underlying per contract; USD-settled (linear), or
 * coin-settled (inverse: premium and payoff in the underlying coin, the payoff of a call {@code max(S - K, 0) / S}
 * coins, Deribit's BTC and ETH options).
 *
 * @param id identifier, for example {@code BTC-20261225-100000-C}
 * @param underlying underlying symbol
 * @param expiry expiry instant (UTC)
 * @param strikeUsd strike, USD per unit of underlying, &gt; 0
 * @param type call or put
 * @param inverse whether coin-settled (see {@link Instrument})
 */
public record EuropeanOption(String id, String underlying, Instant expiry, double strikeUsd, OptionType type,
        boolean inverse) implements Instrument {

    /** Validates. */
    public EuropeanOption {
        Checks.text("id", id);
        Checks.text("underlying", underlying);
        Checks.present("expiry", expiry);
        Checks.positive("strikeUsd", strikeUsd);
        Checks.present("type", type);
    }

    /**
     * A USD-settled option.
     *
     * @param id identifier
     * @param underlying underlying symbol
     * @param expiry expiry instant
     * @param strikeUsd strike, USD
     * @param type call or put
     */
    public EuropeanOption(String id, String underlying, Instant expiry, double strikeUsd, OptionType type) {
        this(id, underlying, expiry, strikeUsd, type, false);
    }

    /**
     * Option with the id {@code <underlying>-<yyyyMMdd>-<strike>-<C|P>}.
     *
     * @param underlying underlying symbol
     * @param expiry expiry instant
     * @param strikeUsd strike, USD
     * @param type call or put
     * @return the instrument
     */
    public static EuropeanOption of(String underlying, Instant expiry, double strikeUsd, OptionType type) {
        String strike = BigDecimal.valueOf(Checks.positive("strikeUsd", strikeUsd)).stripTrailingZeros().toPlainString();
        String id = underlying + "-" + DatedFuture.ID_DATE.format(Checks.present("expiry", expiry)) + "-" + strike
                + "-" + (Checks.present("type", type) == OptionType.CALL ? "C" : "P");
        return new EuropeanOption(id, underlying, expiry, strikeUsd, type);
    }

    @Override
    public InstrumentKind kind() {
        return InstrumentKind.OPTION;
    }
}
