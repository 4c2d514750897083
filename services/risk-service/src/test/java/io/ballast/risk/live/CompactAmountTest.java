package io.ballast.risk.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * {@link BookLoader#compact}: a position's amount as read from {@code numeric(38, 18)} is held with the same value,
 * without the schema's trailing zeros, and in a {@code long} (no {@code BigInteger}) when it has at most 18 digits.
 */
class CompactAmountTest {

    @Test
    void keepsTheValueWithoutTheSchemasZerosAndWithoutABigInteger() {
        for (String stored : new String[] {"90000.120000000000000000", "-1.234500000000000000",
                "0.000000000000000017", "123456789012345678.000000000000000000", "60000.000000000000000000"}) {
            BigDecimal read = new BigDecimal(stored);
            BigDecimal held = BookLoader.compact(read);
            assertThat(held).as(stored).isEqualByComparingTo(read);
            assertThat(held.precision()).as(stored).isEqualTo(read.stripTrailingZeros().precision());
            assertThat(read.unscaledValue()).as("%s as read holds a BigInteger", stored)
                    .isSameAs(read.unscaledValue());
            if (held.unscaledValue().abs().compareTo(BigDecimal.valueOf(16).toBigInteger()) > 0) {
                // a BigDecimal in a long makes a new BigInteger on each call; one holding a BigInteger returns it
                assertThat(held.unscaledValue()).as("%s held without a BigInteger", stored)
                        .isNotSameAs(held.unscaledValue());
            }
        }
        BigDecimal wide = new BigDecimal("12345678901234567890.123456789000000000");
        assertThat(BookLoader.compact(wide)).isEqualByComparingTo(wide).extracting(BigDecimal::scale).isEqualTo(9);
    }
}
