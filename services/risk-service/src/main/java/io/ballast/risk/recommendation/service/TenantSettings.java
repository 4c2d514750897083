package io.ballast.risk.recommendation.service;

import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.RegimeSettings;
import io.ballast.predictive.RecommendedParameters;
import io.ballast.risk.governance.domain.RiskSettings;

/**
 * The settings a recommendation is made with, from the tenant's risk settings in force (docs/governance.md): the
 * predictive mapping, the guardrails, and the portfolio values (scan range, vol shocks) the guardrails compare
 * against. A tenant without stored settings (none is written before onboarding's defaults) uses the documented
 * defaults of each component.
 *
 * @param mapping              forecast-to-parameter mapping (coverage, MPORs, tail and liquidity factors)
 * @param guardrails           anti-procyclicality guardrails and the auto-apply bound
 * @param scanRangeFraction    scan range in force, fraction of the price
 * @param volShockUpFraction   upward vol shock in force, relative
 * @param volShockDownFraction downward vol shock in force, relative
 */
public record TenantSettings(MappingSettings mapping, GuardrailSettings guardrails, double scanRangeFraction,
        double volShockUpFraction, double volShockDownFraction) {

    /**
     * The settings of a stored version, or the defaults when there is none.
     *
     * @param s the risk settings in force, or null
     * @return the settings to recommend with
     */
    public static TenantSettings of(RiskSettings s) {
        if (s == null) {
            MarketRiskParameters engine = MarketRiskParameters.defaults();
            return new TenantSettings(MappingSettings.defaults(), GuardrailSettings.defaults(),
                    engine.scanRangeFraction(), engine.volShockUpFraction(), engine.volShockDownFraction());
        }
        MappingSettings mapping = new MappingSettings(s.coverage, s.mporPerpDays, s.mporOptionDays, s.tailFactor,
                s.liquidityFactor, s.imMultiplier, s.volShockUpPerScan, s.volShockDownPerScan);
        GuardrailSettings guardrails = new GuardrailSettings(s.floorMode, s.floorWeight, s.bufferFraction,
                s.bufferReleaseRise, s.bufferRebuildPerDay, s.maxDailyIncrease, s.maxDailyDecrease,
                RecommendedParameters.of(s.minMmf, s.minImf, s.minHaircut, s.minScanRange, s.minVolShockUp,
                        s.minVolShockDown),
                RecommendedParameters.of(s.maxMmf, s.maxImf, s.maxHaircut, s.maxScanRange, s.maxVolShockUp,
                        s.maxVolShockDown),
                s.smoothingUp, s.smoothingDown, s.maxForecastAgeDays, s.sanityJumpRatio, s.autoApplyMaxChange,
                RegimeSettings.defaults());
        return new TenantSettings(mapping, guardrails, s.scanRangeFraction, s.volShockUpFraction,
                s.volShockDownFraction);
    }
}
