package io.ballast.ml.registry;

import static io.ballast.ml.registry.JsonValues.doubles;
import static io.ballast.ml.registry.JsonValues.num;
import static io.ballast.ml.registry.JsonValues.toList;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.ml.MlConfig;
import io.ballast.ml.ml.TrainedRegressor;
import io.ballast.ml.model.Ewma;
import io.ballast.ml.model.Garch11;
import io.ballast.ml.model.Har;
import io.ballast.ml.model.Progress;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

import java.util.Map;
import org.tribuo.Model;
import org.tribuo.regression.Regressor;

/**
 * A variance forecaster frozen at training: every coefficient is fixed, so a forecast made later only runs the model
 * over the data (filters GARCH's recursion, computes HAR's regressors or the Tribuo features) and never refits.
 * It round-trips through {@link #parameters()} (plain JSON values) and {@link #modelBytes()} (Tribuo protobuf, or
 * {@code null} for the baselines) with {@link #restore}.
 */
public sealed interface FittedModel {

    /** Model name ("EWMA", "GARCH", "GARCH_T", "HAR", "HAR_LEVEL", "XGB", "CART", "SGD"). */
    String name();

    /** Horizon h of the forecast: the variance of the sum of the next h daily log returns. */
    int horizonDays();

    /**
     * The forecast made at the close of the series' last day: variance of the sum of log returns over the next
     * {@link #horizonDays()} days, in daily log-return units (not annualised).
     */
    double forecastVariance(DailySeries series);

    /** The fitted coefficients as JSON-ready values (numbers, strings, lists), enough for {@link #restore}. */
    Map<String, Object> parameters();

    /** The Tribuo model in Tribuo's protobuf format, or {@code null} for a baseline. */
    default byte[] modelBytes() {
        return null;
    }

    /** RiskMetrics EWMA: nothing to fit but the decay {@code lambda}. */
    record EwmaModel(double lambda, int horizonDays) implements FittedModel {
        @Override
        public String name() {
            return "EWMA";
        }

        @Override
        public double forecastVariance(DailySeries s) {
            int last = s.size() - 1;
            return new Ewma(lambda).forecast(s, horizonDays, last, last + 1, Progress.NONE)[0];
        }

        @Override
        public Map<String, Object> parameters() {
            return Map.of("lambda", lambda);
        }
    }

    /** GARCH(1,1) with frozen maximum-likelihood parameters (per-day return units). */
    record GarchModel(boolean studentT, Garch11.Params params, int horizonDays) implements FittedModel {
        @Override
        public String name() {
            return studentT ? "GARCH_T" : "GARCH";
        }

        @Override
        public double forecastVariance(DailySeries s) {
            return Garch11.forecast(params, Garch11.residuals(s, s.size()), s.size(), horizonDays);
        }

        @Override
        public Map<String, Object> parameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("omega", params.omega());
            m.put("alpha", params.alpha());
            m.put("beta", params.beta());
            m.put("nu", Double.isInfinite(params.nu()) ? "inf" : params.nu());
            return m;
        }
    }

    /** HAR with frozen OLS coefficients. */
    record HarModel(Har.Fit fit) implements FittedModel {
        @Override
        public String name() {
            return fit.log() ? "HAR" : "HAR_LEVEL";
        }

        @Override
        public int horizonDays() {
            return fit.horizonDays();
        }

        @Override
        public double forecastVariance(DailySeries s) {
            return fit.forecast(s, s.size() - 1);
        }

        @Override
        public Map<String, Object> parameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("beta", toList(fit.beta()));
            m.put("residualVariance", fit.residualVariance());
            m.put("minTarget", fit.minTarget());
            m.put("maxTarget", Double.isInfinite(fit.maxTarget()) ? "inf" : fit.maxTarget());
            m.put("biasLog", fit.biasLog());
            m.put("rows", fit.rows());
            return m;
        }
    }

    /** A Tribuo regressor on the HAR base with its scaler and bias correction. */
    record TribuoModel(TrainedRegressor regressor, int horizonDays) implements FittedModel {
        @Override
        public String name() {
            return regressor.config().kind();
        }

        @Override
        public double forecastVariance(DailySeries s) {
            double[][] x = FeatureBuilder.matrix(s, s.size());
            return regressor.predictVariance(List.of(x[s.size() - 1]))[0];
        }

        @Override
        public Map<String, Object> parameters() {
            MlConfig c = regressor.config();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("config", Map.of("kind", c.kind(), "a", c.a(), "b", c.b(), "c", c.c(), "description", c.describe()));
            m.put("featureMean", toList(regressor.mean()));
            m.put("featureStd", toList(regressor.std()));
            m.put("harBase", toList(regressor.base()));
            m.put("logTargetRange", toList(regressor.range()));
            m.put("biasLog", regressor.biasLog());
            m.put("tribuoProvenance", regressor.model().getProvenance().toString());
            return m;
        }

        @Override
        public byte[] modelBytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                regressor.model().serializeToStream(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }

    /**
     * Rebuilds a fitted model from what {@link #parameters()} and {@link #modelBytes()} gave.
     *
     * @param name        model name
     * @param horizonDays horizon (days)
     * @param parameters  the parameters (numbers may come back as any {@link Number})
     * @param modelBytes  the Tribuo protobuf bytes for an ML model, else ignored
     * @throws IllegalArgumentException when the parameters do not describe that model
     */
    @SuppressWarnings("unchecked")
    static FittedModel restore(String name, int horizonDays, Map<String, Object> parameters, byte[] modelBytes) {
        try {
            return switch (name.toUpperCase(Locale.ROOT)) {
                case "EWMA" -> new EwmaModel(num(parameters.get("lambda")), horizonDays);
                case "GARCH", "GARCH_T" -> new GarchModel(name.equalsIgnoreCase("GARCH_T"), new Garch11.Params(
                        num(parameters.get("omega")), num(parameters.get("alpha")), num(parameters.get("beta")),
                        "inf".equals(parameters.get("nu")) ? Double.POSITIVE_INFINITY : num(parameters.get("nu"))),
                        horizonDays);
                case "HAR", "HAR_LEVEL" -> {
                    // a HAR stored before v2 has no clamp nor smearing: its log-normal correction s2/2 is kept
                    double s2 = num(parameters.get("residualVariance"));
                    Object max = parameters.get("maxTarget");
                    boolean v1Log = name.equalsIgnoreCase("HAR") && !parameters.containsKey("biasLog");
                    yield new HarModel(new Har.Fit(name.equalsIgnoreCase("HAR"), horizonDays,
                            doubles(parameters.get("beta")), s2,
                            v1Log ? Double.NEGATIVE_INFINITY : num(parameters.get("minTarget")),
                            max == null || "inf".equals(max) ? Double.POSITIVE_INFINITY : num(max),
                            parameters.containsKey("biasLog") ? num(parameters.get("biasLog")) : s2 / 2,
                            ((Number) parameters.get("rows")).longValue()));
                }
                case "XGB", "CART", "SGD" -> {
                    if (modelBytes == null) {
                        throw new IllegalArgumentException(name + " needs its Tribuo model bytes");
                    }
                    Map<String, Object> cfg = (Map<String, Object>) parameters.get("config");
                    MlConfig config = new MlConfig((String) cfg.get("kind"), num(cfg.get("a")), num(cfg.get("b")),
                            num(cfg.get("c")));
                    Model<Regressor> m = Model.deserializeFromStream(new ByteArrayInputStream(modelBytes))
                            .castModel(Regressor.class);
                    yield new TribuoModel(new TrainedRegressor(config, m, doubles(parameters.get("featureMean")),
                            doubles(parameters.get("featureStd")), doubles(parameters.get("harBase")),
                            doubles(parameters.get("logTargetRange")), num(parameters.get("biasLog"))), horizonDays);
                }
                default -> throw new IllegalArgumentException("unknown model " + name);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("stored " + name + " model unreadable: " + e.getMessage(), e);
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("stored " + name + " parameters incomplete: " + e, e);
        }
    }
}
