package io.ballast.ml.features;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.proxy.VarianceProxies;
import java.util.Arrays;

/**
 * Builds the ML feature vector of day t from data at indices {@code <= t} only (no look-ahead; proven by
 * {@code NoLookAheadTest}). Features (all variances in daily log-return units, logs natural):
 * <ul>
 *   <li>{@code lp_1, lp_7, lp_30}: log of the target proxy (hourly RV or Garman-Klass) and of its 7- and 30-day means (HAR lags);</li>
 *   <li>{@code lpark_1, lrs_7, lyz_30}: log Parkinson of day t, log mean Rogers-Satchell over 7 days, log Yang-Zhang over 30 days;</li>
 *   <li>{@code r_1, rneg_1, r_7}: signed log return of day t, its negative part (leverage effect), 7-day cumulative return;</li>
 *   <li>{@code lvolu_rel}: log of volume over its 30-day mean;</li>
 *   <li>{@code lewma}: log EWMA(0.94) of squared returns started from the first squared return of the series;</li>
 *   <li>{@code ldown_1, ldown_7}: log downside semivariance of day t and its 7-day mean (hourly; daily fallback);</li>
 *   <li>{@code lrecent_1}: log variance rate of the last 6 hours of day t; {@code ljump_1}: log(RV / bipower), the jump share.</li>
 * </ul>
 * Only when the series carries an implied volatility index ({@link DailySeries#hasImpliedVol()}, BTC DVOL), two more
 * columns follow ({@link #IMPLIED_NAMES}):
 * <ul>
 *   <li>{@code liv_rel}: log of the implied daily variance known at the close of day t over the 30-day mean proxy
 *       (the variance risk premium in logs); 0 on a day without implied volatility;</li>
 *   <li>{@code iv_known}: 1 on a day with implied volatility, 0 without (so a linear model's intercept absorbs the
 *       level shift, and a model fitted before the index existed learns nothing from it).</li>
 * </ul>
 * A series without an index gives exactly the 15 columns of v1, so nothing changes for it.
 */
public final class FeatureBuilder {

    /** Feature names, in vector order. */
    public static final String[] NAMES = {"lp_1", "lp_7", "lp_30", "lpark_1", "lrs_7", "lyz_30", "r_1", "rneg_1", "r_7",
        "lvolu_rel", "lewma", "ldown_1", "ldown_7", "lrecent_1", "ljump_1"};
    /** The implied volatility columns appended after {@link #NAMES} when the series has an index. */
    public static final String[] IMPLIED_NAMES = {"liv_rel", "iv_known"};
    /** First index with a complete feature vector (30-day windows plus the previous close for Yang-Zhang). */
    public static final int FIRST_ROW = 30;

    private static final double FLOOR = 1e-10;

    private FeatureBuilder() {
    }

    /** The feature names of a row of {@code width} columns: {@link #NAMES}, or {@link #NAMES} then {@link #IMPLIED_NAMES}. */
    public static String[] names(int width) {
        if (width == NAMES.length) {
            return NAMES.clone();
        }
        if (width == NAMES.length + IMPLIED_NAMES.length) {
            String[] all = Arrays.copyOf(NAMES, width);
            System.arraycopy(IMPLIED_NAMES, 0, all, NAMES.length, IMPLIED_NAMES.length);
            return all;
        }
        throw new IllegalArgumentException("a feature row has " + NAMES.length + " or "
                + (NAMES.length + IMPLIED_NAMES.length) + " columns, not " + width);
    }

    /**
     * Feature matrix for rows {@code 0..to-1}; rows below {@link #FIRST_ROW} are {@code null}.
     *
     * @param s  data
     * @param to one past the last row
     */
    public static double[][] matrix(DailySeries s, int to) {
        double[][] x = new double[to][];
        double[][] ohlc = s.ohlc(to);
        double[] o = ohlc[0];
        double[] hi = ohlc[1];
        double[] lo = ohlc[2];
        double[] c = ohlc[3];
        double ewma = to > 0 ? s.squaredReturn(0) : 0;
        for (int t = 0; t < to; t++) {
            ewma = t == 0 ? ewma : 0.94 * ewma + 0.06 * s.squaredReturn(t);
            if (t < FIRST_ROW) {
                continue;
            }
            double p7 = 0;
            double p30 = 0;
            double rs7 = 0;
            double down7 = 0;
            double r7 = 0;
            double v30 = 0;
            for (int k = 0; k < 30; k++) {
                double p = s.proxy(t - k);
                p30 += p;
                v30 += s.volume(t - k);
                if (k < 7) {
                    p7 += p;
                    down7 += s.downsideVariance(t - k);
                    rs7 += VarianceProxies.rogersSatchell(o[t - k], hi[t - k], lo[t - k], c[t - k]);
                    r7 += s.logReturn(t - k);
                }
            }
            double r = s.logReturn(t);
            double vol = s.volume(t);
            double[] base = {
                log(s.proxy(t)), log(p7 / 7), log(p30 / 30),
                log(VarianceProxies.parkinson(hi[t], lo[t])), log(rs7 / 7), log(VarianceProxies.yangZhang(o, hi, lo, c, t, 30)),
                r, Math.min(r, 0), r7,
                v30 > 0 && vol > 0 ? Math.log(vol / (v30 / 30)) : 0.0,
                log(ewma),
                log(s.downsideVariance(t)), log(down7 / 7), log(s.recentVariance(t)),
                Math.max(-2, Math.min(2, log(s.proxy(t)) - log(s.bipowerVariance(t))))};
            x[t] = s.hasImpliedVol() ? withImplied(base, s.impliedVariance(t), p30 / 30) : base;
        }
        return x;
    }

    /** The base row followed by {@code liv_rel} and {@code iv_known}. */
    private static double[] withImplied(double[] base, double impliedVariance, double mean30) {
        double[] row = Arrays.copyOf(base, base.length + IMPLIED_NAMES.length);
        boolean known = !Double.isNaN(impliedVariance);
        row[base.length] = known ? log(impliedVariance) - log(mean30) : 0.0;
        row[base.length + 1] = known ? 1.0 : 0.0;
        return row;
    }

    private static double log(double v) {
        return Math.log(Math.max(v, FLOOR));
    }
}
