package io.ballast.predictive;

import io.ballast.ml.api.ForecastSeries;
import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.HourlyBar;
import io.ballast.ml.proxy.VarianceProxies;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
        Map<Integer, VolForecast> ewma = ewmaForecasts(asset, bars, mapping);
        return fromInputs(tenantId, asset, modelForecasts, ewma, floorSigma(bars, guardrails),
            realisedAtClose(bars, mapping.mporPerpDays()), mapping, guardrails, previous, evaluationDate);
    }

    /** EWMA's forecasts (the fallback) made at the last bar's close, by horizon, as {@link #withForecasts} uses. */
    private static Map<Integer, VolForecast> ewmaForecasts(String asset, List<DailyBar> bars, MappingSettings mapping) {
        Objects.requireNonNull(bars, "bars");
        if (bars.size() < 2) {
            throw new IllegalArgumentException("need at least 2 daily bars, got " + bars.size());
        }
        LocalDate last = bars.get(bars.size() - 1).date();
        Map<Integer, VolForecast> ewma = new HashMap<>();
        for (int h : horizons(mapping)) {
            forecastAt(asset, bars, "EWMA", h, last).ifPresent(f -> ewma.put(h, f));
        }
        return ewma;
    }

    /** The floor volatility (daily) of the last bar, as {@link #withForecasts} uses. */
    private static double floorSigma(List<DailyBar> bars, GuardrailSettings guardrails) {
        double[] floor = FloorVolatility.forMode(guardrails.floorMode(), FloorVolatility.logReturns(bars));
        return floor[floor.length - 1];
    }

    /**
     * One hour's intraday decision (docs/predictive-margin.md section 7, "Intraday"), from the bars up to the last
     * close and the hourly closes since: what the risk service's intraday pass runs. The backtest runs the same
     * decision through {@link #intradayFromInputs} with the EWMA forecasts and floor it computed from the same bars.
     *
     * @param tenantId       tenant
     * @param asset          asset symbol
     * @param bars           ascending daily bars up to the last close (the close whose recommendation is in question)
     * @param hourly         the hourly closes of the UTC day after that close, ascending, at least one
     * @param modelForecasts the model's forecasts made at that close, by horizon (the close's own)
     * @param mapping        mapping settings
     * @param guardrails     guardrail settings
     * @param atClose        the guardrail state the close's recommendation was computed from (not the one it left)
     * @param live           the parameters live now (the close's recommendation and earlier hours' raises)
     * @return the decision, or null when the last hourly bar ends the day (that is the next close's business)
     */
    public static Intraday intraday(String tenantId, String asset, List<DailyBar> bars, List<HourlyBar> hourly,
                                    Map<Integer, VolForecast> modelForecasts, MappingSettings mapping,
                                    GuardrailSettings guardrails, GuardrailState atClose, RecommendedParameters live) {
        Map<Integer, VolForecast> ewma = ewmaForecasts(asset, bars, mapping);
        int last = bars.size() - 1;
        double refClose = bars.get(Math.max(0, last + 1 - mapping.mporPerpDays())).close();
        Realised since = realisedSinceClose(bars.get(last).close(), refClose, hourly);
        if (since == null) {
            return null;
        }
        return intradayFromInputs(tenantId, asset, modelForecasts, ewma, floorSigma(bars, guardrails), since, mapping,
            guardrails, atClose, live, bars.get(last).date().plusDays(1));
    }

    /**
     * The intraday decision both the service and the backtest take, every input given. An intraday update is the
     * close's recommendation recomputed with what has been realised since that close: the engine runs from the same
     * state as the close did ({@code atClose}), so smoothing, the buffer and the 24-hour change limit each act once a
     * day, not once more every hour on top of the close's result (that second step raised calm paths). It raises
     * when, and only when, what was realised acted (the engine's {@code intraday-update}: the forecast moved up, or
     * {@code stress-release}: the trigger fired in this hour) and the result is above {@code live} in some parameter;
     * a calm path leaves the close's recommendation as it is. The parameters then put forward never lower a live one.
     *
     * @param tenantId       tenant
     * @param asset          asset symbol
     * @param modelForecasts the model's forecasts made at the close, by horizon
     * @param ewmaForecasts  EWMA's forecasts made at the close, by horizon
     * @param floorDailySigma floor volatility (daily) at the close, NaN for none
     * @param since          what was realised since the close ({@link #realisedSinceClose}), covering part of a day
     * @param mapping        mapping settings
     * @param guardrails     guardrail settings
     * @param atClose        the guardrail state the close's recommendation was computed from
     * @param live           the parameters live now
     * @param evaluationDate the day the close's recommendation is for
     * @return the decision
     */
    public static Intraday intradayFromInputs(String tenantId, String asset, Map<Integer, VolForecast> modelForecasts,
                                              Map<Integer, VolForecast> ewmaForecasts, double floorDailySigma,
                                              Realised since, MappingSettings mapping, GuardrailSettings guardrails,
                                              GuardrailState atClose, RecommendedParameters live,
                                              LocalDate evaluationDate) {
        Objects.requireNonNull(atClose, "atClose: an intraday update needs the state the close started from");
        Objects.requireNonNull(live, "live");
        if (!since.intraday()) {
            throw new IllegalArgumentException("an intraday decision needs what was realised over part of a day, got "
                + since.elapsedHours() + " h");
        }
        Recommendation r = fromInputs(tenantId, asset, modelForecasts, ewmaForecasts, floorDailySigma, since,
            mapping, guardrails, atClose, evaluationDate);
        boolean acted = r.bindingGuardrails().contains("intraday-update")
            || r.bindingGuardrails().contains("stress-release");
        boolean raises = false;
        // decreases wait for the close: the parameters put forward never lower a live one
        List<String> binding = new ArrayList<>(r.bindingGuardrails());
        List<String> evidence = new ArrayList<>(r.evidence());
        for (Parameter p : Parameter.values()) {
            double x = r.recommended().get(p);
            raises |= x > live.get(p) * (1 + 1e-9);
            if (x < live.get(p)) {
                evidence.add(String.format(java.util.Locale.ROOT, "intraday-no-decrease: %s %.5f -> %.5f (live)", p,
                    x, live.get(p)));
                if (!binding.contains("intraday-no-decrease")) {
                    binding.add("intraday-no-decrease");
                }
            }
        }
        RecommendedParameters kept = r.recommended().combine(live, Math::max);
        GuardrailState n = r.nextState();
        Recommendation out = new Recommendation(r.tenantId(), r.asset(), r.date(), r.decision(), kept, r.raw(),
            r.live(), r.forecastModel(), r.sigmaPerp(), r.sigmaOption(), r.fallbackReason(), binding, evidence,
            new GuardrailState(n.date(), kept, n.smoothed(), n.bufferLevel()));
        return new Intraday(since, out, acted && raises);
    }

    /**
     * One hour's intraday decision.
     *
     * @param since          what was realised since the close
     * @param recommendation the hour's recommendation: the engine's from the state the close started from (its
     *                       {@code live} is that state's, the base of the 24-hour change limit and the auto-apply
     *                       bound), each parameter then held at least at the live one ({@code intraday-no-decrease})
     * @param raises         whether to re-margin: what was realised acted and the engine's result is above what is
     *                       live in some parameter
     */
    public record Intraday(Realised since, Recommendation recommendation, boolean raises) {

        /**
         * The guardrail state after this hour, from the state before it: when it raised, its parameters are live and
         * the buffer is the lowest the day has seen (a release in stress holds); the smoothing stays the close's.
         *
         * @param current the state before this hour (the close's, or the last raising hour's)
         * @return the state after it
         */
        public GuardrailState after(GuardrailState current) {
            if (!raises) {
                return current;
            }
            return new GuardrailState(current.date(), recommendation.recommended(), current.smoothed(),
                Math.min(current.bufferLevel(), recommendation.nextState().bufferLevel()));
        }
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
