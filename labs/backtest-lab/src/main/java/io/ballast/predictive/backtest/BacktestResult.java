package io.ballast.predictive.backtest;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The result of a backtest on one asset.
 *
 * @param asset asset symbol
 * @param coverage target coverage
 * @param oosStart first margined day
 * @param championModel the model the champion resolved to
 * @param staticMmf the static policy's MMF
 * @param seed population seed
 * @param accounts population size
 * @param policies results keyed static, ewma, predictive, guarded (in that order)
 * @param frontier frontier points keyed by policy
 * @param events the events replayed, with the bar size used (1 hourly, 24 daily)
 * @param championWeeks the champion decided at each weekly retraining, oldest first, when the model is "champion"
 *                      replayed on the service's schedule ({@link io.ballast.predictive.ChampionSchedule}); empty for
 *                      a fixed model or a forecast source that decides once
 */
public record BacktestResult(String asset, double coverage, LocalDate oosStart, String championModel,
                             double staticMmf, long seed, int accounts, Map<String, PolicyResult> policies,
                             Map<String, List<FrontierPoint>> frontier, Map<CrashEvent, Integer> events,
                             List<io.ballast.predictive.ChampionSchedule.Week> championWeeks) {

    /** Copies the weekly decisions. */
    public BacktestResult {
        championWeeks = List.copyOf(championWeeks);
    }

    /** A result without weekly champion decisions (a fixed model). */
    public BacktestResult(String asset, double coverage, LocalDate oosStart, String championModel, double staticMmf,
                          long seed, int accounts, Map<String, PolicyResult> policies,
                          Map<String, List<FrontierPoint>> frontier, Map<CrashEvent, Integer> events) {
        this(asset, coverage, oosStart, championModel, staticMmf, seed, accounts, policies, frontier, events,
            List.of());
    }

    /**
     * One point of the frontier.
     *
     * @param scale the multiplier applied to the policy's setting
     * @param avgMargin average MMF
     * @param exceptions exception count
     * @param days days tested
     */
    public record FrontierPoint(double scale, double avgMargin, int exceptions, int days) {
    }
}
