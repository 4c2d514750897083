package io.ballast.risk.recommendation.rest;

import io.ballast.risk.recommendation.repository.RunRepository.Run;
import io.ballast.risk.recommendation.service.RecommendationService;
import io.ballast.risk.recommendation.service.RecommendationService.RateLimited;
import io.ballast.risk.recommendation.service.RecommendationService.Recommendations;
import io.ballast.risk.rest.Problem;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Predictive-margin recommendations for the caller's tenant: reading the latest ones, and starting and following a
 * recommendation run (advice only: live risk parameters never change here).
 */
@Path("/api/v1/risk/recommendations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "risk", description = "Predictive-margin recommendations")
public class RecommendationResource {

    /**
     * A run as the API shows it.
     *
     * @param id          run id (poll {@code GET /api/v1/risk/recommendations/runs/{id}})
     * @param kind        DAILY, RETRAIN or MANUAL
     * @param status      PENDING, RUNNING, SUCCEEDED or FAILED
     * @param runDate     the day it ran for (UTC)
     * @param requestedBy token subject of the requester, or "scheduler"
     * @param attempts    claims so far
     * @param createdAt   when it was queued
     * @param startedAt   when it was last claimed, or null
     * @param finishedAt  when it ended, or null
     * @param result      per-asset outcomes ({@code assets: [{asset, outcome, decision, modelVersion, ...}]}), or null
     * @param error       why it failed, or null
     */
    public record RunView(UUID id, String kind, String status, LocalDate runDate, String requestedBy, int attempts,
            OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt, Map<String, Object> result,
            String error) {

        static RunView of(Run r) {
            return new RunView(r.id(), r.kind(), r.status(), r.runDate(), r.requestedBy(), r.attempts(),
                    r.createdAt(), r.startedAt(), r.finishedAt(), r.result() == null ? null : r.result().getMap(),
                    r.error());
        }
    }

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

    /** The latest stored recommendation per asset (or only {@code asset}); reads only. */
    @GET
    @RolesAllowed({Roles.RISK_COMMITTEE, Roles.TENANT_ADMIN, Roles.VIEWER})
    @Operation(summary = "Latest recommended MMF, IMF, haircut, scan range and vol shocks per asset with decision, "
            + "model version and evidence (risk-committee, tenant-admin, viewer); reads only")
    public Uni<Recommendations> get(@QueryParam("asset") String asset) {
        return access.require(identity).flatMap(t -> recommendations.latest(t, asset));
    }

    /** Starts a recommendation run for the tenant: 202 with the run and its Location. */
    @POST
    @Path("/runs")
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(summary = "Start a recommendation run now (tenant-admin): 202 with the run to poll; 429 with "
            + "Retry-After while one is pending or running or when the hourly allowance is used")
    @APIResponse(responseCode = "202", description = "queued")
    @APIResponse(responseCode = "429", description = "rate-limited (problem+json, Retry-After in seconds)")
    public Uni<Response> start(UriInfo uri) {
        return access.require(identity)
                .flatMap(t -> recommendations.startRun(t, identity.getPrincipal().getName()))
                .map(run -> Response.accepted(RunView.of(run))
                        .location(URI.create("/api/v1/risk/recommendations/runs/" + run.id())).build());
    }

    /** One run of the tenant; 404 for an unknown id or another tenant's run. */
    @GET
    @Path("/runs/{id}")
    @RolesAllowed({Roles.RISK_COMMITTEE, Roles.TENANT_ADMIN, Roles.VIEWER})
    @Operation(summary = "A recommendation run's status and per-asset outcome (risk-committee, tenant-admin, "
            + "viewer)")
    public Uni<RunView> run(@PathParam("id") UUID id) {
        return access.require(identity).flatMap(t -> recommendations.run(t, id)).map(RunView::of);
    }

    /** 429 problem+json with Retry-After (whole seconds, rounded up). */
    @ServerExceptionMapper
    public Response rateLimited(RateLimited e, UriInfo uri) {
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return Response.fromResponse(Problem.of(429, e.title(), e.getMessage(), uri.getPath(), List.of())
                .toResponse()).header("Retry-After", seconds).build();
    }
}
