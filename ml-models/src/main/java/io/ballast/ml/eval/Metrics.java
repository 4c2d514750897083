package io.ballast.ml.eval;

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

    /** Diebold-Mariano result: HLN-corrected statistic and one-sided p-value {@code P(T_{n-1} <= stat)}. */
    public record DieboldMariano(double stat, double p) {
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
     * Diebold-Mariano test of equal predictive accuracy on loss differentials {@code d = L_A - L_B}: long-run variance by
     * Newey-West (Bartlett) with h-1 lags, Harvey-Leybourne-Newbold small-sample factor
     * {@code sqrt((n + 1 - 2h + h(h-1)/n) / n)}, Student-t with n-1 degrees of freedom. A negative statistic means A has
     * the lower loss; the p-value is one-sided for "A better than B".
     */
    public static DieboldMariano dieboldMariano(double[] d, int h) {
        int n = d.length;
        double m = mean(d);
        double lrv = 0;
        for (int i = 0; i < n; i++) {
            lrv += (d[i] - m) * (d[i] - m);
        }
        lrv /= n;
        for (int lag = 1; lag <= h - 1; lag++) {
            double g = 0;
            for (int i = lag; i < n; i++) {
                g += (d[i] - m) * (d[i - lag] - m);
            }
            g /= n;
            lrv += 2 * (1 - lag / (double) h) * g;
        }
        if (!(lrv > 0)) {
            lrv = Double.MIN_NORMAL;
        }
        double dm = m / Math.sqrt(lrv / n);
        double k = Math.sqrt((n + 1 - 2.0 * h + h * (h - 1.0) / n) / n);
        double stat = dm * k;
        return new DieboldMariano(stat, StudentT.cdf(stat, n - 1));
    }
}
