package io.ballast.ml.model;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.ml.TribuoForecaster;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Names the available models and chooses a champion ({@link ChampionPolicy}). */
public final class Models {

    /** Baseline names, in report order. */
    public static final List<String> BASELINES = List.of("EWMA", "GARCH", "HAR", "HAR_LEVEL");
    /**
     * Tribuo model names the champion is chosen from: the pure-Java ones, so that the risk service's retraining and
     * the backtest's "champion" score the same candidates without native code. XGBoost ("XGB") is a lab model
     * (labs/forecast-lab registers it, {@link io.ballast.ml.ml.MlConfig#register}): evaluated, never a candidate.
     */
    public static final List<String> ML = List.of("CART", "SGD");
    /** ML refit interval in days (monthly). */
    public static final int ML_REFIT_DAYS = 30;
    /** Length of the validation block used to pick the champion (days before the out-of-sample start). */
    public static final int VALIDATION_DAYS = 180;

    private Models() {
    }

    /**
     * The model of that name (case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static WalkForwardModel byName(String name) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "EWMA" -> new Ewma(Ewma.RISKMETRICS_LAMBDA);
            case "GARCH" -> new Garch11(false);
            case "GARCH_T" -> new Garch11(true);
            case "HAR" -> new Har(true);
            case "HAR_LEVEL" -> new Har(false);
            case "OLS" -> new io.ballast.ml.ml.OlsForecaster();
            case "HARX" -> io.ballast.ml.ml.OlsForecaster.harX();
            default -> {
                if (io.ballast.ml.ml.MlConfig.isKind(name)) {
                    yield new TribuoForecaster(name);
                }
                throw new IllegalArgumentException("unknown model '" + name + "'; known: EWMA, GARCH, GARCH_T, HAR, "
                        + "HAR_LEVEL, " + String.join(", ", ML) + ", OLS, HARX, champion"
                        + ("XGB".equalsIgnoreCase(name) ? " (XGB only in the labs, labs/forecast-lab)" : ""));
            }
        };
    }

    /**
     * True for the models on the ML feature matrix that need {@code MIN_ML_HISTORY_DAYS}: the Tribuo models (built-in
     * or registered by a lab), OLS and HARX.
     */
    public static boolean isMl(String name) {
        return io.ballast.ml.ml.MlConfig.isKind(name) || "OLS".equalsIgnoreCase(name)
                || "HARX".equalsIgnoreCase(name);
    }

    /** Result of a champion selection. */
    public record Champion(String model, double validationQlike) {
    }

    /**
     * Mean QLIKE of a model's walk-forward forecasts over the {@link #VALIDATION_DAYS} forecast dates just before
     * {@code oosStart}, each target ending before {@code oosStart} (purged by h). Never touches the test period.
     */
    public static double validationQlike(DailySeries s, String name, int h, int oosStart) {
        double[] l = validationLosses(s, name, h, oosStart, VALIDATION_DAYS);
        double loss = 0;
        for (double v : l) {
            loss += v;
        }
        return loss / l.length;
    }

    /**
     * Daily QLIKE losses of a model's walk-forward forecasts over the {@code days} forecast dates just before
     * {@code oosStart}, each target ending before {@code oosStart} (purged by h), oldest first.
     *
     * @param s        data
     * @param name     model name
     * @param h        horizon (days)
     * @param oosStart index of the first day not to be touched
     * @param days     forecast dates scored
     */
    public static double[] validationLosses(DailySeries s, String name, int h, int oosStart, int days) {
        int valTo = oosStart - h;
        int valFrom = valTo - days;
        if (valFrom < 0) {
            throw new IllegalArgumentException("too little history for " + days + " validation days before "
                + s.date(Math.min(oosStart, s.size() - 1)));
        }
        double[] f = byName(name).forecast(s, h, valFrom, valTo, Progress.NONE);
        double[] out = new double[valTo - valFrom];
        for (int i = valFrom; i < valTo; i++) {
            double q = s.realized(i, h) / f[i - valFrom];
            out[i - valFrom] = q - Math.log(q) - 1;
        }
        return out;
    }

    /**
     * Picks the champion among every candidate (baselines and Tribuo) by the {@link ChampionPolicy} (HAR unless the
     * model confidence set of the year before {@code oosStart} excludes it), on forecasts made before
     * {@code oosStart} only.
     *
     * @return the champion and its mean QLIKE over the policy's year
     */
    public static Champion championByValidation(DailySeries s, int h, int oosStart, Progress progress) {
        Map<String, String> leftOut = new LinkedHashMap<>();
        ChampionPolicy.Decision d = ChampionPolicy.select(s, h, oosStart, candidates(oosStart, leftOut), leftOut,
                progress);
        leftOut.forEach((m, why) -> progress.report("  " + m + " left out: " + why));
        return new Champion(d.champion(), d.meanQlike().get(d.champion()));
    }

    /**
     * The candidates a champion decision at index {@code decisionIndex} scores: every candidate, less the ML models
     * when fewer than {@link io.ballast.ml.api.Forecasts#MIN_ML_HISTORY_DAYS} days of history precede it (recorded
     * in {@code leftOut}). The risk service's retraining and the backtest's "champion" both use it.
     */
    public static List<String> candidates(int decisionIndex, Map<String, String> leftOut) {
        List<String> out = new java.util.ArrayList<>();
        for (String name : candidates()) {
            if (isMl(name) && decisionIndex < io.ballast.ml.api.Forecasts.MIN_ML_HISTORY_DAYS) {
                leftOut.put(name, "needs " + io.ballast.ml.api.Forecasts.MIN_ML_HISTORY_DAYS
                        + " days of history, found " + decisionIndex);
            } else {
                out.add(name);
            }
        }
        return out;
    }

    /** Every model a champion can be chosen from. */
    public static List<String> candidates() {
        List<String> all = new java.util.ArrayList<>(BASELINES);
        all.addAll(ML);
        return all;
    }
}
