package io.ballast.risk.recommendation.service;

import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.RecommendedParameters;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * One asset's recommendation as stored and served.
 *
 * @param id                recommendation id
 * @param runId             the run that made it (null for rows made before runs existed)
 * @param asset             asset symbol
 * @param date              day the parameters are for (the day after the last bar)
 * @param lastBarDate       last daily bar used (the forecasts were made at its close)
 * @param bars              daily bars used
 * @param decision          AUTO_APPLY (every parameter within the tenant's auto-apply bound of the parameters in
 *                          force) or PROPOSAL
 * @param recommended       parameters after every guardrail (fractions)
 * @param raw               parameters mapped from the forecast used, before guardrails
 * @param live              the parameters in force it was compared against, or null when the asset has none
 * @param liveVersion       the {@code risk_parameter} version in force, or null
 * @param forecastModel     model whose forecast was used ("EWMA" after a fallback)
 * @param modelVersion      registered model version the forecasts came from (per tenant and asset)
 * @param forecasts         the forecasts made, one per horizon and model
 * @param fallbackReason    why the registered champion was not used, or null
 * @param sigmaPerp         forecast volatility over the perp MPOR (log-return standard deviation)
 * @param sigmaOption       forecast volatility over the option MPOR
 * @param floor             the anti-procyclicality floor
 * @param bindingGuardrails guardrails that changed at least one parameter, in the order applied
 * @param evidence          human-readable lines from the engine
 * @param settings          the mapping settings used (coverage, MPORs, multipliers)
 * @param computeMillis     wall time of forecasting and the engine, milliseconds
 */
public record AssetRecommendation(UUID id, UUID runId, String asset, LocalDate date, LocalDate lastBarDate, int bars,
        String decision, RecommendedParameters recommended, RecommendedParameters raw, RecommendedParameters live,
        Integer liveVersion, String forecastModel, Integer modelVersion, List<Forecast> forecasts,
        String fallbackReason, double sigmaPerp, double sigmaOption, Floor floor, List<String> bindingGuardrails,
        List<String> evidence, MappingSettings settings, long computeMillis) {

    /**
     * The floor the anti-procyclicality guardrail applied.
     *
     * @param mode     floor mode (LONG_LOOKBACK, STRESSED_PERIOD or NONE)
     * @param weight   weight on the floor parameters
     * @param dailyVol floor daily log-return volatility
     * @param mmf      the floor on MMF: weight times the MMF mapped from the floor volatility
     */
    public record Floor(String mode, double weight, double dailyVol, double mmf) {
    }

    /**
     * One forecast a recommendation used.
     *
     * @param horizonDays  horizon (days)
     * @param model        model name
     * @param modelVersion registered version, or null for EWMA (parameter-free, not registered)
     * @param variance     variance of the h-day log return (daily units, not annualised)
     */
    public record Forecast(int horizonDays, String model, Integer modelVersion, double variance) {
    }
}
