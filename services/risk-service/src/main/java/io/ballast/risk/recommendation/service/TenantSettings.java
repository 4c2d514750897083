package io.ballast.risk.recommendation.service;

import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.MappingSettings;
import io.ballast.risk.governance.domain.RiskSettings;

/**
 * The settings a recommendation is made with, from the tenant's risk settings in force (docs/governance.md): the
 * predictive mapping, the guardrails, and the portfolio values (scan range, vol shocks) the guardrails compare
 * against. The guardrails carry the tenant's (or the underlying's) own regime settings ({@link RiskSettings#regime()}:
 * stress trigger, stressed-step limit, intraday half weight, IMF cap). A tenant without stored settings (none is
 * written before onboarding's defaults) uses the documented defaults of each component.
 *
 * @param mapping              forecast-to-parameter mapping (coverage, MPORs, tail and liquidity factors)
 * @param guardrails           anti-procyclicality guardrails, regime settings and the auto-apply bound
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
        return new TenantSettings(s.mapping(), s.guardrails(), s.scanRangeFraction, s.volShockUpFraction,
                s.volShockDownFraction);
    }
}
