package io.ballast.ml.proxy;

import io.ballast.ml.data.HourlyBar;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Daily realized variance from hourly bars: the sum of squared hourly close-to-close log returns of the bars whose
 * open time falls on the UTC day (the first return runs from the previous bar's close, possibly on the day before).
 * Close-to-close is used because the legacy BTC/ETH segment (before ~2020-12) has unreliable opens and wicks but
 * reliable closes (SOURCES.md). A return across a gap of missing hours spans the gap and is kept whole (its variance
 * belongs to the day). A day with fewer than {@link #MIN_HOURS} bars has no RV; a day with between MIN_HOURS and 23
 * bars is kept as-is (the returns spanning the missing hours already carry their variance).
 */
public final class RealizedVariance {

    /** Minimum hourly bars on a UTC day for its RV to be defined. */
    public static final int MIN_HOURS = 20;

    private RealizedVariance() {
    }

    /**
     * Intraday statistics of one UTC day (all in daily log-return variance units).
     *
     * @param rv       realized variance: sum of squared hourly returns
     * @param rvDown   downside realized semivariance: sum of squared negative hourly returns
     * @param rvRecent realized variance of the last 6 hourly returns of the day, times 4 (a daily-rate estimate)
     * @param bipower  bipower variation {@code (pi/2) sum |r_i| |r_{i-1}|} (jump-robust integrated variance)
     * @param hours    hourly bars on the day
     */
    public record DayStats(double rv, double rvDown, double rvRecent, double bipower, int hours) {
    }

    /**
     * @param hourly ascending hourly bars
     * @return statistics per UTC day that has at least {@link #MIN_HOURS} bars
     */
    public static Map<LocalDate, DayStats> dailyStats(List<HourlyBar> hourly) {
        Map<LocalDate, List<Double>> returns = new HashMap<>();
        for (int i = 1; i < hourly.size(); i++) {
            HourlyBar bar = hourly.get(i);
            LocalDate day = LocalDate.ofInstant(bar.time(), ZoneOffset.UTC);
            returns.computeIfAbsent(day, d -> new java.util.ArrayList<>()).add(Math.log(bar.close() / hourly.get(i - 1).close()));
        }
        Map<LocalDate, DayStats> out = new HashMap<>();
        returns.forEach((day, r) -> {
            if (r.size() < MIN_HOURS) {
                return;
            }
            double rv = 0;
            double down = 0;
            double recent = 0;
            double bp = 0;
            for (int k = 0; k < r.size(); k++) {
                double x = r.get(k);
                rv += x * x;
                if (x < 0) {
                    down += x * x;
                }
                if (k >= r.size() - 6) {
                    recent += x * x;
                }
                if (k > 0) {
                    bp += Math.abs(x) * Math.abs(r.get(k - 1));
                }
            }
            out.put(day, new DayStats(rv, down, recent * 4, bp * Math.PI / 2 * r.size() / (r.size() - 1.0), r.size()));
        });
        return out;
    }

    /**
     * @param hourly ascending hourly bars
     * @return realized variance (daily log-return units) per UTC day that has at least {@link #MIN_HOURS} bars
     */
    public static Map<LocalDate, Double> daily(List<HourlyBar> hourly) {
        Map<LocalDate, Double> rv = new HashMap<>();
        dailyStats(hourly).forEach((d, s) -> rv.put(d, s.rv()));
        return rv;
    }
}
