package io.ballast.risk.recommendation.service;

import io.ballast.risk.domain.TenantId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * THE single place where a stored recommendation leaves the recommendation job for governance.
 *
 * <p>GOVERNANCE HANDOFF (issue 8): at merge, {@link #submit} calls
 * {@code GovernanceService.submitRecommendation(tenant, recommendation)}, which auto-applies a recommendation within
 * the tenant's bounds or opens a proposal. It is called once per stored recommendation (never for a reused one),
 * after the recommendation's own transaction committed; it must be idempotent on {@link AssetRecommendation#id()}
 * because a run that dies between the two is claimed again. Until then the job only stores the recommendation with
 * its decision, and nothing changes live parameters.
 */
@ApplicationScoped
public class GovernanceHandoff {

    private static final Logger LOG = Logger.getLogger(GovernanceHandoff.class);

    /**
     * Hands one stored recommendation to governance.
     *
     * @param tenant         the tenant
     * @param recommendation the stored recommendation (its id identifies it)
     * @return completes when governance has accepted it
     */
    public Uni<Void> submit(TenantId tenant, AssetRecommendation recommendation) {
        LOG.infof("recommendation %s for %s %s on %s stored with decision %s (governance not wired yet)",
                recommendation.id(), tenant, recommendation.asset(), recommendation.date(),
                recommendation.decision());
        return Uni.createFrom().voidItem();
    }
}
