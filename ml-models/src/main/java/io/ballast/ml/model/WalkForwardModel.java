package io.ballast.ml.model;

import io.ballast.ml.data.DailySeries;

/**
 * A variance forecaster run walk-forward: the forecast at index i may use only data at indices {@code <= i}.
 */
public interface WalkForwardModel {

    /** Model name as reported ("EWMA", "GARCH", "HAR", ...). */
    String name();

    /**
     * Forecasts, for each index i in {@code [from, to)}, the variance of the sum of log returns over days i+1..i+h
     * (daily log-return units), refitting as the model's schedule says and using only data up to i.
     *
     * @param series   the data
     * @param h        horizon in days, >= 1
     * @param from     first forecast index
     * @param to       one past the last forecast index
     * @param progress receives progress lines (may be a no-op)
     * @return {@code to - from} forecasts, each finite and > 0
     */
    double[] forecast(DailySeries series, int h, int from, int to, Progress progress);
}
