package io.ballast.margin;

import java.math.BigDecimal;

/** Booked amounts ({@code BigDecimal}) converted to the {@code double} of analytics. */
public final class Decimals {

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
     * <p>Here an amount past that fast path is stripped of its trailing zeros (the same value) and converted by the
     * fast path when that now applies; only an amount with more than 15 significant digits is formatted, through
     * {@code toPlainString}, which nothing keeps. Both paths round the same exact value to nearest, so the result is
     * bit for bit {@code doubleValue}'s.
     *
     * @param amount the amount
     * @return the nearest double
     */
    public static double toDouble(BigDecimal amount) {
        if (exactlyDivided(amount)) {
            return amount.doubleValue();
        }
        BigDecimal stripped = amount.stripTrailingZeros();
        return exactlyDivided(stripped) ? stripped.doubleValue() : Double.parseDouble(amount.toPlainString());
    }

    /** Whether {@code doubleValue} converts this amount by one exact division (at most 15 digits, scale within 22). */
    private static boolean exactlyDivided(BigDecimal amount) {
        int scale = amount.scale();
        return amount.precision() <= 15 && scale < 23 && scale > -23;
    }
}
