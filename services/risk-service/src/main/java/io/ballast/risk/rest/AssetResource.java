package io.ballast.risk.rest;

import io.ballast.risk.domain.RiskParameterScope;
import io.ballast.risk.governance.domain.Actor;
import io.ballast.risk.rest.ApiModels.AssetView;
import io.ballast.risk.rest.ApiModels.NewAsset;
import io.ballast.risk.rest.ApiModels.NewRiskParameters;
import io.ballast.risk.rest.ApiModels.RiskParameterView;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.AssetService;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Collateral assets of the caller's tenant, and their risk parameters. */
@Path("/api/v1/assets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "assets", description = "Collateral assets and their risk parameters")
public class AssetResource {

    private final AssetService assets;
    private final RiskParameterEndpoints parameters;
    private final IdempotencyService idempotency;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public AssetResource(AssetService assets, RiskParameterEndpoints parameters, IdempotencyService idempotency,
            TenantAccess access, SecurityIdentity identity) {
        this.assets = assets;
        this.parameters = parameters;
        this.idempotency = idempotency;
        this.access = access;
        this.identity = identity;
    }

    /** Creates an asset. */
    @POST
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(summary = "Create a collateral asset (tenant-admin)")
    public Uni<Response> create(@HeaderParam("Idempotency-Key") String key, @Valid @NotNull NewAsset body,
            @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> idempotency.execute(t, key, "POST", uri.getPath(), body, 201,
                () -> assets.create(t, body.symbol(), body.decimals(), body.priceSource()).map(AssetView::of)))
                .map(Responses::of);
    }

    /** Lists the tenant's assets. */
    @GET
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "List collateral assets (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<AssetView>>> list(@Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> assets.page(t, page.cursor(1), page.limit))
                .map(p -> Pages.of(p.map(AssetView::of), uri));
    }

    /** One asset. */
    @GET
    @Path("{id}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Get a collateral asset (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<AssetView> get(@PathParam("id") UUID id) {
        return access.require(identity).flatMap(t -> assets.get(t, id)).map(AssetView::of);
    }

    /** Appends a risk parameter version. */
    @POST
    @Path("{id}/risk-parameters")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.RISK_COMMITTEE})
    @Operation(summary = "Write an asset's first risk parameter version (tenant-admin, risk-committee); "
            + "later changes are governance proposals (409)")
    public Uni<Response> addParameters(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key,
            @Valid @NotNull NewRiskParameters body, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> parameters.append(t, Actor.of(identity),
                RiskParameterScope.ASSET, id, key, body,
                uri.getPath()));
    }

    /** All risk parameter versions. */
    @GET
    @Path("{id}/risk-parameters")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "List an asset's risk parameter versions (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<RiskParameterView>>> parameterVersions(@PathParam("id") UUID id,
            @Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> parameters.versions(t, RiskParameterScope.ASSET, id, page, uri));
    }

    /** The version in force at a time (default now). */
    @GET
    @Path("{id}/risk-parameters/effective")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "The asset's risk parameters in force at ?at= (default now)")
    public Uni<RiskParameterView> effective(@PathParam("id") UUID id, @QueryParam("at") String at) {
        return access.require(identity).flatMap(t -> parameters.effective(t, RiskParameterScope.ASSET, id, at));
    }

}
