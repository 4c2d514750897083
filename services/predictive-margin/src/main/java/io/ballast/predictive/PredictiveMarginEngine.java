package io.ballast.predictive;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns forecasts into a guarded recommendation. Stateless and thread-safe: the state between days travels in
 * {@link GuardrailState}. Use {@link #DEFAULT}.
 *
 * <p>Steps, in order (each documented in docs/predictive-margin.md):
 * <ol>
 *   <li>choose the forecast per MPOR: the champion's, clipped to the sanity ratio times EWMA's when it is above
 *       it; EWMA instead, saying so, when the champion's is missing, stale, invalid (NaN, infinite, non-positive)
 *       or implausibly low (below EWMA's over the sanity ratio); with neither, hold the live values;</li>
 *   <li>intraday update (only for a request whose {@link Realised} covers part of a day): the forecast variance
 *       moves up towards the variance realised since the close, at a daily rate, with weight
 *       {@code hours / (hours + intradayHalfWeightHours)} ({@link RegimeSettings});</li>
 *   <li>regime: stress when the realised daily-rate volatility exceeds k times the forecast's, or when the MPOR move
 *       exceeded the maintenance fraction in force (an exception);</li>
 *   <li>map to raw parameters ({@link ParameterMapper});</li>
 *   <li>smoothing: exponential, with separate weights for rises and falls;</li>
 *   <li>anti-procyclicality floor: at least {@code floorWeight} times the parameters mapped from the floor volatility;</li>
 *   <li>art. 28(a) buffer: add the buffer level; release it in stress or when the smoothed MMF jumps, rebuild it
 *       slowly;</li>
 *   <li>maximum change per parameter per 24 h against the live values; in stress the rise may reach
 *       {@code stressMaxDailyIncrease}; the initial margin fraction is not capped unless {@code capInitialMargin};</li>
 *   <li>absolute minimum and maximum per parameter (last, so they always hold);</li>
 *   <li>decision: auto-apply when the champion's forecast was used (not a fallback) and every parameter moves
 *       within the tenant's auto-apply bound, else a proposal.</li>
 * </ol>
 */
public final class PredictiveMarginEngine {

    /** The single stateless instance. */
    public static final PredictiveMarginEngine DEFAULT = new PredictiveMarginEngine();

    private PredictiveMarginEngine() {
    }

    /**
     * A forecast chosen for one horizon, with the reason the champion was passed over (null if it was not) and
     * whether the champion's forecast was clipped to the sanity bound.
     */
    private record Chosen(VolForecast forecast, String fallbackReason, boolean clipped) {
    }

    /**
     * Computes the recommendation for one tenant, asset and day.
     *
     * @param request the inputs
     * @return the recommendation with decision, evidence and the next state
     * @throws IllegalStateException when no usable forecast exists and there are no live parameters to hold
     */
    public Recommendation recommend(RecommendationRequest request) {
        MappingSettings map = request.mapping();
        GuardrailSettings g = request.guardrails();
        GuardrailState prev = request.previous();
        List<String> evidence = new ArrayList<>();
        List<String> binding = new ArrayList<>();

        Chosen perp = choose(request, map.mporPerpDays(), evidence);
        if (perp.forecast() == null) {
            if (prev == null) {
                throw new IllegalStateException("no usable forecast for " + request.asset() + " on " + request.date()
                    + " (" + perp.fallbackReason() + ") and no live parameters to hold");
            }
            evidence.add("HOLD: no usable champion or EWMA forecast (" + perp.fallbackReason()
                + "); live parameters kept");
            binding.add("fallback-hold");
            GuardrailState next = new GuardrailState(request.date(), prev.applied(), prev.smoothed(), prev.bufferLevel());
            return new Recommendation(request.tenantId(), request.asset(), request.date(), Decision.PROPOSAL,
                prev.applied(), prev.applied(), prev.applied(), "none", Double.NaN, Double.NaN,
                "hold: " + perp.fallbackReason(), binding, evidence, next);
        }
        double sigmaPerp = perp.forecast().sigma();
        Chosen option = choose(request, map.mporOptionDays(), evidence);
        double sigmaOption;
        if (option.forecast() != null) {
            sigmaOption = option.forecast().sigma();
        } else {
            sigmaOption = sigmaPerp * Math.sqrt((double) map.mporOptionDays() / map.mporPerpDays());
            evidence.add("option MPOR " + map.mporOptionDays() + "d: no usable forecast (" + option.fallbackReason()
                + "); perp volatility scaled by sqrt(time)");
        }
        String fallbackReason = perp.fallbackReason();
        if (fallbackReason != null) {
            binding.add("fallback-ewma");
        }
        if (perp.clipped() || option.clipped()) {
            binding.add("sanity-clip");
        }

        RegimeSettings rg = g.regime();
        Realised real = request.realised();
        String stress = stressReason(real, sigmaPerp * sigmaPerp / map.mporPerpDays(), prev, rg);
        if (real != null && real.intraday() && Double.isFinite(real.variance())
            && Double.isFinite(rg.intradayHalfWeightHours())) {
            double w = real.elapsedHours() / (real.elapsedHours() + rg.intradayHalfWeightHours());
            double rate = real.dailyRateVariance();
            double perpVar = Math.max(sigmaPerp * sigmaPerp, (1 - w) * sigmaPerp * sigmaPerp
                + w * rate * map.mporPerpDays());
            double optionVar = Math.max(sigmaOption * sigmaOption, (1 - w) * sigmaOption * sigmaOption
                + w * rate * map.mporOptionDays());
            if (perpVar > sigmaPerp * sigmaPerp) {
                binding.add("intraday-update");
                evidence.add(String.format(Locale.ROOT,
                    "intraday update after %.0f h: realised daily-rate sigma %.5f, weight %.2f; sigma(%dd) %.5f -> %.5f",
                    real.elapsedHours(), Math.sqrt(rate), w, map.mporPerpDays(), sigmaPerp, Math.sqrt(perpVar)));
            }
            sigmaPerp = Math.sqrt(perpVar);
            sigmaOption = Math.sqrt(optionVar);
        }
        if (stress != null) {
            binding.add("stress-release");
            evidence.add("STRESS: " + stress + "; daily increase cap released to "
                + String.format(Locale.ROOT, "%.0f %%", 100 * rg.stressMaxDailyIncrease()) + ", buffer released");
        }

        RecommendedParameters raw = ParameterMapper.DEFAULT.map(sigmaPerp, sigmaOption, map);
        evidence.add(String.format(Locale.ROOT, "forecast %s: sigma(%dd)=%.5f, sigma(%dd)=%.5f -> raw MMF %.5f",
            perp.forecast().model(), map.mporPerpDays(), sigmaPerp, map.mporOptionDays(), sigmaOption, raw.mmf()));

        // smoothing
        RecommendedParameters smoothed = prev == null ? raw : raw.combine(prev.smoothed(),
            (x, s) -> x > s ? g.smoothingUp() * x + (1 - g.smoothingUp()) * s
                : g.smoothingDown() * x + (1 - g.smoothingDown()) * s);
        note("smoothing", raw, smoothed, binding, evidence);

        // anti-procyclicality floor
        RecommendedParameters floored = smoothed;
        double floorSigma = request.floorDailySigma();
        if (g.floorMode() != GuardrailSettings.FloorMode.NONE && g.floorWeight() > 0 && floorSigma > 0
            && Double.isFinite(floorSigma)) {
            RecommendedParameters floor = ParameterMapper.DEFAULT.map(
                floorSigma * Math.sqrt(map.mporPerpDays()), floorSigma * Math.sqrt(map.mporOptionDays()), map);
            floored = smoothed.combine(floor, (x, f) -> Math.max(x, g.floorWeight() * f));
            note("floor-" + g.floorMode().name().toLowerCase(Locale.ROOT), smoothed, floored, binding, evidence);
        }

        // art. 28(a) buffer
        double level = 0.0;
        if (g.bufferFraction() > 0) {
            if (prev == null) {
                level = g.bufferFraction();
            } else if (stress != null) {
                level = 0.0;
                binding.add("buffer-release");
                evidence.add("buffer released: stress");
            } else if (smoothed.mmf() > prev.smoothed().mmf() * (1 + g.bufferReleaseRise())) {
                level = 0.0;
                binding.add("buffer-release");
                evidence.add(String.format(Locale.ROOT, "buffer released: smoothed MMF rose %.1f %% in one step",
                    100 * (smoothed.mmf() / prev.smoothed().mmf() - 1)));
            } else {
                level = Math.min(g.bufferFraction(), prev.bufferLevel() + g.bufferRebuildPerDay());
            }
        }
        double factor = 1 + level;
        RecommendedParameters buffered = level > 0 ? floored.map(x -> x * factor) : floored;
        if (level > 0) {
            evidence.add(String.format(Locale.ROOT, "buffer %.1f %% on top: MMF %.5f -> %.5f", 100 * level,
                floored.mmf(), buffered.mmf()));
        }

        // maximum change per 24 h
        RecommendedParameters limited = buffered;
        if (prev != null) {
            long days = Math.max(1, ChronoUnit.DAYS.between(prev.date(), request.date()));
            double normalUp = Math.pow(1 + g.maxDailyIncrease(), days);
            double up = stress == null ? normalUp : Math.max(normalUp, 1 + rg.stressMaxDailyIncrease());
            double down = Math.pow(1 - g.maxDailyDecrease(), days);
            boolean capImf = rg.capInitialMargin();
            limited = buffered.combine(prev.applied(), (p, x, live) -> p == Parameter.IMF && !capImf ? x
                : Math.min(Math.max(x, live * down), live * up));
            note("max-change", buffered, limited, binding, evidence);
        }

        // absolute bounds, last
        RecommendedParameters bounded = limited.combine(g.minimums(),
            (p, x, lo) -> Math.min(Math.max(x, lo), g.maximums().get(p)));
        note("bounds", limited, bounded, binding, evidence);

        Decision decision = decide(bounded, prev, g, fallbackReason, evidence);
        GuardrailState next = new GuardrailState(request.date(), bounded, smoothed, level);
        return new Recommendation(request.tenantId(), request.asset(), request.date(), decision, bounded, raw,
            prev == null ? null : prev.applied(), perp.forecast().model(), sigmaPerp, sigmaOption, fallbackReason,
            binding, evidence, next);
    }

    /**
     * Why the market is in stress for this recommendation, or null when it is not: realised volatility (daily rate)
     * above k times the forecast's daily volatility, or an exception against the maintenance fraction in force.
     */
    private static String stressReason(Realised real, double forecastDailyVariance, GuardrailState prev,
                                       RegimeSettings rg) {
        if (real == null) {
            return null;
        }
        double rate = real.dailyRateVariance();
        double k = rg.stressTriggerRatio();
        if (Double.isFinite(rate) && Double.isFinite(k) && rate > k * k * forecastDailyVariance) {
            return String.format(Locale.ROOT, "realised daily-rate sigma %.5f over %.0f h is %.2fx the forecast's %.5f"
                + " (trigger k = %.2f)", Math.sqrt(rate), real.elapsedHours(), Math.sqrt(rate / forecastDailyVariance),
                Math.sqrt(forecastDailyVariance), k);
        }
        if (rg.exceptionTrigger() && prev != null && real.moveAbs() > prev.applied().mmf()) {
            return String.format(Locale.ROOT, "exception: MPOR move %.4f above the MMF in force %.4f", real.moveAbs(),
                prev.applied().mmf());
        }
        return null;
    }

    private static Decision decide(RecommendedParameters rec, GuardrailState prev, GuardrailSettings g,
                                   String fallbackReason, List<String> evidence) {
        if (prev == null) {
            evidence.add("decision PROPOSAL: no live parameters to compare with");
            return Decision.PROPOSAL;
        }
        if (fallbackReason != null) {
            evidence.add("decision PROPOSAL: the forecast fell back (" + fallbackReason + ")");
            return Decision.PROPOSAL;
        }
        for (Parameter p : Parameter.values()) {
            double live = prev.applied().get(p);
            double change = live == 0 ? (rec.get(p) == 0 ? 0 : Double.POSITIVE_INFINITY)
                : Math.abs(rec.get(p) / live - 1);
            if (change > g.autoApplyMaxChange()) {
                evidence.add(String.format(Locale.ROOT, "decision PROPOSAL: %s moves %.1f %% (auto-apply bound %.1f %%)",
                    p, 100 * change, 100 * g.autoApplyMaxChange()));
                return Decision.PROPOSAL;
            }
        }
        evidence.add(String.format(Locale.ROOT, "decision AUTO_APPLY: every parameter within %.1f %% of live",
            100 * g.autoApplyMaxChange()));
        return Decision.AUTO_APPLY;
    }

    private static void note(String guardrail, RecommendedParameters before, RecommendedParameters after,
                             List<String> binding, List<String> evidence) {
        boolean changed = false;
        for (Parameter p : Parameter.values()) {
            double b = before.get(p);
            double a = after.get(p);
            if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(b))) {
                changed = true;
                evidence.add(String.format(Locale.ROOT, "%s: %s %.5f -> %.5f", guardrail, p, b, a));
            }
        }
        if (changed) {
            binding.add(guardrail);
        }
    }

    /**
     * The champion's forecast for one horizon, checked against EWMA's. Too high (sigma above {@code sanityJumpRatio}
     * times EWMA's): clipped to that bound, never replaced by the lower EWMA figure, because a forecast far above EWMA
     * is what a crash day looks like. Too low (below 1/{@code sanityJumpRatio}), missing, stale or invalid: EWMA.
     */
    private static Chosen choose(RecommendationRequest request, int horizon, List<String> evidence) {
        GuardrailSettings g = request.guardrails();
        VolForecast model = request.modelForecasts().get(horizon);
        VolForecast ewma = request.ewmaForecasts().get(horizon);
        String ewmaProblem = problem(ewma, request, g);
        String reason = problem(model, request, g);
        if (reason == null && ewmaProblem == null) {
            double ratio = model.sigma() / ewma.sigma();
            if (ratio > g.sanityJumpRatio()) {
                double bound = g.sanityJumpRatio();
                VolForecast clipped = VolForecast.of(model.asset(), model.model(), model.horizonDays(), model.asOf(),
                    bound * bound * ewma.variance());
                evidence.add(String.format(Locale.ROOT,
                    "CLIPPED for %dd: %s sigma %.5f is %.2fx EWMA's, above the sanity bound %.1fx; used %.5f",
                    horizon, model.model(), model.sigma(), ratio, bound, clipped.sigma()));
                return new Chosen(clipped, null, true);
            }
            if (ratio < 1 / g.sanityJumpRatio()) {
                reason = String.format(Locale.ROOT, "implausibly low: %s sigma is %.2fx EWMA's (sanity bound 1/%.1f)",
                    model.model(), ratio, g.sanityJumpRatio());
            }
        }
        if (reason == null) {
            return new Chosen(model, null, false);
        }
        if (ewmaProblem == null) {
            evidence.add("FALLBACK to EWMA for " + horizon + "d: champion " + reason);
            return new Chosen(ewma, "champion " + reason, false);
        }
        return new Chosen(null, "champion " + reason + "; EWMA " + ewmaProblem, false);
    }

    private static String problem(VolForecast f, RecommendationRequest request, GuardrailSettings g) {
        if (f == null) {
            return "missing";
        }
        long age = ChronoUnit.DAYS.between(f.asOf(), request.date());
        if (age > g.maxForecastAgeDays()) {
            return "stale: made " + f.asOf() + ", " + age + " days before " + request.date();
        }
        if (age < 0) {
            return "from the future: made " + f.asOf();
        }
        if (!(f.variance() > 0) || !Double.isFinite(f.variance())) {
            return "invalid variance " + f.variance();
        }
        return null;
    }
}
