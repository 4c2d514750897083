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
 * A Tribuo regressor of log h-day variance with its feature standardisation and log-normal bias correction.
 * Forecast variance = {@code exp(model(z) + biasLog)}, z the standardised features, {@code biasLog = mu + s2/2} with mu and
 * s2 the mean and variance of the model's residuals on a held-out calibration block (purged by h).
 *
 * @param config  trainer configuration
 * @param model   the Tribuo model (predicts log variance from standardised features)
 * @param mean    per-feature training means
 * @param std     per-feature training standard deviations (1 where constant)
 * @param biasLog additive bias correction in log space
 */
public record TrainedRegressor(MlConfig config, Model<Regressor> model, double[] mean, double[] std, double biasLog) {

    /** Name of the regression output dimension. */
    public static final String TARGET = "log_variance";
    private static final RegressionFactory FACTORY = new RegressionFactory();

    /** Validates shapes. */
    public TrainedRegressor {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(model, "model");
        if (mean.length != FeatureBuilder.NAMES.length || std.length != FeatureBuilder.NAMES.length) {
            throw new IllegalArgumentException("scaler size must equal the feature count " + FeatureBuilder.NAMES.length);
        }
        mean = mean.clone();
        std = std.clone();
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

    /** Raw model output (log variance, before the bias correction) for each feature row. */
    public double[] predictLog(List<double[]> rows) {
        List<org.tribuo.Example<Regressor>> ex = new ArrayList<>(rows.size());
        for (double[] r : rows) {
            ex.add(example(RegressionFactory.UNKNOWN_REGRESSOR, r, mean, std));
        }
        List<Prediction<Regressor>> p = model.predict(ex);
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = p.get(i).getOutput().getValues()[0];
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
        int k = FeatureBuilder.NAMES.length;
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
        MutableDataset<Regressor> ds = new MutableDataset<>(new SimpleDataSourceProvenance(source, FACTORY), FACTORY);
        for (int i = 0; i < x.size(); i++) {
            ds.add(example(new Regressor(TARGET, y[i]), x.get(i), mean, std));
        }
        Model<Regressor> m = config.trainer().train(ds);
        return new TrainedRegressor(config, m, mean, std, 0.0);
    }

    /** The same model with another bias correction. */
    public TrainedRegressor withBias(double bias) {
        return new TrainedRegressor(config, model, mean, std, bias);
    }

    private static ArrayExample<Regressor> example(Regressor out, double[] r, double[] mean, double[] std) {
        double[] z = new double[r.length];
        for (int j = 0; j < r.length; j++) {
            z[j] = (r[j] - mean[j]) / std[j];
        }
        return new ArrayExample<>(out, FeatureBuilder.NAMES, z);
    }
}
