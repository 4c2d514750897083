package io.ballast.margin;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Decimals#toDouble} gives bit for bit the double of {@link BigDecimal#doubleValue}: amounts of every size the
 * schema stores (numeric(38, 18)) and beyond, short and long, positive and negative, at scales from -30 to 30, with
 * and without trailing zeros, and the edges of the fast path (15 and 16 digits, scales 22 and 23).
 */
class DecimalsTest {

    @Test
    void givesTheDoubleOfDoubleValueForEveryShapeOfAmount() {
        SplittableRandom random = new SplittableRandom(20_261_207L);
        int slow = 0;
        for (int i = 0; i < 200_000; i++) {
            BigDecimal v = new BigDecimal(new BigInteger(digits(random, 1 + random.nextInt(38))),
                    random.nextInt(61) - 30);
            slow += v.precision() > 15 ? 1 : 0;
            assertSameDouble(v);
        }
        assertThat(slow).as("amounts past the fast path were checked").isGreaterThan(100_000);
        for (String s : new String[] {"0", "0E-18", "60123.450000000000000000", "999999999999999", "9999999999999999",
                "1E-22", "1E-23", "123456789012345E-22", "123456789012345E-23", "-4503599627370497E-3",
                "99999999999999999999.999999999999999999", "0.000000000000000001", "1000000000000000000000000E-2",
                "123456789012345000000000E-30", "123456789012345600000000E-30", "-0.100000000000000000",
                "1" + "0".repeat(48) + "E-45", "1" + "0".repeat(60) + "E-45",
                "123456789012345" + "0".repeat(26) + "E-48", "123456789012345" + "0".repeat(26) + "E-18",
                "999999999999999" + "0".repeat(8) + "E-8"}) {
            assertSameDouble(new BigDecimal(s));
        }
    }

    /** The schema's shape: a short amount (as an exchange books it) stored at scale 18, so with trailing zeros. */
    @Test
    void givesTheDoubleOfDoubleValueForShortAmountsStoredAtScale18() {
        SplittableRandom random = new SplittableRandom(20_261_208L);
        int stripped = 0;
        for (int i = 0; i < 200_000; i++) {
            BigDecimal booked = new BigDecimal(new BigInteger(digits(random, 1 + random.nextInt(20))),
                    random.nextInt(9));
            BigDecimal stored = booked.setScale(18);
            stripped += stored.precision() > 15 && booked.precision() <= 15 ? 1 : 0;
            assertSameDouble(stored);
        }
        assertThat(stripped).as("amounts the strip brings back to the fast path").isGreaterThan(50_000);
    }

    private static String digits(SplittableRandom random, int n) {
        StringBuilder s = new StringBuilder(random.nextBoolean() ? "-" : "");
        s.append(1 + random.nextInt(9));
        for (int d = 1; d < n; d++) {
            s.append(random.nextInt(10));
        }
        return s.toString();
    }

    private static void assertSameDouble(BigDecimal v) {
        // a copy: doubleValue may keep a string on the amount it converts, which must not help toDouble
        BigDecimal copy = new BigDecimal(v.unscaledValue(), v.scale());
        assertThat(Double.doubleToRawLongBits(Decimals.toDouble(copy))).as(v.toString())
                .isEqualTo(Double.doubleToRawLongBits(v.doubleValue()));
    }
}
