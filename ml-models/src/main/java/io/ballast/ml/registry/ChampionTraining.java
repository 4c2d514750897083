package io.ballast.ml.registry;

import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.ml.MlConfig;
import io.ballast.ml.ml.TribuoForecaster;
import io.ballast.ml.model.Ewma;
import io.ballast.ml.model.Garch11;
import io.ballast.ml.model.ChampionPolicy;
import io.ballast.ml.model.Har;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The retraining step: scores every candidate model by its walk-forward QLIKE on each day of the year that ends at
 * the last bar (targets complete, no look-ahead), picks the champion by the {@link ChampionPolicy} (HAR unless the
 * model confidence set excludes it) and fits only the champion on all the history, frozen as a {@link FittedModel}. The ML candidates compete only when the history holds at least
 * {@link Forecasts#MIN_ML_HISTORY_DAYS} days; a candidate that cannot be scored is left out with its reason.
 */
public final class ChampionTraining {

    private ChampionTraining() {
    }

    /**
     * A trained champion, ready to register.
     *
     * @param asset          asset label
     * @param champion       the frozen champion
     * @param validationQlike mean QLIKE per scored candidate over the policy's year (lower is better)
     * @param leftOut        candidates that could not be scored, with the reason
     * @param fingerprint    SHA-256 of the training data ({@link ModelRegistry#fingerprint})
     * @param proxy          variance proxy the models learned
     * @param trainingFrom   first training day
     * @param trainingTo     last training day (the forecast origin of the validation block's end)
     * @param trainingRows   rows of the series
     * @param trainMillis    wall time of scoring and fitting, milliseconds
     */
    public record Trained(String asset, FittedModel champion, Map<String, Double> validationQlike,
            Map<String, String> leftOut, String fingerprint, String proxy, LocalDate trainingFrom,
            LocalDate trainingTo, int trainingRows, long trainMillis) {

        /** Copies the maps. */
        public Trained {
            validationQlike = Map.copyOf(validationQlike);
            leftOut = Map.copyOf(leftOut);
        }
    }

    /**
     * Trains the champion of one asset and horizon on the whole series.
     *
     * @param asset       asset label
     * @param series      the history (at least {@link Forecasts#MIN_BASELINE_HISTORY_DAYS} days)
     * @param horizonDays 1..10
     * @param progress    receives progress lines
     * @throws IllegalArgumentException when the history is too short or no candidate could be scored
     */
    public static Trained train(String asset, DailySeries series, int horizonDays, Progress progress) {
        return train(asset, series, horizonDays, null, progress);
    }

    /**
     * Trains the champion of one asset and horizon on the whole series, among the given candidates (tests that
     * replay many retrainings score fewer models; the service passes none).
     *
     * @param asset       asset label
     * @param series      the history (at least {@link Forecasts#MIN_BASELINE_HISTORY_DAYS} days)
     * @param horizonDays 1..10
     * @param candidates  candidate names, or null for {@link Models#candidates(int, Map)}
     * @param progress    receives progress lines
     * @throws IllegalArgumentException when the history is too short or no candidate could be scored
     */
    public static Trained train(String asset, DailySeries series, int horizonDays, List<String> candidates,
            Progress progress) {
        Objects.requireNonNull(asset, "asset");
        if (horizonDays < 1 || horizonDays > 10) {
            throw new IllegalArgumentException("horizonDays must be 1..10: " + horizonDays);
        }
        int last = series.size() - 1;
        if (last < Forecasts.MIN_BASELINE_HISTORY_DAYS) {
            throw new IllegalArgumentException("training needs at least " + Forecasts.MIN_BASELINE_HISTORY_DAYS
                    + " days of history, found " + last);
        }
        long t0 = System.nanoTime();
        Map<String, String> leftOut = new LinkedHashMap<>();
        List<String> scored = candidates == null ? Models.candidates(last, leftOut) : candidates;
        ChampionPolicy.Decision decision;
        try {
            decision = ChampionPolicy.select(series, horizonDays, last, scored, leftOut, progress);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no candidate model could be scored for " + asset + ": " + leftOut, e);
        }
        Map<String, Double> scores = decision.meanQlike();
        String best = decision.champion();
        progress.report(String.format(Locale.ROOT, "%s h=%d champion %s: %s", asset, horizonDays, best,
                decision.reason()));
        FittedModel champion = fit(best, series, horizonDays, progress);
        return new Trained(asset, champion, scores, leftOut, ModelRegistry.fingerprint(series, series.size()),
                series.proxyName(), series.date(0), series.date(last), series.size(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Fits one model on every row of the series whose target is complete at the last bar and freezes it.
     *
     * @param name        model name
     * @param series      the history
     * @param horizonDays horizon (days)
     * @param progress    receives progress lines (ML tuning)
     */
    public static FittedModel fit(String name, DailySeries series, int horizonDays, Progress progress) {
        int n = series.size();
        int last = n - 1;
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "EWMA" -> new FittedModel.EwmaModel(Ewma.RISKMETRICS_LAMBDA, horizonDays);
            case "GARCH", "GARCH_T" -> {
                boolean t = name.equalsIgnoreCase("GARCH_T");
                // several starts, the best likelihood; a fit that did not converge is refused, never frozen
                Garch11.Fit f = new Garch11(t).fit(Garch11.residuals(series, n), n);
                yield new FittedModel.GarchModel(t, f.requireConverged(name + " on " + n + " days to "
                        + series.date(last)), horizonDays);
            }
            case "HAR", "HAR_LEVEL" -> new FittedModel.HarModel(new Har(name.equalsIgnoreCase("HAR"))
                    .fit(series, horizonDays, last));
            case "XGB", "CART", "SGD" -> {
                double[][] x = FeatureBuilder.matrix(series, n);
                MlConfig cfg = new TribuoForecaster(name).tune(series, x, horizonDays, last, progress);
                yield new FittedModel.TribuoModel(TribuoForecaster.fit(cfg, series, x, horizonDays,
                        last - horizonDays + 1), horizonDays);
            }
            default -> throw new IllegalArgumentException("unknown model " + name);
        };
    }
}
