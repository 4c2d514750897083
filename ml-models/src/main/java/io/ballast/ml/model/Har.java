package io.ballast.ml.model;

import io.ballast.ml.data.DailySeries;

/**
 * HAR-RV (Corsi 2009) with 1/7/30-day lags of the variance proxy, fitted by OLS on the expanding window and refitted
 * every day. Regressors at day t: {@code RV_t}, {@code mean(RV_{t-6..t})}, {@code mean(RV_{t-29..t})}; target: the
 * h-day sum {@code RV_{t+1} + .. + RV_{t+h}} (direct regression, no iteration).
 *
 * <p>{@code log = true} (model "HAR"): regressors and target in logs; the forecast is {@code exp(x'b + s2/2)}, s2 the
 * residual variance of the fit (log-normal bias correction). {@code log = false} ("HAR_LEVEL"): levels, the forecast
 * floored at the smallest target seen in training.
 *
 * <p>A training row t enters the fit at forecast index i only when its target is complete, i.e. {@code t + h <= i}.
 */
public final class Har implements WalkForwardModel {

    /** Short, medium and long lag windows in days (crypto trades 7 days a week). */
    public static final int[] LAGS = {1, 7, 30};
    private static final int K = 4;

    private final boolean log;

    /** @param log fit on log variance (true) or on levels (false) */
    public Har(boolean log) {
        this.log = log;
    }

    @Override
    public String name() {
        return log ? "HAR" : "HAR_LEVEL";
    }

    /** HAR regressors at index t (t >= 29): {@code [1, RV_t, mean7, mean30]}, in logs when fitted on logs. */
    public double[] regressors(DailySeries s, int t) {
        double d = s.proxy(t);
        double w = 0;
        double m = 0;
        for (int k = 0; k < LAGS[2]; k++) {
            double v = s.proxy(t - k);
            m += v;
            if (k < LAGS[1]) {
                w += v;
            }
        }
        w /= LAGS[1];
        m /= LAGS[2];
        return log ? new double[] {1, Math.log(d), Math.log(w), Math.log(m)} : new double[] {1, d, w, m};
    }

    /** Regression target at row t: the h-day sum of the proxy, in logs when fitted on logs. */
    public double target(DailySeries s, int t, int h) {
        double y = s.realized(t, h);
        return log ? Math.log(y) : y;
    }

    /**
     * HAR coefficients fitted on every training row whose target is complete at index {@code i}
     * ({@code t + h <= i}), frozen so that a forecast made later needs no refit.
     *
     * @param log         fitted on logs (model "HAR") or levels ("HAR_LEVEL")
     * @param horizonDays horizon h of the target (days)
     * @param beta        OLS coefficients on {@code [1, RV_t, mean7, mean30]}
     * @param residualVariance residual variance s2 of the fit (log model: the log-normal bias correction)
     * @param minTarget   smallest target seen in training (level model: the floor of the forecast)
     * @param rows        training rows used
     */
    public record Fit(boolean log, int horizonDays, double[] beta, double residualVariance, double minTarget,
            long rows) {

        /** Copies the coefficients and checks their count. */
        public Fit {
            if (beta.length != K) {
                throw new IllegalArgumentException("HAR has " + K + " coefficients, got " + beta.length);
            }
            beta = beta.clone();
        }

        /** The coefficients (a copy). */
        @Override
        public double[] beta() {
            return beta.clone();
        }

        /** Variance forecast (daily log-return units, h-day sum) made at the close of index {@code i}. */
        public double forecast(DailySeries s, int i) {
            double f = dot(beta, new Har(log).regressors(s, i));
            return log ? Math.exp(f + residualVariance / 2) : Math.max(f, minTarget);
        }
    }

    /** Running sums of the normal equations over the training rows added so far. */
    private final class Sums {
        private final double[][] xtx = new double[K][K];
        private final double[] xty = new double[K];
        private double yty;
        private long rows;
        private double minY = Double.POSITIVE_INFINITY;
        private int nextRow = LAGS[2] - 1;

        /** Adds every row whose target is complete at index i. */
        void advanceTo(DailySeries s, int h, int i) {
            while (nextRow + h <= i) {
                double[] x = regressors(s, nextRow);
                double y = target(s, nextRow, h);
                for (int a = 0; a < K; a++) {
                    xty[a] += x[a] * y;
                    for (int b = 0; b < K; b++) {
                        xtx[a][b] += x[a] * x[b];
                    }
                }
                yty += y * y;
                minY = Math.min(minY, y);
                rows++;
                nextRow++;
            }
            if (rows <= K) {
                throw new IllegalArgumentException("HAR needs more than " + K + " training rows before " + s.date(i));
            }
        }

        Fit fit(int h) {
            double[] b = Ols.solve(xtx, xty);
            double sse = yty - 2 * dot(b, xty) + quad(xtx, b);
            return new Fit(log, h, b, Math.max(0, sse / (rows - K)), minY, rows);
        }
    }

    /** Fits the coefficients on the rows whose target is complete at index {@code i} (no look-ahead). */
    public Fit fit(DailySeries s, int h, int i) {
        Sums sums = new Sums();
        sums.advanceTo(s, h, i);
        return sums.fit(h);
    }

    @Override
    public double[] forecast(DailySeries s, int h, int from, int to, Progress progress) {
        Sums sums = new Sums();
        double[] out = new double[to - from];
        for (int i = from; i < to; i++) {
            sums.advanceTo(s, h, i);
            out[i - from] = sums.fit(h).forecast(s, i);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double quad(double[][] m, double[] b) {
        double s = 0;
        for (int i = 0; i < b.length; i++) {
            for (int j = 0; j < b.length; j++) {
                s += b[i] * m[i][j] * b[j];
            }
        }
        return s;
    }
}
