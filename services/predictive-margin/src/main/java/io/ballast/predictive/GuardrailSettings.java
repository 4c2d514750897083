package io.ballast.predictive;

import io.ballast.margin.MarginInputException;
import java.util.Objects;

/**
 * Per-tenant guardrail settings. Each guardrail can be switched off by its neutral value (noted per component).
 *
 * @param floorMode anti-procyclicality floor (EMIR RTS 153/2013 art. 28): {@link FloorMode#NONE},
 *                  {@link FloorMode#LONG_LOOKBACK} or {@link FloorMode#STRESSED_PERIOD}
 * @param floorWeight the floor is {@code floorWeight} times the parameters mapped from the floor volatility
 *                    (1.0 is the regulatory reading; lower values are a tenant's choice shown on the frontier), in [0, 2]
 * @param bufferFraction art. 28(a) buffer added on top of computed margin in calm times (0.25 = 25 %; 0 = off)
 * @param bufferReleaseRise the buffer is released (set to 0) when the smoothed MMF rises by more than this fraction
 *                          in one day (0.25 = +25 %), > 0
 * @param bufferRebuildPerDay how fast a released buffer is rebuilt, as buffer fraction per day (0.01 = one point a day)
 * @param maxDailyIncrease largest relative rise of any parameter per 24 h (0.5 = +50 %; infinite = off)
 * @param maxDailyDecrease largest relative fall of any parameter per 24 h (0.1 = -10 %; 1 = off), in (0, 1]
 * @param minimums absolute per-parameter minimums (hard bounds, applied last)
 * @param maximums absolute per-parameter maximums (hard bounds, applied last)
 * @param smoothingUp weight of today's raw value when it is above yesterday's smoothed value (1 = no smoothing), (0, 1]
 * @param smoothingDown the same weight when today's raw value is below (1 = no smoothing), (0, 1]
 * @param maxForecastAgeDays a model forecast older than this many days at the evaluation date is stale, >= 0
 * @param sanityJumpRatio a model volatility more than this factor above the EWMA volatility is clipped to this factor
 *                        times EWMA's; one more than this factor below it is implausibly low and replaced by EWMA's
 *                        (> 1; infinite = off)
 * @param autoApplyMaxChange a recommendation whose every parameter moves by at most this relative amount from the live
 *                           value, and which did not fall back, applies on its own; otherwise it is a proposal (>= 0)
 * @param regime the regime-aware cap and intraday update ({@link RegimeSettings#off()} for the v1 behaviour)
 */
public record GuardrailSettings(FloorMode floorMode, double floorWeight, double bufferFraction, double bufferReleaseRise,
                                double bufferRebuildPerDay, double maxDailyIncrease, double maxDailyDecrease,
                                RecommendedParameters minimums, RecommendedParameters maximums, double smoothingUp,
                                double smoothingDown, int maxForecastAgeDays, double sanityJumpRatio,
                                double autoApplyMaxChange, RegimeSettings regime) {

    /** Which anti-procyclicality floor applies. */
    public enum FloorMode {
        /** No floor. */
        NONE,
        /** Floor at the margin computed with a long (up to 10-year) lookback volatility, art. 28(c). */
        LONG_LOOKBACK,
        /** Floor at the margin computed with the volatility of the most stressed 250-day period seen. */
        STRESSED_PERIOD
    }

    /** The daily increase that compounds to exactly 2x over 5 days: 2^(1/5) - 1 = 0.1487. */
    public static final double FIVE_DAY_DOUBLING_DAILY = Math.pow(2.0, 0.2) - 1;

    /**
     * Validates ranges; throws {@link MarginInputException} (an {@link IllegalArgumentException}) whose
     * {@link MarginInputException#field() field} is the component's name.
     */
    public GuardrailSettings {
        Objects.requireNonNull(floorMode, "floorMode");
        Objects.requireNonNull(minimums, "minimums");
        Objects.requireNonNull(maximums, "maximums");
        Objects.requireNonNull(regime, "regime");
        require(floorWeight >= 0 && floorWeight <= 2, "floorWeight in [0, 2]", floorWeight);
        require(bufferFraction >= 0 && bufferFraction <= 1, "bufferFraction in [0, 1]", bufferFraction);
        require(bufferReleaseRise > 0, "bufferReleaseRise > 0", bufferReleaseRise);
        require(bufferRebuildPerDay >= 0, "bufferRebuildPerDay >= 0", bufferRebuildPerDay);
        require(maxDailyIncrease > 0, "maxDailyIncrease > 0", maxDailyIncrease);
        require(maxDailyDecrease > 0 && maxDailyDecrease <= 1, "maxDailyDecrease in (0, 1]", maxDailyDecrease);
        require(smoothingUp > 0 && smoothingUp <= 1, "smoothingUp in (0, 1]", smoothingUp);
        require(smoothingDown > 0 && smoothingDown <= 1, "smoothingDown in (0, 1]", smoothingDown);
        require(maxForecastAgeDays >= 0, "maxForecastAgeDays >= 0", maxForecastAgeDays);
        require(sanityJumpRatio > 1, "sanityJumpRatio > 1", sanityJumpRatio);
        require(autoApplyMaxChange >= 0, "autoApplyMaxChange >= 0", autoApplyMaxChange);
        for (Parameter p : Parameter.values()) {
            if (minimums.get(p) > maximums.get(p)) {
                throw new IllegalArgumentException("minimum above maximum for " + p);
            }
        }
    }

    /** @param rule the component's name, a space, then the rule it breaks, e.g. {@code "floorWeight in [0, 2]"} */
    private static void require(boolean ok, String rule, double value) {
        if (!ok || Double.isNaN(value)) {
            throw new MarginInputException(rule.substring(0, rule.indexOf(' ')),
                "guardrail setting violates " + rule + ": " + value);
        }
    }

    /**
     * The documented defaults (see docs/predictive-margin.md): long-lookback floor at weight 0.5, no buffer, at most
     * +14.87 % (= 2^(1/5) - 1, so never more than 2x in 5 days) and -10 % per day, MMF within [1 %, 50 %], full weight on
     * rises and 0.3 on falls, forecasts older than 1 day are stale, a model volatility above 4x EWMA's is clipped to
     * 4x and one below EWMA's / 4 falls back to EWMA,
     * auto-apply within 10 % (tighter than the daily cap, so that a move the cap lets through in one day, between
     * 10 % and 14.87 %, goes to the committee: "small moves apply on their own, larger ones become proposals").
     *
     * @return the defaults
     */
    public static GuardrailSettings defaults() {
        return new GuardrailSettings(FloorMode.LONG_LOOKBACK, 0.5, 0.0, 0.25, 0.01, FIVE_DAY_DOUBLING_DAILY, 0.10,
            RecommendedParameters.of(0.01, 0.01, 0.0, 0.01, 0.0, 0.0),
            RecommendedParameters.of(0.5, 0.99, 0.9, 0.9, 3.0, 0.9),
            1.0, 0.3, 1, 4.0, 0.10, RegimeSettings.defaults());
    }

    /**
     * The literal EMIR preset's guardrails (RTS 153/2013 art. 28, options as written): (a) a 25 % buffer, released when
     * margin rises sharply or in stress, and (c) a floor at the margin of the 10-year lookback volatility at full
     * weight; the daily caps, bounds, fallback, regime trigger and auto-apply bound are those of {@link #defaults()}.
     * Use with {@link MappingSettings#emirLiteral()}.
     *
     * @return the EMIR-literal guardrails
     */
    public static GuardrailSettings emirLiteral() {
        return defaults().withFloorMode(FloorMode.LONG_LOOKBACK).withFloorWeight(1.0).withBuffer(0.25);
    }

    /** Settings under which every guardrail is neutral (used to show the unguarded policy through the same engine). */
    public static GuardrailSettings none() {
        return new GuardrailSettings(FloorMode.NONE, 0.0, 0.0, 0.25, 0.0, Double.POSITIVE_INFINITY, 1.0,
            RecommendedParameters.of(1e-9, 1e-9, 0.0, 1e-9, 0.0, 0.0),
            RecommendedParameters.of(1e9, 1e9, 0.999, 1e9, 1e9, 0.999),
            1.0, 1.0, Integer.MAX_VALUE, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, RegimeSettings.off());
    }

    /** @param w floor weight @return a copy with another floor weight */
    public GuardrailSettings withFloorWeight(double w) {
        return new GuardrailSettings(floorMode, w, bufferFraction, bufferReleaseRise, bufferRebuildPerDay,
            maxDailyIncrease, maxDailyDecrease, minimums, maximums, smoothingUp, smoothingDown, maxForecastAgeDays,
            sanityJumpRatio, autoApplyMaxChange, regime);
    }

    /** @param mode floor mode @return a copy with another floor mode */
    public GuardrailSettings withFloorMode(FloorMode mode) {
        return new GuardrailSettings(mode, floorWeight, bufferFraction, bufferReleaseRise, bufferRebuildPerDay,
            maxDailyIncrease, maxDailyDecrease, minimums, maximums, smoothingUp, smoothingDown, maxForecastAgeDays,
            sanityJumpRatio, autoApplyMaxChange, regime);
    }

    /** @param fraction buffer fraction @return a copy with another art. 28(a) buffer */
    public GuardrailSettings withBuffer(double fraction) {
        return new GuardrailSettings(floorMode, floorWeight, fraction, bufferReleaseRise, bufferRebuildPerDay,
            maxDailyIncrease, maxDailyDecrease, minimums, maximums, smoothingUp, smoothingDown, maxForecastAgeDays,
            sanityJumpRatio, autoApplyMaxChange, regime);
    }

    /**
     * @param up max relative rise per day
     * @param down max relative fall per day
     * @return a copy with other daily change limits
     */
    public GuardrailSettings withMaxDailyChange(double up, double down) {
        return new GuardrailSettings(floorMode, floorWeight, bufferFraction, bufferReleaseRise, bufferRebuildPerDay,
            up, down, minimums, maximums, smoothingUp, smoothingDown, maxForecastAgeDays, sanityJumpRatio,
            autoApplyMaxChange, regime);
    }

    /**
     * @param up weight on rises
     * @param down weight on falls
     * @return a copy with other smoothing weights
     */
    public GuardrailSettings withSmoothing(double up, double down) {
        return new GuardrailSettings(floorMode, floorWeight, bufferFraction, bufferReleaseRise, bufferRebuildPerDay,
            maxDailyIncrease, maxDailyDecrease, minimums, maximums, up, down, maxForecastAgeDays, sanityJumpRatio,
            autoApplyMaxChange, regime);
    }

    /** @param r regime settings @return a copy with other regime settings */
    public GuardrailSettings withRegime(RegimeSettings r) {
        return new GuardrailSettings(floorMode, floorWeight, bufferFraction, bufferReleaseRise, bufferRebuildPerDay,
            maxDailyIncrease, maxDailyDecrease, minimums, maximums, smoothingUp, smoothingDown, maxForecastAgeDays,
            sanityJumpRatio, autoApplyMaxChange, r);
    }

    /**
     * @param min minimums
     * @param max maximums
     * @return a copy with other hard bounds
     */
    public GuardrailSettings withBounds(RecommendedParameters min, RecommendedParameters max) {
        return new GuardrailSettings(floorMode, floorWeight, bufferFraction, bufferReleaseRise, bufferRebuildPerDay,
            maxDailyIncrease, maxDailyDecrease, min, max, smoothingUp, smoothingDown, maxForecastAgeDays,
            sanityJumpRatio, autoApplyMaxChange, regime);
    }
}
