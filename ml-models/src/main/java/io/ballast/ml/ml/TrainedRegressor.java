package io.ballast.ml.ml;

import io.ballast.ml.features.FeatureBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * A Tribuo regressor of log h-day variance on top of a HAR base, with its feature standardisation and bias correction.
 * Log forecast = {@code base'[1, lp_1, lp_7, lp_30] + model(z)}: the base is the OLS (log-HAR) fit on the training rows
 * and the Tribuo model learns what it leaves (boosting on a linear base); z are the standardised features. Forecast
 * variance = {@code exp(log forecast + biasLog)}, {@code biasLog = ln mean(exp(residual))} over a held-out calibration
 * block (Duan's smearing, the QLIKE-optimal scale for a log model; equals {@code mu + s2/2} for normal residuals).
 * The log forecast is clamped to the range of the training targets (a linear model must not extrapolate to absurd
 * variances on unusual feature values).
 *
 * <p>The feature count is that of the training rows: the 15 {@link FeatureBuilder#NAMES}, or 17 with the implied
 * volatility columns ({@link FeatureBuilder#IMPLIED_NAMES}). A 15-feature model scores a 17-column row on its first
 * 15 columns (the implied columns are appended last); a 17-feature model refuses a row without them.
 *
 * @param config  trainer configuration
 * @param model   the Tribuo model (predicts log variance from standardised features)
 * @param mean    per-feature training means
 * @param std     per-feature training standard deviations (1 where constant)
 * @param base    log-HAR base coefficients on {@code [1, lp_1, lp_7, lp_30]} (the first three features)
 * @param range   smallest and largest training target (log variance): the clamp of the log forecast
 * @param biasLog additive bias correction in log space
 */
public record TrainedRegressor(MlConfig config, Model<Regressor> model, double[] mean, double[] std, double[] base, double[] range,
        double biasLog) {

    /** Number of base coefficients (intercept and the three HAR lags). */
    public static final int BASE_SIZE = 4;

    /** Name of the regression output dimension. */
    public static final String TARGET = "log_variance";
    private static final RegressionFactory FACTORY = new RegressionFactory();

    /** Validates shapes. */
    public TrainedRegressor {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(model, "model");
        if (std.length != mean.length) {
            throw new IllegalArgumentException("scaler means and deviations differ in size: " + mean.length + ", " + std.length);
        }
        FeatureBuilder.names(mean.length);
        if (range.length != 2 || !(range[0] <= range[1])) {
            throw new IllegalArgumentException("range must be [min, max]");
        }
        if (base.length != BASE_SIZE) {
            throw new IllegalArgumentException("base must have " + BASE_SIZE + " coefficients");
        }
        mean = mean.clone();
        std = std.clone();
        base = base.clone();
        range = range.clone();
    }

    /** Training target range [min, max] (a copy). */
    @Override
    public double[] range() {
        return range.clone();
    }

    /** Base coefficients (a copy). */
    @Override
    public double[] base() {
        return base.clone();
    }

    private static double baseOf(double[] b, double[] r) {
        return b[0] + b[1] * r[0] + b[2] * r[1] + b[3] * r[2];
    }

    /** Training means (a copy). */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** Training standard deviations (a copy). */
    @Override
    public double[] std() {
        return std.clone();
    }

    /** Log-variance forecast (base plus Tribuo model, clamped, before the bias correction) for each feature row. */
    public double[] predictLog(List<double[]> rows) {
        List<org.tribuo.Example<Regressor>> ex = new ArrayList<>(rows.size());
        for (double[] r : rows) {
            ex.add(example(RegressionFactory.UNKNOWN_REGRESSOR, r, mean, std));
        }
        List<Prediction<Regressor>> p = model.predict(ex);
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = OlsForecaster.clamp(baseOf(base, rows.get(i)) + p.get(i).getOutput().getValues()[0], range);
        }
        return out;
    }

    /** Bias-corrected variance forecasts (daily log-return units, h-day sum) for each feature row. */
    public double[] predictVariance(List<double[]> rows) {
        double[] l = predictLog(rows);
        for (int i = 0; i < l.length; i++) {
            l[i] = Math.exp(l[i] + biasLog);
        }
        return l;
    }

    /**
     * Trains on the given rows (features, log targets) and returns the model without bias correction.
     *
     * @param config trainer
     * @param x      feature rows
     * @param y      log-variance targets
     * @param source data description for the Tribuo provenance
     */
    public static TrainedRegressor train(MlConfig config, List<double[]> x, double[] y, String source) {
        int k = x.get(0).length;
        double[] mean = new double[k];
        double[] std = new double[k];
        for (double[] r : x) {
            for (int j = 0; j < k; j++) {
                mean[j] += r[j] / x.size();
            }
        }
        for (double[] r : x) {
            for (int j = 0; j < k; j++) {
                std[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / Math.max(1, x.size() - 1);
            }
        }
        for (int j = 0; j < k; j++) {
            std[j] = std[j] > 0 ? Math.sqrt(std[j]) : 1.0;
        }
        double[][] hx = new double[x.size()][];
        for (int i = 0; i < x.size(); i++) {
            hx[i] = new double[] {1, x.get(i)[0], x.get(i)[1], x.get(i)[2]};
        }
        double[] base = OlsForecaster.leastSquares(hx, y);
        MutableDataset<Regressor> ds = new MutableDataset<>(new SimpleDataSourceProvenance(source, FACTORY), FACTORY);
        for (int i = 0; i < x.size(); i++) {
            ds.add(example(new Regressor(TARGET, y[i] - baseOf(base, x.get(i))), x.get(i), mean, std));
        }
        Model<Regressor> m = config.trainer().train(ds);
        return new TrainedRegressor(config, m, mean, std, base, OlsForecaster.range(y), 0.0);
    }

    /** The same model with another bias correction. */
    public TrainedRegressor withBias(double bias) {
        return new TrainedRegressor(config, model, mean, std, base, range, bias);
    }

    private static ArrayExample<Regressor> example(Regressor out, double[] r, double[] mean, double[] std) {
        if (r.length < mean.length) {
            throw new IllegalArgumentException("the model was trained on " + mean.length + " features ("
                    + String.join(", ", FeatureBuilder.names(mean.length)) + "), the row has " + r.length
                    + ": it needs the implied volatility the series lacks");
        }
        double[] z = new double[mean.length];
        for (int j = 0; j < z.length; j++) {
            z[j] = (r[j] - mean[j]) / std[j];
        }
        return new ArrayExample<>(out, FeatureBuilder.names(mean.length), z);
    }
}
