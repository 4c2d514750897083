package io.ballast.risk.rest;

import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.RecommendationService;
import io.ballast.risk.service.RecommendationService.Recommendations;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Predictive-margin recommendations for the caller's tenant (advice only: live risk parameters never change). */
@Path("/api/v1/risk/recommendations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "risk", description = "Predictive-margin recommendations")
public class RecommendationResource {

    private final RecommendationService recommendations;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public RecommendationResource(RecommendationService recommendations, TenantAccess access,
            SecurityIdentity identity) {
        this.recommendations = recommendations;
        this.access = access;
        this.identity = identity;
    }

    /** Recommends for every asset with enough daily history (or only {@code asset}) and records each answer. */
    @GET
    @RolesAllowed({Roles.RISK_COMMITTEE, Roles.TENANT_ADMIN, Roles.VIEWER})
    @Operation(summary = "Recommended MMF, IMF, haircut, scan range and vol shocks per asset with decision and "
            + "evidence (risk-committee, tenant-admin, viewer)")
    public Uni<Recommendations> get(@QueryParam("asset") String asset) {
        return access.require(identity).flatMap(t -> recommendations.recommend(t, asset));
    }
}
