package io.ballast.ml.ml;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.model.Progress;
import io.ballast.ml.model.WalkForwardModel;
import java.util.List;
import java.util.Locale;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.SingularValueDecomposition;

/**
 * Model "OLS": a plain ordinary least squares of the log h-day variance on an intercept and every
 * {@link FeatureBuilder} feature, walked forward and calibrated exactly like the Tribuo models
 * ({@link TribuoForecaster}): refitted every {@link TribuoForecaster#REFIT_DAYS} days on the rows whose target is
 * complete, the log forecast clamped to the range of the training targets, and Duan's smearing from the same
 * calibration block. It is the linear reference that tells how much of an ML model's gain is the features and how much
 * the learner; evaluation only (not a champion candidate, not registered). Least squares by Hipparchus' singular value
 * decomposition (minimum-norm solution, so features that coincide on daily-only data do not make it fail).
 *
 * <p>Model "HARX" ({@link #harX()}) is the same estimator on the three HAR lags and the implied volatility columns
 * only ({@code lp_1, lp_7, lp_30, liv_rel, iv_known}): HAR plus the implied term, for a series with an implied
 * volatility index (BTC DVOL); it refuses a series without one. Evaluation only, like OLS. Before the index exists
 * its two columns are 0 in every training row and the minimum-norm solution gives them no weight.
 */
public final class OlsForecaster implements WalkForwardModel {

    /** Column indices of the feature matrix HARX uses: the HAR lags and the two implied volatility columns. */
    static final int[] HARX_COLUMNS = {0, 1, 2, FeatureBuilder.NAMES.length, FeatureBuilder.NAMES.length + 1};

    private final String name;
    private final int[] columns;

    /** Model "OLS": every feature. */
    public OlsForecaster() {
        this("OLS", null);
    }

    private OlsForecaster(String name, int[] columns) {
        this.name = name;
        this.columns = columns;
    }

    /** Model "HARX": HAR lags plus the implied volatility columns. */
    public static OlsForecaster harX() {
        return new OlsForecaster("HARX", HARX_COLUMNS);
    }

    /**
     * A frozen fit.
     *
     * @param beta    coefficients on {@code [1, features]}
     * @param range   smallest and largest training target (log variance): the clamp of the log forecast
     * @param biasLog Duan smearing added to the clamped log forecast
     */
    public record Fit(double[] beta, double[] range, double biasLog) {

        /** Clamped log forecasts (before the smearing) of the feature rows. */
        public double[] predictLog(List<double[]> rows) {
            double[] out = new double[rows.size()];
            for (int i = 0; i < out.length; i++) {
                double[] r = rows.get(i);
                double f = beta[0];
                for (int j = 0; j < r.length; j++) {
                    f += beta[j + 1] * r[j];
                }
                out[i] = clamp(f, range);
            }
            return out;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double[] forecast(DailySeries s, int h, int from, int to, Progress progress) {
        if (columns != null && !s.hasImpliedVol()) {
            throw new IllegalArgumentException(name + " needs an implied volatility index (a DVOL file); the series has none");
        }
        double[][] x = select(FeatureBuilder.matrix(s, to), columns);
        double[] out = new double[to - from];
        for (int r = from; r < to; r += TribuoForecaster.REFIT_DAYS) {
            Fit m = fit(s, x, h, r - h + 1);
            int end = Math.min(to, r + TribuoForecaster.REFIT_DAYS);
            double[] l = m.predictLog(TribuoForecaster.rows(x, r, end));
            for (int i = 0; i < l.length; i++) {
                out[r - from + i] = Math.exp(l[i] + m.biasLog());
            }
            if (((r - from) / TribuoForecaster.REFIT_DAYS) % 12 == 0) {
                progress.report(String.format(Locale.ROOT, "  %s h=%d refit at %s (bias %.3f)", name, h, s.date(r),
                        m.biasLog()));
            }
        }
        return out;
    }

    /** The given columns of every non-null row (all of them when {@code columns} is null). */
    static double[][] select(double[][] x, int[] columns) {
        if (columns == null) {
            return x;
        }
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            if (x[t] != null) {
                out[t] = new double[columns.length];
                for (int j = 0; j < columns.length; j++) {
                    out[t][j] = x[t][columns[j]];
                }
            }
        }
        return out;
    }

    /** Fits on rows {@code [FIRST_ROW, trainEnd)} with the smearing of {@link TribuoForecaster#fit}'s block; a model used from index i takes {@code trainEnd = i - h + 1}. */
    public static Fit fit(DailySeries s, double[][] x, int h, int trainEnd) {
        int first = FeatureBuilder.FIRST_ROW;
        int calStart = TribuoForecaster.calibrationStart(first, trainEnd, h, "OLS", s);
        Fit cal = train(s, x, h, first, calStart - h, 0);
        double[] p = cal.predictLog(TribuoForecaster.rows(x, calStart, trainEnd));
        return train(s, x, h, first, trainEnd, TribuoForecaster.smearing(s, h, calStart, trainEnd, p));
    }

    private static Fit train(DailySeries s, double[][] x, int h, int start, int end, double biasLog) {
        double[][] design = new double[end - start][];
        double[] y = new double[end - start];
        for (int t = start; t < end; t++) {
            double[] row = new double[x[t].length + 1];
            row[0] = 1;
            System.arraycopy(x[t], 0, row, 1, x[t].length);
            design[t - start] = row;
            y[t - start] = Math.log(s.realized(t, h));
        }
        return new Fit(leastSquares(design, y), range(y), biasLog);
    }

    /** Least squares coefficients of y on the columns of x (minimum-norm, Hipparchus SVD). */
    public static double[] leastSquares(double[][] x, double[] y) {
        return new SingularValueDecomposition(new Array2DRowRealMatrix(x, false)).getSolver()
                .solve(new ArrayRealVector(y, false)).toArray();
    }

    /** {@code [min, max]} of the values. */
    static double[] range(double[] y) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : y) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new double[] {lo, hi};
    }

    /** The value clamped to {@code [range[0], range[1]]}. */
    static double clamp(double v, double[] range) {
        return Math.max(range[0], Math.min(range[1], v));
    }
}
