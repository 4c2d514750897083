package io.ballast.predictive;

import java.time.LocalDate;
import java.util.Objects;

/**
 * One volatility forecast: the variance of the sum of daily log returns over the next {@code horizonDays} days,
 * made at the close of {@code asOf}. The value is allowed to be NaN or non-positive here on purpose: a broken model
 * output must reach the guardrails, which detect it and fall back.
 *
 * @param asset asset symbol, e.g. "BTC"
 * @param model model name that produced it ("EWMA", "HAR", a champion's name, ...)
 * @param horizonDays horizon in days, >= 1
 * @param asOf the day at whose close the forecast was made
 * @param variance variance of the h-day log return (not annualised, not a percent); may be invalid, see above
 */
public record VolForecast(String asset, String model, int horizonDays, LocalDate asOf, double variance) {

    /** Checks the identifying fields; the variance is deliberately not checked. */
    public VolForecast {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(asOf, "asOf");
        if (horizonDays < 1) {
            throw new IllegalArgumentException("horizonDays must be >= 1, got " + horizonDays);
        }
    }

    /** Factory with the same arguments as the canonical constructor. */
    public static VolForecast of(String asset, String model, int horizonDays, LocalDate asOf, double variance) {
        return new VolForecast(asset, model, horizonDays, asOf, variance);
    }

    /** @return the h-day volatility (standard deviation of the h-day log return), NaN if the variance is invalid */
    public double sigma() {
        return variance > 0 && Double.isFinite(variance) ? Math.sqrt(variance) : Double.NaN;
    }
}
