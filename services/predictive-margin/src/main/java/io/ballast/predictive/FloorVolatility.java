package io.ballast.predictive;

import io.ballast.ml.data.DailyBar;
import java.util.List;

/**
 * Daily volatilities for the anti-procyclicality floor (EMIR RTS 153/2013 art. 28), computed only from returns known
 * at each day: the long-lookback standard deviation (art. 28(c): up to 10 years) and the stressed-period volatility
 * (the highest 250-day standard deviation seen so far). These are plain sample statistics, not forecasts.
 */
public final class FloorVolatility {

    /** Ten years of calendar days, the art. 28(c) lookback (crypto trades every day). */
    public static final int TEN_YEARS_DAYS = 3650;

    /** The window of a stressed period, days. */
    public static final int STRESS_WINDOW_DAYS = 250;

    private FloorVolatility() {
    }

    /**
     * Close-to-close log returns of daily bars; index 0 is 0 (no previous close).
     *
     * @param bars ascending daily bars
     * @return one return per bar
     */
    public static double[] logReturns(List<DailyBar> bars) {
        double[] r = new double[bars.size()];
        for (int i = 1; i < r.length; i++) {
            r[i] = Math.log(bars.get(i).close() / bars.get(i - 1).close());
        }
        return r;
    }

    /**
     * The floor volatility per bar for a floor mode: {@link #stressedPeriod} for
     * {@link GuardrailSettings.FloorMode#STRESSED_PERIOD}, otherwise {@link #longLookback} over ten years with at least
     * 365 returns (also computed for {@code NONE}, where the engine ignores it).
     *
     * @param mode the tenant's floor mode
     * @param logReturns daily log returns
     * @return one daily volatility per bar
     */
    public static double[] forMode(GuardrailSettings.FloorMode mode, double[] logReturns) {
        return mode == GuardrailSettings.FloorMode.STRESSED_PERIOD ? stressedPeriod(logReturns)
            : longLookback(logReturns, TEN_YEARS_DAYS, 365);
    }

    /**
     * Long-lookback floor volatility for every day: the sample standard deviation (mean zero) of the log returns
     * r[max(0, t - lookback + 1) .. t]. NaN until {@code minObservations} returns exist.
     *
     * @param logReturns daily log returns, r[t] known at the close of day t
     * @param lookbackDays lookback length, e.g. {@link #TEN_YEARS_DAYS}
     * @param minObservations returns required before a value is given (e.g. 365)
     * @return one daily volatility per input day
     */
    public static double[] longLookback(double[] logReturns, int lookbackDays, int minObservations) {
        int n = logReturns.length;
        double[] out = new double[n];
        double sum = 0;
        for (int t = 0; t < n; t++) {
            sum += logReturns[t] * logReturns[t];
            if (t >= lookbackDays) {
                sum -= logReturns[t - lookbackDays] * logReturns[t - lookbackDays];
            }
            int count = Math.min(t + 1, lookbackDays);
            out[t] = count >= minObservations ? Math.sqrt(Math.max(0, sum) / count) : Double.NaN;
        }
        return out;
    }

    /**
     * Stressed-period floor volatility for every day: the largest 250-day standard deviation (mean zero) among all
     * complete windows ending on or before t. NaN until the first window is complete.
     *
     * @param logReturns daily log returns, r[t] known at the close of day t
     * @return one daily volatility per input day
     */
    public static double[] stressedPeriod(double[] logReturns) {
        int n = logReturns.length;
        double[] out = new double[n];
        double sum = 0;
        double worst = Double.NaN;
        for (int t = 0; t < n; t++) {
            sum += logReturns[t] * logReturns[t];
            if (t >= STRESS_WINDOW_DAYS) {
                sum -= logReturns[t - STRESS_WINDOW_DAYS] * logReturns[t - STRESS_WINDOW_DAYS];
            }
            if (t + 1 >= STRESS_WINDOW_DAYS) {
                double v = Math.sqrt(Math.max(0, sum) / STRESS_WINDOW_DAYS);
                worst = Double.isNaN(worst) ? v : Math.max(worst, v);
            }
            out[t] = worst;
        }
        return out;
    }
}
