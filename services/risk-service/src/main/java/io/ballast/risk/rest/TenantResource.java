package io.ballast.risk.rest;

import io.ballast.risk.domain.TenantStatus;
import io.ballast.risk.rest.ApiModels.ClientCredentials;
import io.ballast.risk.rest.ApiModels.NewTenant;
import io.ballast.risk.rest.ApiModels.TenantCredentials;
import io.ballast.risk.rest.ApiModels.TenantView;
import io.ballast.risk.security.KeycloakAdmin;
import io.ballast.risk.security.Roles;
import io.ballast.risk.service.TenantService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Tenant onboarding and lifecycle; platform operators only ({@code platform-admin}). */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.PLATFORM_ADMIN)
@Tag(name = "tenants", description = "Onboarding and lifecycle (role platform-admin)")
public class TenantResource {

    private final TenantService tenants;
    private final KeycloakAdmin keycloak;

    /** Wires collaborators. */
    public TenantResource(TenantService tenants, KeycloakAdmin keycloak) {
        this.tenants = tenants;
        this.keycloak = keycloak;
    }

    /** Onboards a tenant and returns its clients' secrets (once). */
    @POST
    @Operation(summary = "Onboard a tenant (platform-admin): creates its Keycloak clients and returns their secrets once")
    public Uni<RestResponse<TenantCredentials>> onboard(@Valid @NotNull NewTenant body) {
        return tenants.onboard(body.name(), body.slug()).map(o -> RestResponse.ResponseBuilder
                .<TenantCredentials>created(URI.create("/api/v1/tenants/" + o.tenant().id))
                .entity(new TenantCredentials(TenantView.of(o.tenant()), keycloak.tokenUrl(),
                        new ClientCredentials(o.integrator().clientId(), o.integrator().secret()),
                        new ClientCredentials(o.admin().clientId(), o.admin().secret())))
                .build());
    }

    /** All tenants. */
    @GET
    @Operation(summary = "List tenants (platform-admin)")
    public Uni<RestResponse<List<TenantView>>> list(@Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return Uni.createFrom().item(() -> page.cursor(2)).flatMap(after -> tenants.page(after, page.limit))
                .map(p -> Pages.of(p.map(TenantView::of), uri));
    }

    /** One tenant. */
    @GET
    @Path("{id}")
    @Operation(summary = "Get a tenant (platform-admin)")
    public Uni<TenantView> get(@PathParam("id") UUID id) {
        return tenants.get(id).map(TenantView::of);
    }

    /** Suspends a tenant: its tokens get 403 from now on. */
    @POST
    @Path("{id}/suspend")
    @Operation(summary = "Suspend a tenant (platform-admin): its tokens get 403 on every tenant endpoint")
    public Uni<TenantView> suspend(@PathParam("id") UUID id) {
        return tenants.setStatus(id, TenantStatus.SUSPENDED).map(TenantView::of);
    }

    /** Resumes a suspended tenant. */
    @POST
    @Path("{id}/resume")
    @Operation(summary = "Resume a tenant (platform-admin)")
    public Uni<TenantView> resume(@PathParam("id") UUID id) {
        return tenants.setStatus(id, TenantStatus.ACTIVE).map(TenantView::of);
    }

    /**
     * Issues new secrets for both of the tenant's clients (the old ones stop working). When one client's rotation
     * fails the answer is still 200 with the other's new secret, the failed one's {@code clientSecret} null and its
     * {@code rotationError} set; 502 only when both fail.
     */
    @POST
    @Path("{id}/credentials")
    @Operation(summary = "Rotate the secrets of a tenant's clients (platform-admin); returns them once")
    public Uni<TenantCredentials> rotate(@PathParam("id") UUID id) {
        return tenants.rotateCredentials(id).map(r -> new TenantCredentials(TenantView.of(r.tenant()),
                keycloak.tokenUrl(),
                new ClientCredentials(r.tenant().integratorClientId, r.integratorSecret(), r.integratorError()),
                new ClientCredentials(r.tenant().adminClientId, r.adminSecret(), r.adminError())));
    }
}
