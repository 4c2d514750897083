package io.ballast.ml.model;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.ml.TribuoForecaster;
import java.util.List;
import java.util.Locale;

/** Names the available models and chooses a champion by validation QLIKE. */
public final class Models {

    /** Baseline names, in report order. */
    public static final List<String> BASELINES = List.of("EWMA", "GARCH", "HAR", "HAR_LEVEL");
    /** Tribuo model names. */
    public static final List<String> ML = List.of("XGB", "CART", "SGD");
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
            case "XGB", "CART", "SGD" -> new TribuoForecaster(name);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; known: EWMA, GARCH, GARCH_T, HAR, HAR_LEVEL, "
                    + String.join(", ", ML) + ", champion");
        };
    }

    /** True for the Tribuo models. */
    public static boolean isMl(String name) {
        return ML.contains(name.toUpperCase(Locale.ROOT));
    }

    /** Result of a champion selection. */
    public record Champion(String model, double validationQlike) {
    }

    /**
     * Mean QLIKE of a model's walk-forward forecasts over the {@link #VALIDATION_DAYS} forecast dates just before
     * {@code oosStart}, each target ending before {@code oosStart} (purged by h). Never touches the test period.
     */
    public static double validationQlike(DailySeries s, String name, int h, int oosStart) {
        int valTo = oosStart - h;
        int valFrom = valTo - VALIDATION_DAYS;
        double[] f = byName(name).forecast(s, h, valFrom, valTo, Progress.NONE);
        double loss = 0;
        for (int i = valFrom; i < valTo; i++) {
            double q = s.realized(i, h) / f[i - valFrom];
            loss += q - Math.log(q) - 1;
        }
        return loss / (valTo - valFrom);
    }

    /** Picks the model (baselines and Tribuo) with the lowest {@link #validationQlike}. */
    public static Champion championByValidation(DailySeries s, int h, int oosStart, Progress progress) {
        String best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (String name : candidates()) {
            double loss = validationQlike(s, name, h, oosStart);
            progress.report(String.format("  validation QLIKE h=%d %-9s %.4f", h, name, loss));
            if (loss < bestLoss) {
                bestLoss = loss;
                best = name;
            }
        }
        return new Champion(best, bestLoss);
    }

    /** Every model a champion can be chosen from. */
    public static List<String> candidates() {
        List<String> all = new java.util.ArrayList<>(BASELINES);
        all.addAll(ML);
        return all;
    }
}
