package io.ballast.ml.model;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.eval.ModelConfidenceSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The champion policy of issue 13: <b>HAR unless another model is inside the model confidence set and better over at
 * least a year</b>. Every candidate is scored by its walk-forward QLIKE on each of the {@link #EVALUATION_DAYS}
 * forecast dates before the decision (targets complete, purged by h); the model confidence set
 * ({@link ModelConfidenceSet}, level {@link #ALPHA}) is built from those daily losses. "Better" is read as
 * statistically better: a challenger replaces HAR only when the set excludes HAR (HAR is significantly worse than the
 * set), and then the champion is the model of the set with the lowest mean QLIKE over the year. A challenger inside the
 * set that is merely tied with HAR does not replace it, so a year of noise does not move the champion. When HAR could
 * not be scored the champion is the lowest mean QLIKE of the set.
 *
 * <p>No daily switching: the decision is made at a retraining ({@code ChampionTraining}, weekly in the risk service)
 * or once before the out-of-sample start ({@code forecast evaluate}; the predictive-margin backtest replays the weekly
 * retraining), never per forecast.
 */
public final class ChampionPolicy {

    /** The default champion. */
    public static final String DEFAULT_MODEL = "HAR";
    /** Forecast dates the candidates are compared on (a year). */
    public static final int EVALUATION_DAYS = 365;
    /** Level of the model confidence set. */
    public static final double ALPHA = 0.10;

    private ChampionPolicy() {
    }

    /**
     * A decision.
     *
     * @param champion the chosen model
     * @param reason   why, in one line
     * @param mcs      the model confidence set of the candidates' daily losses (mean losses and MCS p-values inside)
     */
    public record Decision(String champion, String reason, ModelConfidenceSet.Result mcs) {

        /** Mean QLIKE per scored candidate over the year. */
        public Map<String, Double> meanQlike() {
            return mcs.meanLoss();
        }
    }

    /**
     * Applies the policy to daily losses already computed (aligned, same length); with fewer than
     * {@link #EVALUATION_DAYS} of them HAR stays champion when it was scored.
     *
     * @param losses daily QLIKE per candidate
     * @return the decision
     */
    public static Decision choose(Map<String, double[]> losses) {
        Objects.requireNonNull(losses, "losses");
        ModelConfidenceSet.Result mcs = ModelConfidenceSet.of(losses, ALPHA);
        String bestInSet = mcs.included().stream().min((a, b) -> Double.compare(mcs.meanLoss().get(a),
                mcs.meanLoss().get(b))).orElseThrow();
        if (!losses.containsKey(DEFAULT_MODEL)) {
            return new Decision(bestInSet, DEFAULT_MODEL + " not scored: lowest mean QLIKE of the confidence set", mcs);
        }
        int days = losses.get(DEFAULT_MODEL).length;
        if (days < EVALUATION_DAYS) {
            return new Decision(DEFAULT_MODEL, String.format(Locale.ROOT,
                    "only %d validation days, fewer than the year a challenger must be better over: %s kept", days,
                    DEFAULT_MODEL), mcs);
        }
        if (mcs.contains(DEFAULT_MODEL)) {
            return new Decision(DEFAULT_MODEL, String.format(Locale.ROOT,
                    "%s is inside the %.0f %% confidence set (MCS p %.3f): kept", DEFAULT_MODEL, 100 * (1 - ALPHA),
                    mcs.pValues().get(DEFAULT_MODEL)), mcs);
        }
        return new Decision(bestInSet, String.format(Locale.ROOT,
                "%s is outside the %.0f %% confidence set (MCS p %.3f) and %s has the lowest mean QLIKE of the set "
                        + "over %d days (%.4f against %.4f)", DEFAULT_MODEL, 100 * (1 - ALPHA),
                mcs.pValues().get(DEFAULT_MODEL), bestInSet, losses.get(DEFAULT_MODEL).length,
                mcs.meanLoss().get(bestInSet), mcs.meanLoss().get(DEFAULT_MODEL)), mcs);
    }

    /** History (days) kept before the first scored forecast date when the history is shorter than a year and that. */
    static final int MIN_WARM_UP_DAYS = 70;

    /**
     * Scores the candidates over the {@link #EVALUATION_DAYS} forecast dates before index {@code decisionIndex} (fewer
     * when the history is short: every date after {@link #MIN_WARM_UP_DAYS} days of warm-up, and then HAR stays
     * champion) and applies the policy. A candidate that cannot be scored (too little history, a non-finite loss) is left out and
     * reported.
     *
     * @param s             data
     * @param h             horizon (days)
     * @param decisionIndex index of the first day the decision is used for (nothing from it on is touched)
     * @param candidates    model names
     * @param leftOut       receives the candidates left out and why
     * @param progress      progress lines
     * @return the decision
     * @throws IllegalArgumentException when no candidate could be scored
     */
    public static Decision select(DailySeries s, int h, int decisionIndex, Collection<String> candidates,
            Map<String, String> leftOut, Progress progress) {
        int days = Math.min(EVALUATION_DAYS, decisionIndex - h - MIN_WARM_UP_DAYS);
        if (days < 10) {
            throw new IllegalArgumentException("too little history before " + s.date(Math.min(decisionIndex,
                    s.size() - 1)) + " to score a champion");
        }
        Map<String, double[]> losses = new LinkedHashMap<>();
        for (String name : candidates) {
            try {
                double[] l = Models.validationLosses(s, name, h, decisionIndex, days);
                boolean finite = true;
                for (double v : l) {
                    finite &= Double.isFinite(v);
                }
                if (finite) {
                    losses.put(name, l);
                    progress.report(String.format(Locale.ROOT, "  year QLIKE h=%d %-9s %.4f", h, name,
                            io.ballast.ml.eval.Metrics.mean(l)));
                } else {
                    leftOut.put(name, "validation QLIKE not finite");
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                leftOut.put(name, e.getMessage());
            }
        }
        if (losses.isEmpty()) {
            throw new IllegalArgumentException("no candidate model could be scored: " + leftOut);
        }
        Decision d = choose(losses);
        progress.report("  champion h=" + h + ": " + d.champion() + " (" + d.reason() + ")");
        return d;
    }
}
