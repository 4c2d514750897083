package io.ballast.console.web;

import io.quarkus.qute.TemplateExtension;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/** Qute helpers for the pages: money and ratios in fixed English formats, whatever the server's locale. */
@TemplateExtension(namespace = "fmt")
public final class Formats {

    private Formats() {
    }

    /**
     * @param value a number (or numeric text) in USD, may be null
     * @return e.g. {@code 18,000.00}, or an em dash for null or non-numbers
     */
    public static String usd(Object value) {
        BigDecimal number = toDecimal(value);
        return number == null ? "—" : new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT))
                .format(number);
    }

    /**
     * @param value a plain fraction ({@code 0.05} = 5 %), may be null
     * @return e.g. {@code 5.00 %}, or an em dash
     */
    public static String pct(Object value) {
        BigDecimal number = toDecimal(value);
        return number == null ? "—" : new DecimalFormat("0.00", DecimalFormatSymbols.getInstance(Locale.ROOT))
                .format(number.movePointRight(2)) + " %";
    }

    /**
     * @param value any value
     * @return its text, or an em dash for null or blank
     */
    public static String text(Object value) {
        return value == null || value.toString().isBlank() ? "—" : value.toString();
    }

    /**
     * @param seconds an age in seconds, may be null
     * @return e.g. {@code 42 s}, {@code 3 min 5 s}, {@code 2 h 10 min}, {@code 3 d 4 h}, or an em dash
     */
    public static String age(Object seconds) {
        BigDecimal number = toDecimal(seconds);
        if (number == null) {
            return "—";
        }
        long s = number.longValue();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        if (s < 86_400) {
            return s / 3600 + " h " + s % 3600 / 60 + " min";
        }
        return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
    }

    private static BigDecimal toDecimal(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return new BigDecimal(value.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
