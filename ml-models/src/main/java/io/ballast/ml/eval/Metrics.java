package io.ballast.ml.eval;

import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Forecast losses and tests on variance (proxy p, forecast f, both in daily log-return variance units).
 * QLIKE {@code p/f - ln(p/f) - 1} and MSE {@code (p - f)^2} are Patton's (2011) robust losses.
 */
public final class Metrics {

    private Metrics() {
    }

    /** Mincer-Zarnowitz regression {@code p = a + b f + e} and its R^2. */
    public record MincerZarnowitz(double a, double b, double r2) {
    }

    /**
     * Diebold-Mariano result.
     *
     * @param stat HLN-corrected statistic
     * @param p    one-sided p-value {@code P(T_{n-1} <= stat)}
     * @param lags Newey-West lags of the long-run variance
     */
    public record DieboldMariano(double stat, double p, int lags) {
    }

    /** QLIKE loss of one forecast. */
    public static double qlike(double p, double f) {
        double q = p / f;
        return q - Math.log(q) - 1;
    }

    /** Squared error of one forecast. */
    public static double se(double p, double f) {
        return (p - f) * (p - f);
    }

    /** Mean of an array. */
    public static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** OLS of p on [1, f]. */
    public static MincerZarnowitz mincerZarnowitz(double[] p, double[] f) {
        double mf = mean(f);
        double mp = mean(p);
        double sff = 0;
        double sfp = 0;
        double spp = 0;
        for (int i = 0; i < p.length; i++) {
            sff += (f[i] - mf) * (f[i] - mf);
            sfp += (f[i] - mf) * (p[i] - mp);
            spp += (p[i] - mp) * (p[i] - mp);
        }
        double b = sfp / sff;
        double a = mp - b * mf;
        double r2 = sfp * sfp / (sff * spp);
        return new MincerZarnowitz(a, b, r2);
    }

    /**
     * Newey-West (1994) automatic lag for a Bartlett-kernel long-run variance of {@code d}: a pilot of
     * {@code n = floor(4 (T/100)^(2/9))} autocovariances gives {@code s0 = g0 + 2 sum g_j} and
     * {@code s1 = 2 sum j g_j}, {@code gamma = 1.1447 ((s1/s0)^2)^(1/3)} and the lag {@code floor(gamma T^(1/3))},
     * the convention of R's {@code sandwich::bwNeweyWest} without prewhitening, truncated to {@code T - 1}.
     *
     * @param d the series (for example loss differentials), at least 2 values
     * @return the lag L (0 when the pilot variance is not positive)
     */
    public static int neweyWestLag(double[] d) {
        int t = d.length;
        if (t < 2) {
            throw new IllegalArgumentException("need at least 2 values, got " + t);
        }
        int pilot = Math.min(t - 1, (int) Math.floor(4 * Math.pow(t / 100.0, 2.0 / 9.0)));
        double[] g = autocovariances(d, pilot);
        double s0 = g[0];
        double s1 = 0;
        for (int j = 1; j <= pilot; j++) {
            s0 += 2 * g[j];
            s1 += 2 * j * g[j];
        }
        if (!(s0 > 0)) {
            return 0;
        }
        double gamma = 1.1447 * Math.cbrt((s1 / s0) * (s1 / s0));
        return (int) Math.min(t - 1, Math.floor(gamma * Math.cbrt(t)));
    }

    /**
     * Newey-West (1987) long-run variance of {@code d} with Bartlett weights {@code 1 - j/(L+1)}:
     * {@code g0 + 2 sum_{j=1..L} (1 - j/(L+1)) g_j}, {@code g_j = (1/T) sum_t (d_t - mean)(d_{t-j} - mean)}.
     *
     * @param d    the series
     * @param lags L, 0 .. T-1
     * @return the long-run variance (variance of the mean times T)
     */
    public static double neweyWestVariance(double[] d, int lags) {
        if (lags < 0 || lags >= d.length) {
            throw new IllegalArgumentException("lags must be 0.." + (d.length - 1) + ": " + lags);
        }
        double[] g = autocovariances(d, lags);
        double lrv = g[0];
        for (int j = 1; j <= lags; j++) {
            lrv += 2 * (1 - j / (lags + 1.0)) * g[j];
        }
        return lrv;
    }

    /** Sample autocovariances {@code g_0 .. g_maxLag}, each divided by T. */
    private static double[] autocovariances(double[] d, int maxLag) {
        int n = d.length;
        double m = mean(d);
        double[] g = new double[maxLag + 1];
        for (int j = 0; j <= maxLag; j++) {
            double s = 0;
            for (int i = j; i < n; i++) {
                s += (d[i] - m) * (d[i - j] - m);
            }
            g[j] = s / n;
        }
        return g;
    }

    /**
     * Diebold-Mariano test of equal predictive accuracy on loss differentials {@code d = L_A - L_B}: long-run variance
     * by Newey-West (Bartlett) with {@code max(h - 1, L_auto)} lags, {@code L_auto} the Newey-West (1994) automatic
     * lag ({@link #neweyWestLag}), so that both the overlap of h-day targets and the autocorrelation of the losses of
     * persistent variance forecasts (present at h = 1 too) are counted; Harvey-Leybourne-Newbold small-sample factor
     * {@code sqrt((n + 1 - 2h + h(h-1)/n) / n)}; Student-t with n-1 degrees of freedom (Hipparchus). A negative
     * statistic means A has the lower loss; the p-value is one-sided for "A better than B".
     */
    public static DieboldMariano dieboldMariano(double[] d, int h) {
        return dieboldMariano(d, h, Math.max(h - 1, neweyWestLag(d)));
    }

    /** {@link #dieboldMariano(double[], int)} with a given number of Newey-West lags. */
    public static DieboldMariano dieboldMariano(double[] d, int h, int lags) {
        int n = d.length;
        double lrv = neweyWestVariance(d, Math.min(lags, n - 1));
        if (!(lrv > 0)) {
            lrv = Double.MIN_NORMAL;
        }
        double dm = mean(d) / Math.sqrt(lrv / n);
        double k = Math.sqrt((n + 1 - 2.0 * h + h * (h - 1.0) / n) / n);
        double stat = dm * k;
        return new DieboldMariano(stat, TDistribution.of(n - 1).cumulativeProbability(stat), Math.min(lags, n - 1));
    }
}
