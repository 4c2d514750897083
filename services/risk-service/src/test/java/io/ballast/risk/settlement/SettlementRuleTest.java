package io.ballast.risk.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.domain.InstrumentKind;
import io.ballast.risk.domain.OptionType;
import io.ballast.risk.settlement.domain.SettlementRule;
import io.ballast.risk.settlement.domain.SettlementRule.Observation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The settlement price (index at expiry, time-weighted average) and amounts, by hand and as a property. */
class SettlementRuleTest {

    private static final Instant EXPIRY = Instant.parse("2026-12-25T08:00:00Z");

    private static Observation at(int minutesBeforeExpiry, String price) {
        return new Observation(EXPIRY.minusSeconds(60L * minutesBeforeExpiry), new BigDecimal(price));
    }

    /**
     * 60,000 in force from before the window, 61,000 from 20 minutes before expiry, 63,000 from 5 minutes before:
     * (60,000 x 10 + 61,000 x 15 + 63,000 x 5) / 30 = 61,000; the index at expiry is 63,000.
     */
    @Test
    void theTimeWeightedAverageWeighsEachObservationByHowLongItHeld() {
        SettlementRule.Price twap = SettlementRule.price(EXPIRY, 30, at(40, "60000"),
                List.of(at(20, "61000"), at(5, "63000")));
        assertThat(twap.priceUsd()).isEqualByComparingTo("61000");
        assertThat(twap.priceUsd().scale()).isEqualTo(SettlementRule.PRICE_SCALE);
        assertThat(twap.observations()).isEqualTo(3);
        SettlementRule.Price index = SettlementRule.price(EXPIRY, 0, at(5, "63000"), List.of());
        assertThat(index.priceUsd()).isEqualByComparingTo("63000");
        assertThat(index.observations()).isEqualTo(1);
    }

    /** Without an observation in force at the window's start, the average starts at the first one in the window. */
    @Test
    void withoutAnObservationBeforeTheWindowTheAverageStartsAtTheFirstOne() {
        // 100 for 10 minutes, then 130 for 5: (1,000 + 650) / 15 = 110
        assertThat(SettlementRule.price(EXPIRY, 30, null, List.of(at(15, "100"), at(5, "130"))).priceUsd())
                .isEqualByComparingTo("110");
        // one observation exactly at expiry: that price
        assertThat(SettlementRule.price(EXPIRY, 30, null, List.of(at(0, "101.5"))).priceUsd())
                .isEqualByComparingTo("101.5");
        // nothing at or before expiry: no price yet
        assertThat(SettlementRule.price(EXPIRY, 30, null, List.of())).isNull();
        assertThat(SettlementRule.price(EXPIRY, 0, null, List.of())).isNull();
    }

    @Test
    void aFutureIsWorthThePriceAnOptionItsPayoff() {
        BigDecimal p = new BigDecimal("61000");
        assertThat(SettlementRule.value(InstrumentKind.FUTURE, null, null, p)).isEqualByComparingTo("61000");
        assertThat(SettlementRule.value(InstrumentKind.OPTION, OptionType.CALL, new BigDecimal("60500"), p))
                .isEqualByComparingTo("500");
        assertThat(SettlementRule.value(InstrumentKind.OPTION, OptionType.PUT, new BigDecimal("60500"), p))
                .isEqualByComparingTo("0");
        assertThat(SettlementRule.value(InstrumentKind.OPTION, OptionType.PUT, new BigDecimal("62000"), p))
                .isEqualByComparingTo("1000");
        // long 2 at 60,000 settles +2,000; short 1 call at a premium of 300 settles -(500 - 300) = -200
        assertThat(SettlementRule.amount(new BigDecimal("2"), BigDecimal.ONE, new BigDecimal("60000"), p))
                .isEqualByComparingTo("2000");
        assertThat(SettlementRule.amount(new BigDecimal("-1"), BigDecimal.ONE, new BigDecimal("300"),
                new BigDecimal("500"))).isEqualByComparingTo("-200");
    }

    /**
     * Property, over 2,000 random books per seed: the settlement amounts of one instrument's longs and shorts cancel
     * exactly (their sum is zero, in BigDecimal, no tolerance). Each book is a list of trades, each trade a buyer's
     * long and a seller's short of the same size at the same price, split across several accounts on each side;
     * quantities have up to 4 decimals, contract sizes up to 3, prices up to 2 and the settlement price is a
     * time-weighted average (8 decimals) or a random index, for a future, a call or a put.
     */
    @ParameterizedTest
    @ValueSource(longs = {1L, 12L, 2026L})
    void settlementAmountsOfLongsAndShortsSumToZero(long seed) {
        Random r = new Random(seed);
        for (int book = 0; book < 2_000; book++) {
            BigDecimal contractSize = BigDecimal.valueOf(1 + r.nextInt(10_000), 3);
            InstrumentKind kind = r.nextBoolean() ? InstrumentKind.FUTURE : InstrumentKind.OPTION;
            OptionType type = r.nextBoolean() ? OptionType.CALL : OptionType.PUT;
            BigDecimal strike = BigDecimal.valueOf(40_000 + r.nextInt(40_000));
            BigDecimal price = r.nextBoolean() ? BigDecimal.valueOf(40_000_00L + r.nextInt(40_000_00), 2)
                    : SettlementRule.price(EXPIRY, 30, at(31, price(r)), List.of(at(20, price(r)),
                            at(1 + r.nextInt(19), price(r)))).priceUsd();
            BigDecimal value = SettlementRule.value(kind, type, strike, price);
            List<BigDecimal> amounts = new ArrayList<>();
            int trades = 1 + r.nextInt(6);
            for (int t = 0; t < trades; t++) {
                BigDecimal entry = kind == InstrumentKind.FUTURE ? new BigDecimal(price(r))
                        : BigDecimal.valueOf(r.nextInt(500_000), 2);
                BigDecimal size = BigDecimal.valueOf(1 + r.nextInt(1_000_000), 4);
                for (BigDecimal part : split(size, r)) {
                    amounts.add(SettlementRule.amount(part, contractSize, entry, value));
                }
                for (BigDecimal part : split(size, r)) {
                    amounts.add(SettlementRule.amount(part.negate(), contractSize, entry, value));
                }
            }
            BigDecimal sum = amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(sum.signum()).as("seed %d book %d: %s", seed, book, amounts).isZero();
            assertThat(amounts).allSatisfy(a -> assertThat(a.scale()).isLessThanOrEqualTo(SettlementRule.AMOUNT_SCALE));
        }
    }

    private static String price(Random r) {
        return BigDecimal.valueOf(40_000_00L + r.nextInt(40_000_00), 2).toPlainString();
    }

    /** A size split into 1 to 4 positive parts (accounts on one side of a trade). */
    private static List<BigDecimal> split(BigDecimal size, Random r) {
        List<BigDecimal> parts = new ArrayList<>();
        BigDecimal left = size;
        int n = 1 + r.nextInt(4);
        for (int i = 1; i < n && left.compareTo(new BigDecimal("0.0002")) > 0; i++) {
            BigDecimal part = left.multiply(BigDecimal.valueOf(1 + r.nextInt(9), 1)).setScale(4,
                    java.math.RoundingMode.DOWN);
            if (part.signum() > 0 && part.compareTo(left) < 0) {
                parts.add(part);
                left = left.subtract(part);
            }
        }
        parts.add(left);
        return parts;
    }
}
