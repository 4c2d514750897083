package io.ballast.risk.recommendation.service;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.governance.service.GovernanceService;
import io.ballast.risk.governance.service.GovernanceService.RecommendationSubmission;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * THE single place where a stored recommendation leaves the recommendation job for governance: it hands it to
 * {@link GovernanceService#submitRecommendation}, which compares it with the parameters in force and auto-applies it
 * (within the tenant's bounds), opens a proposal with its evidence (beyond them) or holds it (automatic adjustments
 * frozen). Called once per stored recommendation (never for a reused one), after the recommendation's own
 * transaction committed.
 */
@ApplicationScoped
public class GovernanceHandoff {

    private static final Logger LOG = Logger.getLogger(GovernanceHandoff.class);

    private final GovernanceService governance;

    /** Wires governance. */
    public GovernanceHandoff(GovernanceService governance) {
        this.governance = governance;
    }

    /**
     * The tenant's risk settings in force for an asset (the predictive mapping, the guardrails and the portfolio
     * settings the guardrails compare against), or null when none are stored.
     *
     * @param tenant  the tenant
     * @param assetId the tenant's asset
     * @return the settings version in force, or null
     */
    public Uni<RiskSettings> settingsInForce(TenantId tenant, UUID assetId) {
        return governance.inForce(tenant, assetId).map(f -> f == null ? null : f.settings());
    }

    /**
     * Hands one stored recommendation to governance.
     *
     * @param tenant         the tenant
     * @param assetId        the tenant's asset it is for
     * @param recommendation the stored recommendation (its id identifies it)
     * @param recentAccuracy the forecasting model's recent accuracy (validation QLIKE per candidate model, lower is
     *                       better), shown to the committee as evidence
     * @return completes when governance has recorded what it did
     */
    public Uni<Void> submit(TenantId tenant, UUID assetId, AssetRecommendation recommendation,
            Map<String, Double> recentAccuracy) {
        AssetRecommendation r = recommendation;
        String modelVersion = r.asset() + " " + r.forecastModel()
                + (r.modelVersion() == null ? "" : " v" + r.modelVersion());
        RecommendationSubmission s = new RecommendationSubmission(assetId, r.id(), modelVersion, r.date(),
                r.recommended(), r.forecastModel(), r.sigmaPerp(), r.sigmaOption(), r.fallbackReason(),
                recentAccuracy, r.bindingGuardrails(), r.evidence());
        return governance.submitRecommendation(tenant, s)
                .invoke(out -> LOG.infof("recommendation %s for %s %s on %s: %s (%s)", r.id(), tenant, r.asset(),
                        r.date(), out.outcome(), out.reason()))
                .replaceWithVoid();
    }
}
