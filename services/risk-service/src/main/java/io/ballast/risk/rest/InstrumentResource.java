package io.ballast.risk.rest;

import io.ballast.risk.domain.RiskParameterScope;
import io.ballast.risk.governance.domain.Actor;
import io.ballast.risk.rest.ApiModels.InstrumentView;
import io.ballast.risk.rest.ApiModels.NewInstrument;
import io.ballast.risk.rest.ApiModels.NewRiskParameters;
import io.ballast.risk.rest.ApiModels.RiskParameterView;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.IdempotencyService;
import io.ballast.risk.service.InstrumentService;
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

/** Tradable instruments of the caller's tenant, and their risk parameters. */
@Path("/api/v1/instruments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "instruments", description = "Perpetuals, dated futures, European options, and their risk parameters")
public class InstrumentResource {

    private final InstrumentService instruments;
    private final RiskParameterEndpoints parameters;
    private final IdempotencyService idempotency;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public InstrumentResource(InstrumentService instruments, RiskParameterEndpoints parameters,
            IdempotencyService idempotency, TenantAccess access, SecurityIdentity identity) {
        this.instruments = instruments;
        this.parameters = parameters;
        this.idempotency = idempotency;
        this.access = access;
        this.identity = identity;
    }

    /** Creates an instrument. */
    @POST
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(summary = "Create an instrument (tenant-admin)")
    public Uni<Response> create(@HeaderParam("Idempotency-Key") String key, @Valid @NotNull NewInstrument body,
            @Context UriInfo uri) {
        InstrumentService.Spec spec = new InstrumentService.Spec(body.symbol(), body.kind(), body.underlying(),
                body.settlement(), body.contractSize(), body.expiry(), body.strike(), body.optionType(),
                Boolean.TRUE.equals(body.inverse()));
        return access.require(identity).flatMap(t -> idempotency.execute(t, key, "POST", uri.getPath(), body, 201,
                () -> instruments.create(t, spec).map(InstrumentView::of))).map(Responses::of);
    }

    /** Lists the tenant's instruments. */
    @GET
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "List instruments (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<InstrumentView>>> list(@Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> instruments.page(t, page.cursor(1), page.limit))
                .map(p -> Pages.of(p.map(InstrumentView::of), uri));
    }

    /** One instrument. */
    @GET
    @Path("{id}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Get an instrument (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<InstrumentView> get(@PathParam("id") UUID id) {
        return access.require(identity).flatMap(t -> instruments.get(t, id)).map(InstrumentView::of);
    }

    /** Appends a risk parameter version. */
    @POST
    @Path("{id}/risk-parameters")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.RISK_COMMITTEE})
    @Operation(summary = "Write an instrument's first risk parameter version (tenant-admin, risk-committee); "
            + "later changes are governance proposals (409)")
    public Uni<Response> addParameters(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key,
            @Valid @NotNull NewRiskParameters body, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> parameters.append(t, Actor.of(identity),
                RiskParameterScope.INSTRUMENT, id, key, body, uri.getPath()));
    }

    /** All risk parameter versions. */
    @GET
    @Path("{id}/risk-parameters")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "List an instrument's risk parameter versions (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<RiskParameterView>>> parameterVersions(@PathParam("id") UUID id,
            @Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t ->
                parameters.versions(t, RiskParameterScope.INSTRUMENT, id, page, uri));
    }

    /** The version in force at a time (default now). */
    @GET
    @Path("{id}/risk-parameters/effective")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "The instrument's risk parameters in force at ?at= (default now)")
    public Uni<RiskParameterView> effective(@PathParam("id") UUID id, @QueryParam("at") String at) {
        return access.require(identity).flatMap(t -> parameters.effective(t, RiskParameterScope.INSTRUMENT, id, at));
    }
}
