package io.ballast.risk.collateral.rest;

import io.ballast.risk.collateral.service.IsolatedPoolService;
import io.ballast.risk.rest.ApiModels.LedgerEntryView;
import io.ballast.risk.rest.ApiModels.Movement;
import io.ballast.risk.rest.PageQuery;
import io.ballast.risk.rest.Pages;
import io.ballast.risk.rest.Responses;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.IdempotencyService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Isolated margin pools of an ISOLATED account: collateral moved between the account's cross pool and its isolated
 * position in one instrument (docs/api.md, section 5a).
 */
@Path("/api/v1/accounts/{id}/isolated-pools")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "accounts", description = "Accounts, collateral ledger, balances, positions")
public class IsolatedPoolResource {

    /**
     * A booked transfer between the cross pool and an isolated pool.
     *
     * @param out the ledger entry of the pool the collateral left (negative amount)
     * @param in  the ledger entry of the pool it entered (positive amount)
     */
    public record TransferView(LedgerEntryView out, LedgerEntryView in) {
        static TransferView of(IsolatedPoolService.Transfer t) {
            return new TransferView(LedgerEntryView.of(t.out()), LedgerEntryView.of(t.in()));
        }
    }

    private final IsolatedPoolService pools;
    private final IdempotencyService idempotency;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public IsolatedPoolResource(IsolatedPoolService pools, IdempotencyService idempotency, TenantAccess access,
            SecurityIdentity identity) {
        this.pools = pools;
        this.idempotency = idempotency;
        this.access = access;
        this.identity = identity;
    }

    /** The account's isolated pools and their collateral. */
    @GET
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Isolated pools and their collateral (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<IsolatedPoolService.Pool>>> list(@PathParam("id") UUID id,
            @Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> pools.pools(t, id))
                .map(all -> Pages.of(page.slice(all, IsolatedPoolService.Pool::pool), uri));
    }

    /** Moves collateral from the cross pool into the isolated pool of an instrument. */
    @POST
    @Path("{instrument}/transfers-in")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @APIResponse(responseCode = "201", description = "the transfer booked (a retry with the same Idempotency-Key "
            + "answers it again)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TransferView.class)))
    @APIResponse(responseCode = "409",
            description = "Not An Isolated Account, Insufficient Balance (cross pool), Insufficient Margin (the cross "
            + "pool would end below its initial margin; the figures in margin), or the account is not "
            + "ACTIVE; nothing changed",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @Operation(summary = "Allocate collateral from the cross pool to an isolated position; 409 if the cross pool "
            + "would end below its initial margin (tenant-admin, integrator)")
    public Uni<Response> transferIn(@PathParam("id") UUID id, @PathParam("instrument") String instrument,
            @HeaderParam("Idempotency-Key") String key, @Valid @NotNull Movement body, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> idempotency.execute(t, key, "POST", uri.getPath(), body, 201,
                () -> pools.transferIn(t, id, instrument, body.asset(), body.amount(), body.reference())
                        .map(TransferView::of))).map(Responses::of);
    }

    /** Moves collateral from the isolated pool of an instrument back to the cross pool. */
    @POST
    @Path("{instrument}/transfers-out")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @APIResponse(responseCode = "201", description = "the transfer booked (a retry with the same Idempotency-Key "
            + "answers it again)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = TransferView.class)))
    @APIResponse(responseCode = "409",
            description = "Insufficient Balance (isolated pool), Insufficient Margin (the isolated pool would end "
            + "below its initial margin; the figures in margin), or the account is not ACTIVE; nothing "
            + "changed",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @Operation(summary = "Return collateral from an isolated position to the cross pool; 409 if the isolated pool "
            + "would end below its initial margin (tenant-admin, integrator)")
    public Uni<Response> transferOut(@PathParam("id") UUID id, @PathParam("instrument") String instrument,
            @HeaderParam("Idempotency-Key") String key, @Valid @NotNull Movement body, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> idempotency.execute(t, key, "POST", uri.getPath(), body, 201,
                () -> pools.transferOut(t, id, instrument, body.asset(), body.amount(), body.reference())
                        .map(TransferView::of))).map(Responses::of);
    }
}
