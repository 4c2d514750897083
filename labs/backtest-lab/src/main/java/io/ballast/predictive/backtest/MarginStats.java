package io.ballast.predictive.backtest;

import java.util.Arrays;

/**
 * Capital-efficiency and procyclicality statistics of a margin series (risk-methodology.md section 5).
 */
public final class MarginStats {

    private MarginStats() {
    }

    /** @param m margins @return their arithmetic mean */
    public static double mean(double[] m) {
        double s = 0;
        for (double v : m) {
            s += v;
        }
        return s / m.length;
    }

    /** @param m margins @return their median */
    public static double median(double[] m) {
        double[] c = m.clone();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    }

    /** @param m margins, positive @return max / min */
    public static double peakToTrough(double[] m) {
        double hi = Double.NEGATIVE_INFINITY;
        double lo = Double.POSITIVE_INFINITY;
        for (double v : m) {
            hi = Math.max(hi, v);
            lo = Math.min(lo, v);
        }
        return hi / lo;
    }

    /**
     * The largest n-day margin increase, max over t of m[t] / m[t - n] (1 when the series never rises).
     *
     * @param m margins, positive, one per day
     * @param n lag in days
     * @return the ratio
     */
    public static double maxIncrease(double[] m, int n) {
        double best = 1.0;
        for (int t = n; t < m.length; t++) {
            best = Math.max(best, m[t] / m[t - n]);
        }
        return best;
    }

    /**
     * The smallest static fraction with at most {@code exceptions} exceptions over the same days: the
     * (exceptions + 1)-th largest absolute move (an exception is a move strictly above the margin).
     *
     * @param absMoves absolute relative moves over the MPOR, one per day
     * @param exceptions the exception count to match
     * @return the static-equivalent fraction (0 when exceptions >= days)
     */
    public static double staticEquivalent(double[] absMoves, int exceptions) {
        if (exceptions >= absMoves.length) {
            return 0.0;
        }
        double[] c = absMoves.clone();
        Arrays.sort(c);
        return c[c.length - 1 - exceptions];
    }
}
