package io.ballast.risk.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MarginInputs#doubleOf} gives bit for bit the double of {@link BigDecimal#doubleValue}: amounts of every
 * size the schema stores (numeric(38, 18)) and beyond, short and long, positive and negative, at scales from -30 to
 * 30, and the edges of its fast path (15 and 16 digits, scales 22 and 23).
 */
class DoubleOfTest {

    @Test
    void givesTheDoubleOfDoubleValueForEveryShapeOfAmount() {
        SplittableRandom random = new SplittableRandom(20_261_207L);
        int slow = 0;
        for (int i = 0; i < 200_000; i++) {
            int digits = 1 + random.nextInt(38);
            StringBuilder unscaled = new StringBuilder(random.nextBoolean() ? "-" : "");
            unscaled.append(1 + random.nextInt(9));
            for (int d = 1; d < digits; d++) {
                unscaled.append(random.nextInt(10));
            }
            int scale = random.nextInt(61) - 30;
            BigDecimal v = new BigDecimal(new BigInteger(unscaled.toString()), scale);
            slow += v.precision() > 15 ? 1 : 0;
            assertThat(Double.doubleToRawLongBits(MarginInputs.doubleOf(v))).as(v.toString())
                    .isEqualTo(Double.doubleToRawLongBits(v.doubleValue()));
        }
        assertThat(slow).as("amounts past the fast path were checked").isGreaterThan(100_000);
        for (String s : new String[] {"0", "0E-18", "60123.450000000000000000", "999999999999999", "9999999999999999",
                "1E-22", "1E-23", "123456789012345E-22", "123456789012345E-23", "-4503599627370497E-3",
                "99999999999999999999.999999999999999999", "0.000000000000000001"}) {
            BigDecimal v = new BigDecimal(s);
            assertThat(Double.doubleToRawLongBits(MarginInputs.doubleOf(v))).as(s)
                    .isEqualTo(Double.doubleToRawLongBits(v.doubleValue()));
        }
    }
}
