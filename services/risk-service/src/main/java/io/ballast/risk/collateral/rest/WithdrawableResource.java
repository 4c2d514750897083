package io.ballast.risk.collateral.rest;

import io.ballast.risk.collateral.service.MarginGuard.Withdrawable;
import io.ballast.risk.collateral.service.MarginGuard;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** How much collateral can leave each pool of an account without taking it below its initial margin. Reads only. */
@Path("/api/v1/accounts/{id}/withdrawable")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "accounts", description = "Accounts, collateral ledger, balances, positions")
public class WithdrawableResource {

    private final MarginGuard guard;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public WithdrawableResource(MarginGuard guard, TenantAccess access, SecurityIdentity identity) {
        this.guard = guard;
        this.access = access;
        this.identity = identity;
    }

    /**
     * The most of each collateral asset that can be withdrawn (cross pool) or transferred back to the cross pool
     * (isolated pools) now: 404 unknown account; 409 when a pool with positions lacks prices or parameters.
     */
    @GET
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @APIResponse(responseCode = "200", description = "the most collateral that can leave each pool, per asset",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Withdrawable.class)))
    @APIResponse(responseCode = "409",
            description = "A pool with positions lacks prices or risk parameters (each gap named)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @Operation(summary = "The most collateral that can leave each pool, per asset (tenant-admin, integrator, "
            + "risk-committee, viewer)")
    public Uni<Withdrawable> get(@PathParam("id") UUID id) {
        return access.require(identity).flatMap(t -> guard.withdrawable(t, id));
    }
}
