package io.ballast.predictive;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.model.ChampionPolicy;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import io.ballast.ml.model.WalkForwardModel;
import io.ballast.ml.registry.ChampionTraining;
import io.ballast.ml.registry.FittedModel;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The champion the risk service has in force on each day, replayed for the backtest. The service retrains every week
 * ({@code ballast.recommendations.retrain-cron}, default Sunday 00:05 UTC) on the daily bars up to the last close,
 * Saturday's: it decides the champion with {@link ChampionPolicy} (HAR unless the model confidence set of the year
 * before excludes it) and fits only the champion on that history ({@link ChampionTraining#fit}); the daily runs that
 * follow (00:15 UTC, Sunday to the next Saturday) forecast at each close with that frozen model, without refitting,
 * until the next retraining. Here: the decision of Saturday {@code s} (the last bar on or before it) serves the
 * forecasts made at the closes of {@code s} .. {@code s + 6}; its model is fitted with {@link ChampionTraining#fit}
 * on the bars up to {@code s} and forecasts with {@link FittedModel#forecastVariance} on the bars up to each day,
 * exactly as the service's daily job does.
 *
 * <p>The scoring of the candidates differs from the service's in one respect, for speed: the service re-runs each
 * candidate's walk-forward over the year before every retraining ({@code ChampionPolicy.select}); here each
 * candidate's walk-forward (the same model, expanding window, only data up to each forecast day) runs once, from the
 * year before the first decision that scores it, and every decision takes the daily QLIKE of the
 * {@link ChampionPolicy#EVALUATION_DAYS} forecast dates before it (targets complete before the decision bar, as in
 * {@code Models.validationLosses}). For models refitted every day from the whole history (EWMA, HAR, HAR_LEVEL) the
 * losses are the service's; for GARCH (warm-started fits) and the ML models (tuned at the walk-forward's first day and
 * refitted every 30 days from there) the refit dates differ. Same policy, candidates, loss and data cut-off.
 *
 * <p>Not thread-safe; CPU-heavy (one walk-forward per candidate and horizon, one champion fit per week).
 */
public final class ChampionSchedule {

    /** The day whose close the weekly retraining ends with (the service retrains early on the next day, Sunday). */
    public static final DayOfWeek RETRAINING_LAST_CLOSE = DayOfWeek.SATURDAY;

    /**
     * One weekly decision.
     *
     * @param decided  the Saturday of the retraining's last close (the bars used end on or before it)
     * @param lastBar  the date of the last bar used
     * @param champion the champion decided
     * @param reason   the policy's reason, one line
     * @param harMcsP  HAR's p-value in the model confidence set (NaN when HAR was not scored)
     * @param candidates the candidates scored, with their mean QLIKE over the year
     * @param leftOut  candidates left out, with the reason
     */
    public record Week(LocalDate decided, LocalDate lastBar, String champion, String reason, double harMcsP,
                       Map<String, Double> candidates, Map<String, String> leftOut) {

        /** Copies the maps. */
        public Week {
            candidates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(candidates));
            leftOut = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(leftOut));
        }
    }

    private final String asset;
    private final List<DailyBar> bars;
    private final DailySeries series;
    private final int horizonDays;
    private final List<String> candidateNames;
    private final Function<String, WalkForwardModel> models;
    private final Consumer<String> progress;
    private final Map<String, double[]> walks = new HashMap<>();
    private final Map<String, Integer> walkStart = new HashMap<>();
    private final TreeMap<Integer, Week> decisions = new TreeMap<>();
    private final Map<Integer, FittedModel> fitted = new HashMap<>();
    private final Map<LocalDate, VolForecast> forecasts = new HashMap<>();

    /**
     * The schedule of the service's own candidates ({@link Models#candidates(int, Map)}: every model, the ML ones
     * from 730 days of history).
     *
     * @param asset       asset label
     * @param bars        validated ascending daily bars (the service's history: daily bars only)
     * @param horizonDays the horizon (days) the champion is decided and forecasts are made for
     * @param progress    receives one line per change of champion
     */
    public ChampionSchedule(String asset, List<DailyBar> bars, int horizonDays, Consumer<String> progress) {
        this(asset, bars, horizonDays, null, Models::byName, progress);
    }

    /**
     * A schedule with given candidates and scoring models (tests).
     *
     * @param asset       asset label
     * @param bars        validated ascending daily bars
     * @param horizonDays the horizon (days)
     * @param candidates  candidate names, or null for the service's ({@link Models#candidates(int, Map)})
     * @param models      the walk-forward model of each candidate name, used for scoring only (the champion is fitted
     *                    by {@link ChampionTraining#fit})
     * @param progress    receives one line per change of champion
     */
    public ChampionSchedule(String asset, List<DailyBar> bars, int horizonDays, List<String> candidates,
                            Function<String, WalkForwardModel> models, Consumer<String> progress) {
        this.asset = Objects.requireNonNull(asset, "asset");
        this.bars = List.copyOf(bars);
        this.series = DailySeries.of(this.bars);
        if (horizonDays < 1 || horizonDays > 10) {
            throw new IllegalArgumentException("horizonDays must be 1..10: " + horizonDays);
        }
        this.horizonDays = horizonDays;
        this.candidateNames = candidates == null ? null : List.copyOf(candidates);
        this.models = Objects.requireNonNull(models, "models");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * The Saturday whose retraining serves the forecast made at the close of {@code day}: the latest Saturday on or
     * before it.
     *
     * @param day a forecast day
     * @return the decision date
     */
    public static LocalDate decisionDate(LocalDate day) {
        return day.with(TemporalAdjusters.previousOrSame(RETRAINING_LAST_CLOSE));
    }

    /**
     * The weekly decision in force for the forecast made at the close of {@code day}.
     *
     * @param day a forecast day with a bar
     * @return the decision
     * @throws IllegalArgumentException when too little history precedes the decision
     */
    public Week weekOf(LocalDate day) {
        return decide(lastRowOnOrBefore(decisionDate(day)));
    }

    /**
     * The forecast the service makes at the close of {@code day}: the variance of the sum of log returns over the
     * next {@code horizonDays} days (daily log-return units) from the champion registered at that week's retraining,
     * restored without refitting.
     *
     * @param day a day with a bar
     * @return the forecast, labelled with the champion's name
     */
    public VolForecast forecastAt(LocalDate day) {
        VolForecast known = forecasts.get(day);
        if (known != null) {
            return known;
        }
        int row = rowOf(day);
        int decisionRow = lastRowOnOrBefore(decisionDate(day));
        Week week = decide(decisionRow);
        FittedModel model = fitted.computeIfAbsent(decisionRow, r -> ChampionTraining.fit(week.champion(),
            DailySeries.of(bars.subList(0, r + 1)), horizonDays, Progress.NONE));
        double variance = model.forecastVariance(DailySeries.of(bars.subList(0, row + 1)));
        VolForecast f = VolForecast.of(asset, model.name(), horizonDays, day, variance);
        forecasts.put(day, f);
        return f;
    }

    /** @return the decisions made so far, oldest first */
    public List<Week> weeks() {
        return new ArrayList<>(decisions.values());
    }

    /** @return the horizon (days) */
    public int horizonDays() {
        return horizonDays;
    }

    private int rowOf(LocalDate day) {
        int row = lastRowOnOrBefore(day);
        if (!bars.get(row).date().equals(day)) {
            throw new IllegalArgumentException("no bar on " + day);
        }
        return row;
    }

    private int lastRowOnOrBefore(LocalDate day) {
        int lo = 0;
        int hi = bars.size() - 1;
        if (bars.get(0).date().isAfter(day)) {
            throw new IllegalArgumentException("no bar on or before " + day);
        }
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (bars.get(mid).date().isAfter(day)) {
                hi = mid - 1;
            } else {
                lo = mid;
            }
        }
        return lo;
    }

    /** The decision made on the bars up to row {@code row}, as the service's retraining makes it. */
    private Week decide(int row) {
        Week known = decisions.get(row);
        if (known != null) {
            return known;
        }
        LocalDate lastBar = bars.get(row).date();
        // the service's retraining: the series of the bars up to the last close, decision index = its last index
        int last = series.indexOnOrAfter(lastBar);
        if (last < io.ballast.ml.api.Forecasts.MIN_BASELINE_HISTORY_DAYS) {
            throw new IllegalArgumentException("training needs at least "
                + io.ballast.ml.api.Forecasts.MIN_BASELINE_HISTORY_DAYS + " days of history before " + lastBar
                + ", found " + last);
        }
        int days = Math.min(ChampionPolicy.EVALUATION_DAYS, last - horizonDays - 70);
        int valTo = last - horizonDays;
        int valFrom = valTo - days;
        Map<String, String> leftOut = new LinkedHashMap<>();
        List<String> names = candidateNames != null ? candidateNames : Models.candidates(last, leftOut);
        Map<String, double[]> losses = new LinkedHashMap<>();
        for (String name : names) {
            double[] f = walk(name, valFrom, leftOut);
            if (f == null) {
                continue;
            }
            double[] l = new double[valTo - valFrom];
            boolean finite = true;
            for (int i = valFrom; i < valTo; i++) {
                double q = series.realized(i, horizonDays) / f[i - walkStart.get(name)];
                l[i - valFrom] = q - Math.log(q) - 1;
                finite &= Double.isFinite(l[i - valFrom]);
            }
            if (finite) {
                losses.put(name, l);
            } else {
                leftOut.put(name, "validation QLIKE not finite");
            }
        }
        if (losses.isEmpty()) {
            throw new IllegalArgumentException("no candidate model could be scored for " + asset + " at " + lastBar
                + ": " + leftOut);
        }
        ChampionPolicy.Decision d = ChampionPolicy.choose(losses);
        Double harP = d.mcs().pValues().get(ChampionPolicy.DEFAULT_MODEL);
        Week week = new Week(decisionDate(lastBar), lastBar, d.champion(), d.reason(),
            harP == null ? Double.NaN : harP, d.meanQlike(), leftOut);
        Map.Entry<Integer, Week> before = decisions.lowerEntry(row);
        Week previous = before == null ? null : before.getValue();
        decisions.put(row, week);
        if (previous == null || !previous.champion().equals(week.champion())) {
            progress.accept(String.format(Locale.ROOT, "%s h=%d: champion from the retraining on the close of %s: "
                + "%s (%s)", asset, horizonDays, lastBar, week.champion(), week.reason()));
        }
        return week;
    }

    /**
     * The candidate's walk-forward forecasts from {@code from} (or an earlier start) to the end of the series, run
     * once; null (and the reason in {@code leftOut}) when the model cannot forecast from there.
     */
    private double[] walk(String name, int from, Map<String, String> leftOut) {
        Integer start = walkStart.get(name);
        if (start != null && start <= from) {
            return walks.get(name);
        }
        try {
            double[] f = models.apply(name).forecast(series, horizonDays, from, series.size(), Progress.NONE);
            walks.put(name, f);
            walkStart.put(name, from);
            return f;
        } catch (IllegalArgumentException | IllegalStateException e) {
            leftOut.put(name, e.getMessage());
            return null;
        }
    }
}
