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
     * @param hourly ascending hourly bars
     * @return realized variance (daily log-return units) per UTC day that has at least {@link #MIN_HOURS} bars
     */
    public static Map<LocalDate, Double> daily(List<HourlyBar> hourly) {
        Map<LocalDate, double[]> acc = new HashMap<>();
        for (int i = 1; i < hourly.size(); i++) {
            HourlyBar bar = hourly.get(i);
            LocalDate day = LocalDate.ofInstant(bar.time(), ZoneOffset.UTC);
            double r = Math.log(bar.close() / hourly.get(i - 1).close());
            double[] a = acc.computeIfAbsent(day, d -> new double[2]);
            a[0] += r * r;
            a[1] += 1;
        }
        Map<LocalDate, Double> rv = new HashMap<>();
        acc.forEach((day, a) -> {
            if (a[1] >= MIN_HOURS) {
                rv.put(day, a[0]);
            }
        });
        return rv;
    }
}
