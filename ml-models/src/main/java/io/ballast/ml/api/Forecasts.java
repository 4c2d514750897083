package io.ballast.ml.api;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import io.ballast.ml.model.WalkForwardModel;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Entry point for other modules: out-of-sample walk-forward variance forecasts from daily bars.
 *
 * <p>With daily bars only, the variance proxy that HAR and the ML models learn is Garman-Klass (see
 * {@link DailySeries}); the first week of the history is dropped. EWMA and GARCH are refitted every day, HAR every day,
 * the Tribuo models every {@link Models#ML_REFIT_DAYS} days on an expanding window.
 */
public final class Forecasts {

    /** Minimum history before the first forecast for EWMA, GARCH and HAR (days). */
    public static final int MIN_BASELINE_HISTORY_DAYS = 250;
    /** Minimum history before the first forecast for the ML models and the champion (days). */
    public static final int MIN_ML_HISTORY_DAYS = 730;

    /**
     * The lab's standard first out-of-sample day, kept so that the documented BTC and ETH figures reproduce (both
     * have 860 days of history before it).
     */
    public static final LocalDate STANDARD_OOS_START = LocalDate.of(2020, 1, 1);

    private Forecasts() {
    }

    /**
     * The default out-of-sample start for a series: {@link #STANDARD_OOS_START}, or, for a history that starts too
     * late for it, the first day with {@link #MIN_ML_HISTORY_DAYS} days of history before it (enough for every model
     * and the champion's validation block).
     *
     * @param series the series to be forecast
     * @return the later of the standard start and the first day with enough history
     * @throws IllegalArgumentException when the series holds no day after {@link #MIN_ML_HISTORY_DAYS} days of history
     */
    public static LocalDate defaultOosStart(DailySeries series) {
        Objects.requireNonNull(series, "series");
        if (series.size() <= MIN_ML_HISTORY_DAYS) {
            throw new IllegalArgumentException("only " + series.size() + " days of history (" + series.date(0) + ".."
                    + series.date(series.size() - 1) + "): an out-of-sample evaluation needs more than "
                    + MIN_ML_HISTORY_DAYS + " days");
        }
        LocalDate enough = series.date(MIN_ML_HISTORY_DAYS);
        return enough.isAfter(STANDARD_OOS_START) ? enough : STANDARD_OOS_START;
    }

    /**
     * Out-of-sample walk-forward forecasts, made at the close of every day from {@code oosStart} to the last bar, of the
     * variance (daily log-return units, not annualised) of the sum of log returns over the next {@code horizonDays}.
     *
     * @param asset       label carried into the result
     * @param bars        ascending, validated daily bars (e.g. from {@link io.ballast.ml.data.MarketData#readDaily})
     * @param model       "EWMA", "GARCH", "GARCH_T", "HAR", "HAR_LEVEL", "XGB", "CART", "SGD", "OLS" or "champion"
     *                    (chosen by {@link io.ballast.ml.model.ChampionPolicy} on the year before {@code oosStart}:
     *                    HAR unless the model confidence set excludes it)
     * @param horizonDays 1..10
     * @param oosStart    first forecast date (the first bar on or after it)
     * @return forecasts; only data up to each date is used. Progress goes to stderr.
     */
    public static ForecastSeries walkForward(String asset, List<DailyBar> bars, String model, int horizonDays,
            LocalDate oosStart) {
        Objects.requireNonNull(bars, "bars");
        return walkForward(asset, DailySeries.of(bars), model, horizonDays, oosStart, Progress.STDERR);
    }

    /**
     * Same as {@link #walkForward(String, List, String, int, LocalDate)} on a prepared series (for instance one whose
     * proxy is hourly realized variance).
     */
    public static ForecastSeries walkForward(String asset, DailySeries series, String model, int horizonDays,
            LocalDate oosStart, Progress progress) {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(oosStart, "oosStart");
        if (horizonDays < 1 || horizonDays > 10) {
            throw new IllegalArgumentException("horizonDays must be 1..10: " + horizonDays);
        }
        int from = series.indexOnOrAfter(oosStart);
        if (from >= series.size()) {
            throw new IllegalArgumentException("no data on or after oosStart " + oosStart + " (last " + series.date(series.size() - 1) + ")");
        }
        String resolved = model;
        if ("champion".equalsIgnoreCase(model)) {
            requireHistory(from, MIN_ML_HISTORY_DAYS, model, oosStart);
            resolved = Models.championByValidation(series, horizonDays, from, progress).model();
            progress.report(asset + " h=" + horizonDays + ": champion by the champion policy is " + resolved);
        }
        WalkForwardModel m = Models.byName(resolved);
        requireHistory(from, Models.isMl(m.name()) ? MIN_ML_HISTORY_DAYS : MIN_BASELINE_HISTORY_DAYS, model, oosStart);
        long t0 = System.nanoTime();
        double[] v = m.forecast(series, horizonDays, from, series.size(), progress);
        progress.report(String.format("%s %s h=%d: %d forecasts in %.1f s", asset, m.name(), horizonDays, v.length,
                (System.nanoTime() - t0) / 1e9));
        LocalDate[] dates = new LocalDate[v.length];
        Arrays.setAll(dates, k -> series.date(from + k));
        return new ForecastSeries(asset, m.name(), horizonDays, dates, v);
    }

    /**
     * The forecast of a registered (frozen) model made at the close of the last bar, without refitting: variance of
     * the sum of log returns over the model's horizon, in daily log-return units.
     *
     * @param model a model restored from a registry ({@link io.ballast.ml.registry.ModelArtifact#fitted()})
     * @param bars  ascending, validated daily bars up to the forecast day
     */
    public static double fromRegistered(io.ballast.ml.registry.FittedModel model, List<DailyBar> bars) {
        Objects.requireNonNull(model, "model");
        return model.forecastVariance(DailySeries.of(bars));
    }

    private static void requireHistory(int from, int needed, String model, LocalDate oosStart) {
        if (from < needed) {
            throw new IllegalArgumentException(model + " needs at least " + needed + " days of history before oosStart "
                    + oosStart + ", found " + from);
        }
    }
}
