package io.ballast.risk.rest;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
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

    /**
     * Tenant-wide margin of the open accounts; {@code ?from=database} computes it from PostgreSQL even when this
     * instance holds the tenant's hot book (operators compare the two).
     */
    @GET
    @Path("summary")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Tenant-wide margin: counts by status, totals, worst accounts "
            + "(tenant-admin, integrator, risk-committee, viewer)")
    public Uni<SummaryView> summary(@QueryParam("from") String from) {
        if (from != null && !from.equals("database")) {
            return Uni.createFrom().failure(ApiException.badRequest("invalid query", List.of(FieldError.of("from",
                    "only 'database' is accepted (answer from PostgreSQL even when a hot book is held)"))));
        }
        return access.require(identity).flatMap(t -> margin.summary(t, from == null))
                .map(s -> SummaryView.of(s, Instant.now()));
    }
}
