package io.ballast.predictive;

import io.ballast.ml.api.ForecastSeries;
import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.HourlyBar;
import io.ballast.ml.proxy.VarianceProxies;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The entry point a service calls: from an asset's daily bars and a tenant's settings, today's recommendation.
 * It asks the forecaster (ml-models) for the champion's and EWMA's forecasts made at the last bar's close for each
 * MPOR, computes the floor volatility from the same bars and runs {@link PredictiveMarginEngine}. A champion that
 * cannot forecast (for instance too little history) is treated as missing, so the engine falls back to EWMA and says
 * so. Stateless; CPU-bound (a champion selection refits every candidate over a validation year, which takes seconds
 * to minutes when ML models compete): call it off any event loop, for instance once a day per asset.
 */
public final class Recommender {

    private Recommender() {
    }

    /**
     * Today's recommendation for one tenant and asset.
     *
     * @param tenantId tenant (from the verified token)
     * @param asset asset symbol
     * @param bars validated ascending daily bars of the asset, up to the latest complete day
     * @param model the forecaster's model to use: "champion" (chosen by ml-models' {@code ChampionPolicy}: HAR unless
     *              the model confidence set of the last year excludes it; the default) or a fixed name such as "HAR"
     * @param mapping the tenant's mapping settings
     * @param guardrails the tenant's guardrail settings
     * @param previous the state stored from the previous recommendation, or null
     * @param evaluationDate the day the recommendation is for (a forecast made before it by more than the tenant's
     *                       maximum age is stale)
     * @return the recommendation; {@link Recommendation#nextState()} is to be stored for the next call
     */
    public static Recommendation latest(String tenantId, String asset, List<DailyBar> bars, String model,
                                        MappingSettings mapping,
                                        GuardrailSettings guardrails, GuardrailState previous,
                                        LocalDate evaluationDate) {
        Objects.requireNonNull(bars, "bars");
        if (bars.size() < 2) {
            throw new IllegalArgumentException("need at least 2 daily bars, got " + bars.size());
        }
        LocalDate last = bars.get(bars.size() - 1).date();
        Map<Integer, VolForecast> modelForecasts = new HashMap<>();
        for (int h : horizons(mapping)) {
            forecastAt(asset, bars, model, h, last).ifPresent(f -> modelForecasts.put(h, f));
        }
        return withForecasts(tenantId, asset, bars, modelForecasts, mapping, guardrails, previous, evaluationDate);
    }

    /** The horizons (days) a recommendation needs forecasts for: the perp and option MPORs. */
    public static Set<Integer> horizons(MappingSettings mapping) {
        return new TreeSet<>(List.of(mapping.mporPerpDays(), mapping.mporOptionDays()));
    }

    /**
     * Today's recommendation from model forecasts made elsewhere (for instance by a registered model, without any
     * refit). EWMA's forecasts (the fallback) and the floor volatility are computed here from the same bars; the
     * engine's maths are those of {@link #latest}.
     *
     * @param tenantId       tenant (from the verified token)
     * @param asset          asset symbol
     * @param bars           validated ascending daily bars, up to the latest complete day
     * @param modelForecasts the model's forecasts made at the last bar's close, by horizon (may miss horizons)
     * @param mapping        the tenant's mapping settings
     * @param guardrails     the tenant's guardrail settings
     * @param previous       the guardrail state to compare with (its {@code applied} parameters are the live ones),
     *                       or null
     * @param evaluationDate the day the recommendation is for
     * @return the recommendation
     */
    public static Recommendation withForecasts(String tenantId, String asset, List<DailyBar> bars,
                                               Map<Integer, VolForecast> modelForecasts, MappingSettings mapping,
                                               GuardrailSettings guardrails, GuardrailState previous,
                                               LocalDate evaluationDate) {
        return withForecasts(tenantId, asset, bars, modelForecasts, mapping, guardrails, previous, evaluationDate,
            null);
    }

    /**
     * As {@link #withForecasts(String, String, List, Map, MappingSettings, GuardrailSettings, GuardrailState,
     * LocalDate)}, with what was realised since the close given: the service's intraday pass passes
     * {@link #realisedSinceClose} of its hourly index prices, so the engine's intraday rules apply.
     *
     * @param realised what was realised since the forecasts were made, or null for the close's own
     *                 ({@link #realisedAtClose})
     */
    public static Recommendation withForecasts(String tenantId, String asset, List<DailyBar> bars,
                                               Map<Integer, VolForecast> modelForecasts, MappingSettings mapping,
                                               GuardrailSettings guardrails, GuardrailState previous,
                                               LocalDate evaluationDate, Realised realised) {
        Objects.requireNonNull(bars, "bars");
        if (bars.size() < 2) {
            throw new IllegalArgumentException("need at least 2 daily bars, got " + bars.size());
        }
        LocalDate last = bars.get(bars.size() - 1).date();
        Map<Integer, VolForecast> ewma = new HashMap<>();
        for (int h : horizons(mapping)) {
            forecastAt(asset, bars, "EWMA", h, last).ifPresent(f -> ewma.put(h, f));
        }
        double[] floor = FloorVolatility.forMode(guardrails.floorMode(), FloorVolatility.logReturns(bars));
        return fromInputs(tenantId, asset, modelForecasts, ewma, floor[floor.length - 1],
            realised != null ? realised : realisedAtClose(bars, mapping.mporPerpDays()), mapping, guardrails, previous,
            evaluationDate);
    }

    /**
     * The one call into the engine that both the service (through {@link #withForecasts}) and the backtest make, so
     * that what is evaluated is what runs: every input is given, nothing is recomputed.
     *
     * @param tenantId       tenant
     * @param asset          asset symbol
     * @param modelForecasts the model's forecasts by horizon (days)
     * @param ewmaForecasts  EWMA's forecasts by horizon (the fallback)
     * @param floorDailySigma floor volatility (daily), NaN for none
     * @param realised       what was realised since the forecasts were made (regime trigger, intraday update), or null
     * @param mapping        mapping settings
     * @param guardrails     guardrail settings
     * @param previous       the guardrail state to compare with, or null
     * @param evaluationDate the day the recommendation is for
     * @return the recommendation
     */
    public static Recommendation fromInputs(String tenantId, String asset, Map<Integer, VolForecast> modelForecasts,
                                            Map<Integer, VolForecast> ewmaForecasts, double floorDailySigma,
                                            Realised realised, MappingSettings mapping, GuardrailSettings guardrails,
                                            GuardrailState previous, LocalDate evaluationDate) {
        return PredictiveMarginEngine.DEFAULT.recommend(new RecommendationRequest(tenantId, asset, evaluationDate,
            modelForecasts, ewmaForecasts, floorDailySigma, mapping, guardrails, previous, realised));
    }

    /**
     * What daily bars alone say was realised at the last close: the Garman-Klass variance of the last bar (a
     * complete day, 24 h) and the close-to-close move over the perp MPOR (NaN when the bar {@code mporDays} calendar
     * days earlier is missing). The service has daily bars only, so this is its input to the regime trigger; the
     * backtest uses the same when it has no hourly bars for the day.
     *
     * @param bars     ascending daily bars, at least 1
     * @param mporDays perp MPOR in days
     * @return the realised figures of the last bar
     */
    public static Realised realisedAtClose(List<DailyBar> bars, int mporDays) {
        DailyBar last = bars.get(bars.size() - 1);
        double variance = Math.max(0, VarianceProxies.garmanKlass(last.open(), last.high(), last.low(), last.close()));
        double move = Double.NaN;
        int j = bars.size() - 1 - mporDays;
        if (j >= 0 && bars.get(j).date().plusDays(mporDays).equals(last.date())) {
            move = Math.abs(last.close() / bars.get(j).close() - 1);
        }
        return new Realised(variance, 24, move);
    }

    /**
     * What was realised since the last daily close, for the intraday update: the one definition the service's
     * intraday pass and the backtest both use. The variance is the sum of squared log returns of the hourly closes,
     * chained from the daily close; the elapsed hours run from 00:00 UTC (the close) to the end of the last bar's
     * hour (a bar of 13:00 UTC covers 14 h); the move is the last hourly close against the daily close
     * {@code mporPerpDays - 1} days before the last close, |P_now / P_ref - 1|.
     *
     * @param dailyClose   the close of the last complete day
     * @param mporRefClose the daily close the perp MPOR move is measured from
     * @param hourly       ascending hourly bars of the UTC day after that close (the last price of each hour;
     *                     hours without a price are skipped), at least one
     * @return the realised figures, or null when the last bar's hour ends the day (24 h: that is the next close)
     */
    public static Realised realisedSinceClose(double dailyClose, double mporRefClose, List<HourlyBar> hourly) {
        if (hourly.isEmpty()) {
            throw new IllegalArgumentException("need at least one hourly bar since the close");
        }
        double prev = dailyClose;
        double variance = 0;
        for (HourlyBar b : hourly) {
            double r = Math.log(b.close() / prev);
            variance += r * r;
            prev = b.close();
        }
        int hours = hourly.get(hourly.size() - 1).time().atZone(ZoneOffset.UTC).getHour() + 1;
        if (hours >= 24) {
            return null;
        }
        return new Realised(variance, hours, Math.abs(prev / mporRefClose - 1));
    }

    private static java.util.Optional<VolForecast> forecastAt(String asset, List<DailyBar> bars, String model, int h,
                                                              LocalDate day) {
        try {
            ForecastSeries s = Forecasts.walkForward(asset, bars, model, h, day);
            if (s.size() == 0 || !s.date(s.size() - 1).equals(day)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(VolForecast.of(asset, s.model(), h, day, s.variance(s.size() - 1)));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
