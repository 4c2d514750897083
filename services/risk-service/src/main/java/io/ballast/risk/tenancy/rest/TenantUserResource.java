package io.ballast.risk.tenancy.rest;

import io.ballast.risk.security.Roles;
import io.ballast.risk.tenancy.service.TenantUserService;
import io.ballast.risk.tenancy.service.TenantUserService.NewUser;
import io.ballast.risk.tenancy.service.TenantUserService.UserCredentials;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Human users of a tenant (Keycloak users with the tenant's {@code tenant_id} and one tenant role): created by the
 * platform admin at onboarding or by the tenant's admin later.
 */
@Path("/api/v1/tenants/{tenantId}/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "tenants", description = "Tenant users")
public class TenantUserResource {

    private final TenantUserService users;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public TenantUserResource(TenantUserService users, SecurityIdentity identity) {
        this.users = users;
        this.identity = identity;
    }

    /** Creates a user: 201 with its id, roles and, when generated, its password (shown once). */
    @POST
    @RolesAllowed({Roles.PLATFORM_ADMIN, Roles.TENANT_ADMIN})
    @Operation(summary = "Create a user of the tenant with one role: tenant-admin, risk-committee or viewer "
            + "(platform-admin, or the tenant's own tenant-admin); 409 when the username is taken")
    public Uni<RestResponse<UserCredentials>> create(@PathParam("tenantId") UUID tenantId, @NotNull NewUser body) {
        return users.create(identity, tenantId, body).map(u -> RestResponse.status(RestResponse.Status.CREATED, u));
    }

    /** Sets a fresh password on a user of the tenant and answers it once. */
    @POST
    @Path("/{username}/password")
    @RolesAllowed({Roles.PLATFORM_ADMIN, Roles.TENANT_ADMIN})
    @Operation(summary = "Reset a user's password to a generated one, answered once (platform-admin, or the "
            + "tenant's own tenant-admin)")
    public Uni<UserCredentials> resetPassword(@PathParam("tenantId") UUID tenantId,
            @PathParam("username") String username) {
        return users.resetPassword(identity, tenantId, username);
    }
}
