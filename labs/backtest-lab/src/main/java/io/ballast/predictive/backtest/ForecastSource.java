package io.ballast.predictive.backtest;

import io.ballast.ml.api.ForecastSeries;
import java.time.LocalDate;

/**
 * Where the backtest gets its walk-forward forecasts for one asset. The command line binds it to
 * {@link io.ballast.ml.api.Forecasts#walkForward}; tests bind it to small synthetic series.
 */
@FunctionalInterface
public interface ForecastSource {

    /**
     * Out-of-sample forecasts of the h-day log-return variance, made at each day's close from {@code oosStart} on.
     *
     * @param model "EWMA" or "champion" (or any model name the forecaster knows)
     * @param horizonDays the horizon (the MPOR)
     * @param oosStart first forecast day
     * @return the forecasts
     */
    ForecastSeries forecast(String model, int horizonDays, LocalDate oosStart);
}
