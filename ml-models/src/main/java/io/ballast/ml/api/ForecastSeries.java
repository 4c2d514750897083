package io.ballast.ml.api;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Out-of-sample walk-forward forecasts, made at the close of {@code dates[i]}, of the variance (daily log-return units,
 * NOT annualised) of the SUM of log returns over the next {@code horizonDays} days.
 *
 * <p>To annualise a 1-day forecast multiply by 365; the volatility of the h-day sum is {@code sqrt(variance[i])}.
 *
 * @param asset       asset label, e.g. "BTC"
 * @param model       model that produced the forecasts ("EWMA", "GARCH", "HAR", "HAR_LEVEL", "XGB", "CART", "SGD", ...)
 * @param horizonDays forecast horizon h in days, 1..10
 * @param dates       forecast dates (ascending); the forecast covers the h days after each date
 * @param variance    forecast variance of the h-day log-return sum, one per date, finite and > 0
 */
public record ForecastSeries(String asset, String model, int horizonDays, LocalDate[] dates, double[] variance) {

    /** Validates lengths, ordering and positivity; copies the arrays so the record stays immutable. */
    public ForecastSeries {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dates, "dates");
        Objects.requireNonNull(variance, "variance");
        if (horizonDays < 1 || horizonDays > 10) {
            throw new IllegalArgumentException("horizonDays must be 1..10: " + horizonDays);
        }
        if (dates.length != variance.length) {
            throw new IllegalArgumentException("dates and variance differ in length: " + dates.length + " vs " + variance.length);
        }
        dates = dates.clone();
        variance = variance.clone();
        for (int i = 0; i < dates.length; i++) {
            if (i > 0 && !dates[i].isAfter(dates[i - 1])) {
                throw new IllegalArgumentException("dates not ascending at " + dates[i]);
            }
            if (!(variance[i] > 0) || Double.isInfinite(variance[i])) {
                throw new IllegalArgumentException("variance must be finite and > 0 at " + dates[i] + ": " + variance[i]);
            }
        }
    }

    /** Forecast dates (a copy). */
    @Override
    public LocalDate[] dates() {
        return dates.clone();
    }

    /** Forecast variances (a copy). */
    @Override
    public double[] variance() {
        return variance.clone();
    }

    /** Number of forecasts. */
    public int size() {
        return dates.length;
    }

    /** Forecast date i. */
    public LocalDate date(int i) {
        return dates[i];
    }

    /** Forecast variance i (daily log-return units, h-day sum). */
    public double variance(int i) {
        return variance[i];
    }
}
