package io.ballast.risk.recommendation.service;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.domain.RiskSettings;
import io.ballast.risk.governance.service.Evidence;
import io.ballast.risk.governance.service.GovernanceService;
import io.ballast.risk.governance.service.GovernanceService.RecommendationSubmission;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * THE single place where a stored recommendation leaves the recommendation job for governance: it hands it to
 * {@link GovernanceService#submitRecommendation}, which compares it with the parameters in force and auto-applies it
 * (within the tenant's bounds), opens a proposal with its evidence (beyond them) or holds it (automatic adjustments
 * frozen). Called after the recommendation's own transaction committed, and again whenever a run finds the
 * recommendation stored (REUSED): governance is idempotent on the recommendation id, so a crash between storing and
 * handing over loses nothing and a repeated hand-over changes nothing.
 */
@ApplicationScoped
public class GovernanceHandoff {

    private static final Logger LOG = Logger.getLogger(GovernanceHandoff.class);

    private final GovernanceService governance;
    private final Vertx vertx;

    /** Wires governance and Vert.x. */
    public GovernanceHandoff(GovernanceService governance, Vertx vertx) {
        this.governance = governance;
        this.vertx = vertx;
    }

    /**
     * Runs a governance call (Hibernate Reactive sessions) on a fresh duplicated Vert.x context marked safe (as
     * Quarkus marks a request's): the job reaches this point on its own executor's threads, where a reactive session
     * cannot be opened.
     */
    private <T> Uni<T> onVertxContext(Supplier<Uni<T>> call) {
        return Uni.createFrom().emitter(em -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(x -> {
                try {
                    call.get().subscribe().with(em::complete, em::fail);
                } catch (RuntimeException e) {
                    em.fail(e);
                }
            });
        });
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
        return onVertxContext(() -> governance.inForce(tenant, assetId)).map(f -> f == null ? null : f.settings());
    }

    /**
     * Hands one stored recommendation to governance.
     *
     * @param tenant         the tenant
     * @param assetId        the tenant's asset it is for
     * @param recommendation the stored recommendation (its id identifies it)
     * @param recentAccuracy the forecasting model's recent accuracy (validation QLIKE per candidate model, lower is
     *                       better), shown to the committee as evidence
     * @param policyReplay   starts the replay of the recommending policy (run only if it becomes a proposal)
     * @return completes when governance has recorded what it did
     */
    public Uni<Void> submit(TenantId tenant, UUID assetId, AssetRecommendation recommendation,
            Map<String, Double> recentAccuracy, Supplier<Uni<Evidence.PolicyCoverage>> policyReplay) {
        AssetRecommendation r = recommendation;
        String modelVersion = r.asset() + " " + r.forecastModel()
                + (r.modelVersion() == null ? "" : " v" + r.modelVersion());
        RecommendationSubmission s = new RecommendationSubmission(assetId, r.id(), modelVersion, r.date(),
                r.recommended(), r.forecastModel(), r.sigmaPerp(), r.sigmaOption(), r.fallbackReason(),
                recentAccuracy, r.bindingGuardrails(), r.evidence(), policyReplay);
        return onVertxContext(() -> governance.submitRecommendation(tenant, s))
                .invoke(out -> LOG.infof("recommendation %s for %s %s on %s: %s (%s)", r.id(), tenant, r.asset(),
                        r.date(), out.outcome(), out.reason()))
                .replaceWithVoid();
    }
}
