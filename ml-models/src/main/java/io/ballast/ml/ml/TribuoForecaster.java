package io.ballast.ml.ml;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.model.Progress;
import io.ballast.ml.model.WalkForwardModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Walk-forward Tribuo forecaster of log h-day variance (target {@code ln sum_{k=1..h} proxy_{t+k}}), on the
 * {@link FeatureBuilder} features, expanding window, refitted every {@link #REFIT_DAYS} days.
 *
 * <p>Discipline (no look-ahead): at forecast index i the training rows are those whose target is complete,
 * {@code t + h <= i}. Hyperparameters are chosen once, at the first forecast index, from {@link MlConfig#grid} by QLIKE on an
 * inner validation block of {@link #VALIDATION_DAYS} rows that ends at the first forecast index, with the training rows
 * purged by h days before the block. The bias correction of every fit (Duan smearing, see {@link TrainedRegressor}) comes
 * from a calibration block of {@link #CALIBRATION_DAYS} rows at the end of its training window, predicted by a model
 * trained on the rows before it (purged by h).
 */
public final class TribuoForecaster implements WalkForwardModel {

    /** Refit interval (days). */
    public static final int REFIT_DAYS = 30;
    /** Inner validation block for hyperparameter tuning (rows). */
    public static final int VALIDATION_DAYS = 180;
    /** Calibration block for the bias correction (rows); a third of the training rows when that is shorter. */
    public static final int CALIBRATION_DAYS = 365;

    /** Tribuo logs every fit at INFO; the walk-forward reports its own progress instead. Held strongly so it sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = quiet();

    private final String kind;

    private static java.util.logging.Logger quiet() {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger("org.tribuo");
        l.setLevel(java.util.logging.Level.WARNING);
        return l;
    }

    /** @param kind "XGB", "CART" or "SGD" */
    public TribuoForecaster(String kind) {
        this.kind = kind.toUpperCase(Locale.ROOT);
        MlConfig.grid(this.kind);
    }

    @Override
    public String name() {
        return kind;
    }

    @Override
    public double[] forecast(DailySeries s, int h, int from, int to, Progress progress) {
        double[][] x = FeatureBuilder.matrix(s, to);
        MlConfig cfg = tune(s, x, h, from, progress);
        double[] out = new double[to - from];
        for (int r = from; r < to; r += REFIT_DAYS) {
            TrainedRegressor m = fit(cfg, s, x, h, r - h + 1);
            int end = Math.min(to, r + REFIT_DAYS);
            List<double[]> rows = new ArrayList<>();
            for (int i = r; i < end; i++) {
                rows.add(x[i]);
            }
            double[] v = m.predictVariance(rows);
            System.arraycopy(v, 0, out, r - from, v.length);
            if (((r - from) / REFIT_DAYS) % 12 == 0) {
                progress.report(String.format(Locale.ROOT, "  %s h=%d refit at %s (%d rows, bias %.3f)", kind, h, s.date(r),
                        r - h + 1 - FeatureBuilder.FIRST_ROW, m.biasLog()));
            }
        }
        return out;
    }

    /**
     * Picks the configuration with the lowest validation QLIKE on rows {@code [from - h + 1 - V, from - h + 1)} (targets
     * complete at {@code from}), models trained on rows before the block minus an h-day purge.
     */
    public MlConfig tune(DailySeries s, double[][] x, int h, int from, Progress progress) {
        int valEnd = from - h + 1;
        int valStart = valEnd - VALIDATION_DAYS;
        MlConfig best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (MlConfig c : MlConfig.grid(kind)) {
            TrainedRegressor m = fit(c, s, x, h, valStart - h);
            List<double[]> rows = new ArrayList<>();
            for (int t = valStart; t < valEnd; t++) {
                rows.add(x[t]);
            }
            double[] f = m.predictVariance(rows);
            double loss = 0;
            for (int t = valStart; t < valEnd; t++) {
                double q = s.realized(t, h) / f[t - valStart];
                loss += q - Math.log(q) - 1;
            }
            loss /= VALIDATION_DAYS;
            progress.report(String.format(Locale.ROOT, "  tune %s h=%d %-34s validation QLIKE %.6f", kind, h, c.describe(), loss));
            if (loss < bestLoss) {
                bestLoss = loss;
                best = c;
            }
        }
        return best;
    }

    /**
     * Fits on rows {@code [FIRST_ROW, trainEnd)} with the bias correction from the last {@link #CALIBRATION_DAYS} of them.
     * Every row t used must have its target complete before the forecast that uses the model: callers pass
     * {@code trainEnd = i - h + 1} for a model used from index i.
     */
    public static TrainedRegressor fit(MlConfig c, DailySeries s, double[][] x, int h, int trainEnd) {
        int first = FeatureBuilder.FIRST_ROW;
        int calStart = calibrationStart(first, trainEnd, h, c.kind(), s);
        TrainedRegressor cal = train(c, s, x, h, first, calStart - h);
        double[] p = cal.predictLog(rows(x, calStart, trainEnd));
        return train(c, s, x, h, first, trainEnd).withBias(smearing(s, h, calStart, trainEnd, p));
    }

    /**
     * First row of the calibration block of a fit on rows {@code [first, trainEnd)}: the last
     * {@link #CALIBRATION_DAYS} rows, or a third of them when that is shorter; at least 100 rows must remain for the
     * calibration fit (rows before the block, purged by h). Shared by every calibrated log model (Tribuo and OLS).
     *
     * @throws IllegalArgumentException when the history is too short
     */
    public static int calibrationStart(int first, int trainEnd, int h, String what, DailySeries s) {
        int calDays = Math.min(CALIBRATION_DAYS, (trainEnd - first - h) / 3);
        int calStart = trainEnd - calDays;
        if (calStart - h - first < 100) {
            throw new IllegalArgumentException("too little history to train " + what + " before " + s.date(trainEnd));
        }
        return calStart;
    }

    /**
     * Duan's smearing of a log model: {@code ln mean(exp(ln y_t - p_t))} over the calibration rows
     * {@code [calStart, trainEnd)}, {@code p} the log predictions of the calibration fit.
     */
    public static double smearing(DailySeries s, int h, int calStart, int trainEnd, double[] p) {
        int calDays = trainEnd - calStart;
        double smear = 0;
        for (int t = calStart; t < trainEnd; t++) {
            smear += Math.exp(Math.log(s.realized(t, h)) - p[t - calStart]) / calDays;
        }
        return Math.log(smear);
    }

    /** The feature rows {@code [from, to)}. */
    static List<double[]> rows(double[][] x, int from, int to) {
        List<double[]> rows = new ArrayList<>(to - from);
        for (int t = from; t < to; t++) {
            rows.add(x[t]);
        }
        return rows;
    }

    private static TrainedRegressor train(MlConfig c, DailySeries s, double[][] x, int h, int start, int end) {
        List<double[]> rows = new ArrayList<>(end - start);
        double[] y = new double[end - start];
        for (int t = start; t < end; t++) {
            rows.add(x[t]);
            y[t - start] = Math.log(s.realized(t, h));
        }
        return TrainedRegressor.train(c, rows, y, "ballast daily features " + s.date(start) + ".." + s.date(end - 1) + " h=" + h);
    }
}
