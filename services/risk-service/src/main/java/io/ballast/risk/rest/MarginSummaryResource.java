package io.ballast.risk.rest;

import io.ballast.risk.rest.MarginViews.SummaryView;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.MarginService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Tenant-wide margin. Reads only. */
@Path("/api/v1/margin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "margin", description = "Account margin, what-if, tenant summary")
public class MarginSummaryResource {

    private final MarginService margin;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public MarginSummaryResource(MarginService margin, TenantAccess access, SecurityIdentity identity) {
        this.margin = margin;
        this.access = access;
        this.identity = identity;
    }

    /** Tenant-wide margin of the open accounts. */
    @GET
    @Path("summary")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Tenant-wide margin: counts by status, totals, worst accounts "
            + "(tenant-admin, integrator, risk-committee, viewer)")
    public Uni<SummaryView> summary() {
        return access.require(identity).flatMap(t -> margin.summary(t)).map(s -> SummaryView.of(s, Instant.now()));
    }
}
