package io.ballast.risk.rest;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.rest.ApiModels.Snapshot;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.IdempotencyService;
import io.ballast.risk.service.SnapshotService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Bulk synchronisation of positions and balances. */
@Path("/api/v1/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "snapshots", description = "Atomic bulk sync of positions and balances")
public class SnapshotResource {

    private final SnapshotService snapshots;
    private final IdempotencyService idempotency;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public SnapshotResource(SnapshotService snapshots, IdempotencyService idempotency, TenantAccess access,
            SecurityIdentity identity) {
        this.snapshots = snapshots;
        this.idempotency = idempotency;
        this.access = access;
        this.identity = identity;
    }

    /** Applies a snapshot atomically, or rejects it listing every bad row (422) and changing nothing. */
    @POST
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Apply a positions/balances snapshot atomically; 422 lists every bad row "
            + "(tenant-admin, integrator)")
    public Uni<Response> apply(@HeaderParam("Idempotency-Key") String key, @NotNull Snapshot body,
            @Context UriInfo uri) {
        if ((body.positions() == null || body.positions().isEmpty())
                && (body.balances() == null || body.balances().isEmpty())) {
            return Uni.createFrom().failure(ApiException.badRequest("empty snapshot",
                    List.of(FieldError.of("positions", "give positions and/or balances"))));
        }
        return access.require(identity).flatMap(t -> idempotency.execute(t, key, "POST", uri.getPath(), body, 200,
                () -> snapshots.apply(t, body.positions(), body.balances()))).map(Responses::of);
    }
}
