package io.ballast.margin;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Booked amounts ({@code BigDecimal}) converted to the {@code double} of analytics. */
public final class Decimals {

    /** Significant digits up to which {@code doubleValue} converts by one exact division (below 2<sup>52</sup>). */
    private static final int EXACT_DIGITS = 15;
    /** 10<sup>0</sup> to 10<sup>40</sup>: the numeric(38, 18) amounts' zeros are stripped in one division. */
    private static final BigInteger[] POWERS_OF_TEN = new BigInteger[41];

    static {
        POWERS_OF_TEN[0] = BigInteger.ONE;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1].multiply(BigInteger.TEN);
        }
    }

    private Decimals() {
    }

    /**
     * The double {@link BigDecimal#doubleValue} gives (the nearest double), without its costs on Java 17.
     * {@code doubleValue} divides exactly when the unscaled value is below 2<sup>52</sup> and the scale within 22;
     * otherwise it formats the amount, keeps that string on it for the amount's life and parses it back. Every amount
     * read from the schema's {@code numeric(38, 18)} columns has scale 18, so {@code 0.5} arrives as
     * {@code 0.500000000000000000} and a price of {@code 90000.12} as 23 digits: all of them took the string path, in
     * each margin request's conversion (docs/benchmarks.md, "Session 41").
     *
     * <p>Here an amount of more than 15 digits whose digits past the 15th are zeros (the same value with fewer
     * digits) is converted by that exact division: an amount held in a {@code long} is stripped of its zeros, a
     * longer one divided once by the power of ten of its excess digits ({@code stripTrailingZeros} would divide by ten
     * once per zero). Only an amount with more than 15 significant digits is formatted, through {@code toPlainString},
     * which nothing keeps. Every path rounds the same exact value to nearest, so the result is bit for bit
     * {@code doubleValue}'s.
     *
     * @param amount the amount
     * @return the nearest double
     */
    public static double toDouble(BigDecimal amount) {
        if (exactlyDivided(amount)) {
            return amount.doubleValue();
        }
        int precision = amount.precision();
        if (precision <= 18) {
            BigDecimal stripped = amount.stripTrailingZeros();
            if (exactlyDivided(stripped)) {
                return stripped.doubleValue();
            }
        } else if (precision - EXACT_DIGITS < POWERS_OF_TEN.length) {
            int excess = precision - EXACT_DIGITS;
            BigInteger[] qr = amount.unscaledValue().divideAndRemainder(POWERS_OF_TEN[excess]);
            long scale = (long) amount.scale() - excess;
            if (qr[1].signum() == 0 && scale < 23 && scale > -23) {
                return BigDecimal.valueOf(qr[0].longValueExact(), (int) scale).doubleValue();
            }
        }
        return Double.parseDouble(amount.toPlainString());
    }

    /** Whether {@code doubleValue} converts this amount by one exact division (at most 15 digits, scale within 22). */
    private static boolean exactlyDivided(BigDecimal amount) {
        int scale = amount.scale();
        return amount.precision() <= EXACT_DIGITS && scale < 23 && scale > -23;
    }
}
