package io.ballast.ml.data;

import io.ballast.ml.proxy.RealizedVariance;
import io.ballast.ml.proxy.VarianceProxies;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Daily bars aligned with their returns and variance proxies, ready for the models. Index i is the UTC day
 * {@code date(i)}; everything at index i is known at the close of that day.
 *
 * <p>Conventions: {@code logReturn(i) = ln(close_i / close_{i-1})}; {@code spanDays(i)} is the number of calendar days
 * that return covers (1 normally, k + 1 after k missing days). {@code squaredReturn(i) = logReturn(i)^2 / spanDays(i)}
 * is the per-day variance of that return (gap policy: returns across a gap span it and are scaled, nothing is filled).
 * {@code proxy(i)} is the target variance proxy of day i (daily log-return units): hourly realized variance when hourly
 * bars are given, Garman-Klass otherwise.
 *
 * <p>The first {@link #LISTING_DAYS_DROPPED} bars of the input are dropped (listing-week auction wicks, SOURCES.md);
 * the last dropped bar still provides the first return.
 */
public final class DailySeries {

    /** Bars dropped at the start of every asset's history. */
    public static final int LISTING_DAYS_DROPPED = 7;

    /**
     * Downside semivariance of day i: sum of squared negative hourly returns; without hourly bars, Garman-Klass on a
     * down day and half Rogers-Satchell otherwise.
     */
    public double downsideVariance(int i) {
        return intraday[0][i];
    }

    /** Variance rate of the last 6 hours of day i (times 4, daily units); Garman-Klass without hourly bars. */
    public double recentVariance(int i) {
        return intraday[1][i];
    }

    /** Bipower variation of day i (jump-robust variance, daily units); Garman-Klass without hourly bars. */
    public double bipowerVariance(int i) {
        return intraday[2][i];
    }

    /** Name of the target proxy when hourly realized variance is used. */
    public static final String PROXY_RV = "RV_1h";
    /** Name of the target proxy when only daily bars are available. */
    public static final String PROXY_GK = "GarmanKlass";

    private final LocalDate[] dates;
    private final double[] open;
    private final double[] high;
    private final double[] low;
    private final double[] close;
    private final double[] volume;
    private final double[] logReturn;
    private final int[] spanDays;
    private final double[] proxy;
    private final double[][] intraday;
    private final String proxyName;
    private final int proxyFilled;
    private final int rangeProxyTail;
    private final double[] impliedVariance;
    private final int impliedCarried;

    private DailySeries(LocalDate[] dates, double[] open, double[] high, double[] low, double[] close, double[] volume,
            double[] logReturn, int[] spanDays, double[] proxy, double[][] intraday, String proxyName, int proxyFilled,
            int rangeProxyTail, double[] impliedVariance, int impliedCarried) {
        this.dates = dates;
        this.open = open;
        this.high = high;
        this.low = low;
        this.close = close;
        this.volume = volume;
        this.logReturn = logReturn;
        this.spanDays = spanDays;
        this.proxy = proxy;
        this.intraday = intraday;
        this.proxyName = proxyName;
        this.proxyFilled = proxyFilled;
        this.rangeProxyTail = rangeProxyTail;
        this.impliedVariance = impliedVariance;
        this.impliedCarried = impliedCarried;
    }

    /**
     * Oldest implied volatility value a day may use (calendar days before the day): a day without its own index value
     * takes the latest value known at its close when that value is at most this old (the DVOL file has gaps of at
     * most 3 days, SOURCES.md), counted by {@link #impliedCarriedDays()}; older or none: no implied volatility that day.
     */
    public static final int MAX_IMPLIED_AGE_DAYS = 3;

    /**
     * The same series with an implied volatility index attached (a feature input, never the target). Day i gets the
     * implied daily variance of the latest index day d with {@code d <= date(i)} and {@code date(i) - d <=}
     * {@link #MAX_IMPLIED_AGE_DAYS} (a DVOL day is known at its end, the moment of the daily close); otherwise NaN.
     *
     * @param implied ascending index days of the same asset (e.g. {@link MarketData#readImpliedVol})
     * @return a new series; this one is unchanged
     */
    public DailySeries withImpliedVol(List<ImpliedVolDay> implied) {
        ImpliedVolDay.Aligned a = ImpliedVolDay.align(implied, dates, MAX_IMPLIED_AGE_DAYS);
        return new DailySeries(dates, open, high, low, close, volume, logReturn, spanDays, proxy, intraday, proxyName,
                proxyFilled, rangeProxyTail, a.variance(), a.carried());
    }

    /** True when an implied volatility index is attached ({@link #withImpliedVol}). */
    public boolean hasImpliedVol() {
        return impliedVariance != null;
    }

    /**
     * Implied daily variance known at the close of day i (daily log-return units, the index's 30-day implied
     * volatility squared over 365); NaN when the day has none or no index is attached.
     */
    public double impliedVariance(int i) {
        return impliedVariance == null ? Double.NaN : impliedVariance[i];
    }

    /** Days whose implied variance is an earlier day's value (at most {@link #MAX_IMPLIED_AGE_DAYS} old). */
    public int impliedCarriedDays() {
        return impliedCarried;
    }

    /** Days with an implied variance ({@link #impliedVariance(int)} not NaN); 0 without an index. */
    public int impliedDays() {
        int n = 0;
        for (int i = 0; impliedVariance != null && i < impliedVariance.length; i++) {
            n += Double.isNaN(impliedVariance[i]) ? 0 : 1;
        }
        return n;
    }

    /**
     * Last day whose implied variance is known, or {@code null} when none; a forecast made after it has no implied
     * volatility.
     */
    public LocalDate lastImpliedDay() {
        for (int i = dates.length - 1; impliedVariance != null && i >= 0; i--) {
            if (!Double.isNaN(impliedVariance[i])) {
                return dates[i];
            }
        }
        return null;
    }

    /**
     * Builds the series from daily bars only; the proxy is Garman-Klass.
     *
     * @param bars ascending daily bars, more than {@link #LISTING_DAYS_DROPPED} + 1 of them
     */
    public static DailySeries of(List<DailyBar> bars) {
        return of(bars, null);
    }

    /**
     * Builds the series; with hourly bars the proxy is hourly realized variance and the series is cut to the days
     * between the first and the last day that have RV; the few interior days without RV (exchange outages) take the
     * Garman-Klass value, counted by {@link #proxyFilledDays()}.
     *
     * @param bars   ascending daily bars
     * @param hourly ascending hourly bars of the same asset, or {@code null}
     */
    public static DailySeries of(List<DailyBar> bars, List<HourlyBar> hourly) {
        return of(bars, hourly, false);
    }

    /**
     * Builds the series up to the newest daily bar, for a forecast made today: like {@link #of(List, List)}, but the
     * daily bars after the last day with hourly bars are kept, their proxy and intraday features taken from the range
     * estimators (Garman-Klass, Rogers-Satchell) as for days without hourly bars; {@link #rangeProxyTailDays()} counts
     * them. Not for evaluation or training, whose target must be one proxy throughout.
     *
     * @param bars   ascending daily bars
     * @param hourly ascending hourly bars of the same asset, or {@code null}
     */
    public static DailySeries toNewestBar(List<DailyBar> bars, List<HourlyBar> hourly) {
        return of(bars, hourly, true);
    }

    private static DailySeries of(List<DailyBar> bars, List<HourlyBar> hourly, boolean keepTail) {
        int first = LISTING_DAYS_DROPPED;
        int last = bars.size() - 1;
        int tail = 0;
        Map<LocalDate, RealizedVariance.DayStats> rv = hourly == null ? null : RealizedVariance.dailyStats(hourly);
        if (rv != null) {
            while (first <= last && !rv.containsKey(bars.get(first).date())) {
                first++;
            }
            int lastRv = last;
            while (lastRv >= first && !rv.containsKey(bars.get(lastRv).date())) {
                lastRv--;
            }
            if (keepTail && lastRv >= first) {
                tail = last - lastRv;
            } else {
                last = lastRv;
            }
        }
        int n = last - first + 1;
        if (n < 2) {
            throw new IllegalArgumentException("too few daily bars after dropping the listing week"
                    + (rv != null ? " and aligning with hourly RV" : "") + ": " + n);
        }
        LocalDate[] dates = new LocalDate[n];
        double[] o = new double[n];
        double[] h = new double[n];
        double[] l = new double[n];
        double[] c = new double[n];
        double[] v = new double[n];
        double[] ret = new double[n];
        int[] span = new int[n];
        double[] proxy = new double[n];
        double[][] intraday = new double[3][n];
        int filled = 0;
        for (int k = 0; k < n; k++) {
            DailyBar b = bars.get(first + k);
            DailyBar prev = bars.get(first + k - 1);
            dates[k] = b.date();
            o[k] = b.open();
            h[k] = b.high();
            l[k] = b.low();
            c[k] = b.close();
            v[k] = b.volume();
            ret[k] = Math.log(b.close() / prev.close());
            span[k] = (int) ChronoUnit.DAYS.between(prev.date(), b.date());
            if (span[k] < 1) {
                throw new IllegalArgumentException("daily bars not strictly ascending at " + b.date());
            }
            double gk = VarianceProxies.garmanKlass(b.open(), b.high(), b.low(), b.close());
            RealizedVariance.DayStats st = rv == null ? null : rv.get(b.date());
            if (st == null) {
                filled += rv == null || k >= n - tail ? 0 : 1;
                double down = b.close() < b.open() ? gk : VarianceProxies.rogersSatchell(b.open(), b.high(), b.low(), b.close()) / 2;
                proxy[k] = gk;
                intraday[0][k] = down;
                intraday[1][k] = gk;
                intraday[2][k] = gk;
            } else {
                proxy[k] = st.rv();
                intraday[0][k] = st.rvDown();
                intraday[1][k] = st.rvRecent();
                intraday[2][k] = st.bipower();
            }
        }
        floorProxy(proxy);
        for (double[] x : intraday) {
            floorProxy(x);
        }
        return new DailySeries(dates, o, h, l, c, v, ret, span, proxy, intraday, rv == null ? PROXY_GK : PROXY_RV, filled,
                tail, null, 0);
    }

    /** Replaces exact zeros (flat days) by the smallest positive proxy value, so that logs and QLIKE stay finite. */
    private static void floorProxy(double[] proxy) {
        double min = Arrays.stream(proxy).filter(x -> x > 0).min().orElse(1e-12);
        for (int i = 0; i < proxy.length; i++) {
            if (!(proxy[i] > 0)) {
                proxy[i] = min;
            }
        }
    }

    /** Number of days. */
    public int size() {
        return dates.length;
    }

    /** UTC day of index i. */
    public LocalDate date(int i) {
        return dates[i];
    }

    /** Open price of day i. */
    public double open(int i) {
        return open[i];
    }

    /** High price of day i. */
    public double high(int i) {
        return high[i];
    }

    /** Low price of day i. */
    public double low(int i) {
        return low[i];
    }

    /** Close price of day i. */
    public double close(int i) {
        return close[i];
    }

    /** Volume of day i in base-asset units. */
    public double volume(int i) {
        return volume[i];
    }

    /** Log return from the previous bar's close to close i (spans {@link #spanDays(int)} days). */
    public double logReturn(int i) {
        return logReturn[i];
    }

    /** Calendar days covered by {@link #logReturn(int)}. */
    public int spanDays(int i) {
        return spanDays[i];
    }

    /** Per-day variance of return i: {@code logReturn(i)^2 / spanDays(i)}. */
    public double squaredReturn(int i) {
        return logReturn[i] * logReturn[i] / spanDays[i];
    }

    /** Target variance proxy of day i (daily log-return units, > 0). */
    public double proxy(int i) {
        return proxy[i];
    }

    /** Name of the target proxy: {@link #PROXY_RV} or {@link #PROXY_GK}. */
    public String proxyName() {
        return proxyName;
    }

    /** Days inside the RV range that had no RV and took the Garman-Klass value (0 without hourly data). */
    public int proxyFilledDays() {
        return proxyFilled;
    }

    /**
     * Days at the end of a {@link #toNewestBar} series after the last day with hourly bars, whose proxy and intraday
     * features are range estimators; 0 for every other series.
     */
    public int rangeProxyTailDays() {
        return rangeProxyTail;
    }

    /** Realized target at forecast index i: sum of {@code proxy(i+1..i+h)}; NaN when the future is not in the data. */
    public double realized(int i, int h) {
        if (i + h >= dates.length) {
            return Double.NaN;
        }
        double s = 0;
        for (int k = 1; k <= h; k++) {
            s += proxy[i + k];
        }
        return s;
    }

    /** First index whose date is on or after {@code day}; {@link #size()} when none. */
    public int indexOnOrAfter(LocalDate day) {
        int i = Arrays.binarySearch(dates, day);
        return i >= 0 ? i : -i - 1;
    }

    /** Copies of the open, high, low and close prices of days {@code [0, to)}, in that order. */
    public double[][] ohlc(int to) {
        return new double[][] {Arrays.copyOf(open, to), Arrays.copyOf(high, to), Arrays.copyOf(low, to), Arrays.copyOf(close, to)};
    }
}
