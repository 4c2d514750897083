package io.ballast.ml.model;

import io.ballast.ml.data.DailySeries;
import org.hipparchus.exception.MathIllegalArgumentException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.LUDecomposition;

/**
 * HAR-RV (Corsi 2009) with 1/7/30-day lags of the variance proxy, fitted by OLS on the expanding window and refitted
 * every day. Regressors at day t: {@code RV_t}, {@code mean(RV_{t-6..t})}, {@code mean(RV_{t-29..t})}; target: the
 * h-day sum {@code RV_{t+1} + .. + RV_{t+h}} (direct regression, no iteration).
 *
 * <p>{@code log = true} (model "HAR"): regressors and target in logs, calibrated exactly like the ML models
 * ({@code io.ballast.ml.ml.TribuoForecaster}): the log forecast {@code x'b} is clamped to the range of the training
 * targets, and the forecast is {@code exp(clamped + biasLog)} with {@code biasLog = ln mean(exp(y_t - xhat_t))}
 * over a calibration block of the last {@link #CALIBRATION_DAYS} training rows (a third of them when that is shorter)
 * predicted by a fit on the rows before the block, purged by h (Duan's smearing on recent out-of-sample residuals,
 * not the full-window {@code s2/2} of v1). {@code log = false} ("HAR_LEVEL"): levels, the forecast floored at the
 * smallest target seen in training. The normal equations are solved with Hipparchus' LU decomposition.
 *
 * <p>A training row t enters the fit at forecast index i only when its target is complete, i.e. {@code t + h <= i}.
 */
public final class Har implements WalkForwardModel {

    /** Calibration block of the log model's smearing (rows): the ML models' {@code CALIBRATION_DAYS}. */
    public static final int CALIBRATION_DAYS = 365;
    /** First training row (the 30-day lag needs 29 earlier days). */
    static final int FIRST_ROW = 29;

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
     * @param residualVariance residual variance s2 of the fit (reported; v1's log-normal correction was s2/2)
     * @param minTarget   smallest target seen in training (level model: the floor of the forecast; log model: the
     *                    lower clamp of the log forecast)
     * @param maxTarget   largest target seen in training (log model: the upper clamp of the log forecast)
     * @param biasLog     log model: the smearing added to the clamped log forecast
     * @param rows        training rows used
     */
    public record Fit(boolean log, int horizonDays, double[] beta, double residualVariance, double minTarget,
            double maxTarget, double biasLog, long rows) {

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
            return log ? Math.exp(Math.max(minTarget, Math.min(maxTarget, f)) + biasLog) : Math.max(f, minTarget);
        }
    }

    /** Running sums of the normal equations over the training rows added so far. */
    private final class Sums {
        private final double[][] xtx = new double[K][K];
        private final double[] xty = new double[K];
        private double yty;
        private long rows;
        private double minY = Double.POSITIVE_INFINITY;
        private double maxY = Double.NEGATIVE_INFINITY;
        private int nextRow = FIRST_ROW;

        /** Adds every row whose target is complete at index i. */
        void advanceTo(DailySeries s, int h, int i) {
            addRowsBefore(s, h, i - h + 1);
            if (rows <= K) {
                throw new IllegalArgumentException("HAR needs more than " + K + " training rows before " + s.date(i));
            }
        }

        /** Adds the training rows up to (excluding) {@code end}. */
        void addRowsBefore(DailySeries s, int h, int end) {
            while (nextRow < end) {
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
                maxY = Math.max(maxY, y);
                rows++;
                nextRow++;
            }
        }

        double[] beta() {
            if (rows <= K) {
                throw new IllegalArgumentException("HAR needs more than " + K + " training rows");
            }
            return solve(xtx, xty);
        }

        Fit fit(int h, double biasLog) {
            double[] b = beta();
            double sse = yty - 2 * dot(b, xty) + quad(xtx, b);
            return new Fit(log, h, b, Math.max(0, sse / (rows - K)), minY, log ? maxY : Double.POSITIVE_INFINITY,
                    biasLog, rows);
        }
    }

    /**
     * The walk-forward state: the sums of every training row and, for the log model, those of the calibration fit
     * (rows before the calibration block, purged by h). Both only ever grow, so a day costs a block of dot products.
     */
    private final class Walk {
        private final Sums all = new Sums();
        private final Sums cal = new Sums();
        private final DailySeries s;
        private final int h;

        Walk(DailySeries s, int h) {
            this.s = s;
            this.h = h;
        }

        /** The model used from index i: rows with {@code t + h <= i}, i.e. {@code [FIRST_ROW, i - h + 1)}. */
        Fit at(int i) {
            all.advanceTo(s, h, i);
            if (!log) {
                return all.fit(h, 0);
            }
            int trainEnd = i - h + 1;
            int calDays = Math.min(CALIBRATION_DAYS, (trainEnd - FIRST_ROW - h) / 3);
            int calStart = trainEnd - calDays;
            cal.addRowsBefore(s, h, calStart - h);
            if (calDays < 5 || cal.rows <= K) {
                throw new IllegalArgumentException("HAR needs more history to calibrate before " + s.date(i));
            }
            double[] b = cal.beta();
            double smear = 0;
            for (int t = calStart; t < trainEnd; t++) {
                double p = Math.max(cal.minY, Math.min(cal.maxY, dot(b, regressors(s, t))));
                smear += Math.exp(target(s, t, h) - p) / calDays;
            }
            return all.fit(h, Math.log(smear));
        }
    }

    /** Fits the coefficients on the rows whose target is complete at index {@code i} (no look-ahead). */
    public Fit fit(DailySeries s, int h, int i) {
        return new Walk(s, h).at(i);
    }

    @Override
    public double[] forecast(DailySeries s, int h, int from, int to, Progress progress) {
        Walk walk = new Walk(s, h);
        double[] out = new double[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = walk.at(i).forecast(s, i);
        }
        return out;
    }

    /** Solves the normal equations {@code A x = b} (Hipparchus LU with partial pivoting). */
    private static double[] solve(double[][] a, double[] b) {
        try {
            return new LUDecomposition(new Array2DRowRealMatrix(a), 1e-300).getSolver()
                    .solve(new ArrayRealVector(b)).toArray();
        } catch (MathIllegalArgumentException e) {
            throw new IllegalArgumentException("singular normal equations", e);
        }
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
