package io.ballast.risk.settlement.domain;

import io.ballast.risk.domain.InstrumentKind;
import io.ballast.risk.domain.OptionType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The arithmetic of expiry settlement (docs/margin.md "Expiry and settlement"), in {@link BigDecimal}: the settlement
 * price from the index observations around expiry, the value per unit of a dated future or an option at that price,
 * and the amount a position settles for. Plain Java, stateless.
 *
 * <p>Settlement price: with a window of 0 minutes, the index in force at expiry (the last observation at or before
 * it); with n &gt; 0 minutes, the time-weighted average of the index over [expiry - n, expiry], each observation
 * holding until the next one (Deribit: the average of the index over the last 30 minutes before expiry). When no
 * observation is in force at the window's start, the average runs from the first observation inside the window. The
 * average is rounded half-even to {@value #PRICE_SCALE} decimals.
 *
 * <p>Amount: {@code quantity x contractSize x (value - entryPrice)}, in the settlement asset (taken as USD, like
 * margin), exact (no rounding) as long as it has at most {@value #AMOUNT_SCALE} decimals, else rounded half-even to
 * them (the ledger's scale). Because the amount is linear in the quantity, the amounts of one instrument's longs and
 * shorts that came from the same trades (equal entry prices) cancel exactly.
 */
public final class SettlementRule {

    /** Decimals of a time-weighted settlement price. */
    public static final int PRICE_SCALE = 8;
    /** Decimals of a booked amount (the ledger's numeric(38, 18)). */
    public static final int AMOUNT_SCALE = 18;

    private SettlementRule() {
    }

    /**
     * One stored index observation.
     *
     * @param at       observation time
     * @param priceUsd index price, USD per unit of underlying
     */
    public record Observation(Instant at, BigDecimal priceUsd) {
    }

    /**
     * A settlement price and how it was made.
     *
     * @param priceUsd     the settlement price, USD per unit of underlying
     * @param observations how many observations it used
     */
    public record Price(BigDecimal priceUsd, int observations) {
    }

    /**
     * The settlement price.
     *
     * @param expiry       the instrument's expiry
     * @param twapMinutes  0 for the index at expiry, else the averaging window in minutes
     * @param inForce      the last observation at or before the window's start (expiry itself when 0), or null
     * @param inWindow     the observations after the window's start and at or before expiry, oldest first
     *                     (ignored when {@code twapMinutes} is 0)
     * @return the price, or null when no observation is at or before expiry
     */
    public static Price price(Instant expiry, int twapMinutes, Observation inForce, List<Observation> inWindow) {
        if (twapMinutes == 0) {
            return inForce == null ? null : new Price(inForce.priceUsd(), 1);
        }
        Instant start = expiry.minus(Duration.ofMinutes(twapMinutes));
        Instant from;
        BigDecimal current;
        int used;
        int i = 0;
        if (inForce != null) {
            from = start;
            current = inForce.priceUsd();
            used = 1;
        } else if (!inWindow.isEmpty()) {
            from = inWindow.get(0).at();
            current = inWindow.get(0).priceUsd();
            used = 1;
            i = 1;
        } else {
            return null;
        }
        BigDecimal weighted = BigDecimal.ZERO;
        for (; i < inWindow.size(); i++) {
            Observation o = inWindow.get(i);
            weighted = weighted.add(current.multiply(BigDecimal.valueOf(Duration.between(from, o.at()).toMillis())));
            from = o.at();
            current = o.priceUsd();
            used++;
        }
        long total = Duration.between(inForce != null ? start : inWindow.get(0).at(), expiry).toMillis();
        weighted = weighted.add(current.multiply(BigDecimal.valueOf(Duration.between(from, expiry).toMillis())));
        if (total == 0) {
            return new Price(current, used);
        }
        return new Price(weighted.divide(BigDecimal.valueOf(total), PRICE_SCALE, RoundingMode.HALF_EVEN), used);
    }

    /**
     * What one unit of an instrument is worth at a settlement price.
     *
     * @param kind       FUTURE or OPTION
     * @param optionType CALL or PUT for an option
     * @param strikeUsd  the option's strike
     * @param priceUsd   the settlement price
     * @return the price (future), max(price - strike, 0) (call) or max(strike - price, 0) (put), USD
     */
    public static BigDecimal value(InstrumentKind kind, OptionType optionType, BigDecimal strikeUsd,
            BigDecimal priceUsd) {
        return switch (kind) {
            case FUTURE -> priceUsd;
            case OPTION -> (optionType == OptionType.CALL ? priceUsd.subtract(strikeUsd)
                    : strikeUsd.subtract(priceUsd)).max(BigDecimal.ZERO);
            case PERPETUAL -> throw new IllegalArgumentException("a perpetual does not expire");
        };
    }

    /**
     * The amount a position settles for: its P&amp;L from its entry price to the settlement value.
     *
     * @param quantity     signed contracts
     * @param contractSize units of underlying per contract
     * @param entryPrice   the position's entry price, USD per unit (an option's premium)
     * @param valueUsd     {@link #value}
     * @return quantity x contractSize x (value - entryPrice), settlement-asset units, signed
     */
    public static BigDecimal amount(BigDecimal quantity, BigDecimal contractSize, BigDecimal entryPrice,
            BigDecimal valueUsd) {
        BigDecimal a = quantity.multiply(contractSize).multiply(valueUsd.subtract(entryPrice));
        return a.scale() > AMOUNT_SCALE ? a.setScale(AMOUNT_SCALE, RoundingMode.HALF_EVEN) : a;
    }
}
