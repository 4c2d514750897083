package io.ballast.risk.market.rest;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.market.OracleConfig;
import io.ballast.risk.market.OracleConfigService;
import io.ballast.risk.market.OracleStatusService.OracleView;
import io.ballast.risk.market.OracleStatusService;
import io.ballast.risk.rest.PageQuery;
import io.ballast.risk.rest.Pages;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The tenant's oracles: configuration per underlying (versioned, audited), price in force, age and health. */
@Path("/api/v1/market/oracles")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "market", description = "Index prices and implied volatilities used by margin")
public class OracleResource {

    /**
     * An oracle configuration to store.
     *
     * @param sources              source names whose ticks count, e.g. {@code ["feed", "replay"]}
     * @param stalenessSeconds     staleness limit, seconds (1 .. 604800)
     * @param maxDeviationFraction maximum deviation between fresh sources, fraction (0.02 = 2 %)
     * @param maxJumpFraction      maximum move of one tick against the index unless confirmed, fraction
     * @param minPriceUsd          lowest accepted price, USD (at least 1E-18)
     * @param maxPriceUsd          highest accepted price, USD (at most 1E+15)
     */
    public record OracleConfigInput(@NotEmpty @Size(max = 16) List<@NotNull String> sources,
            @NotNull Integer stalenessSeconds, @NotNull BigDecimal maxDeviationFraction,
            @NotNull BigDecimal maxJumpFraction, @NotNull BigDecimal minPriceUsd, @NotNull BigDecimal maxPriceUsd) {
    }

    private final OracleConfigService configs;
    private final OracleStatusService status;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public OracleResource(OracleConfigService configs, OracleStatusService status, TenantAccess access,
            SecurityIdentity identity) {
        this.configs = configs;
        this.status = status;
        this.access = access;
        this.identity = identity;
    }

    /** Every asset's oracle. */
    @GET
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Every asset's oracle: configuration, price in force, its age, health, sources "
            + "(tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<OracleView>>> list(@Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(status::status)
                .map(m -> Pages.of(page.slice(new ArrayList<>(m.values()), OracleView::underlying), uri));
    }

    /** One asset's oracle; 404 unknown asset. */
    @GET
    @Path("{underlying}")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "One asset's oracle (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<OracleView> get(@PathParam("underlying") String underlying) {
        return access.require(identity).flatMap(status::status).map(m -> {
            OracleView v = m.get(underlying);
            if (v == null) {
                throw ApiException.notFound("asset", underlying);
            }
            return v;
        });
    }

    /** Stored versions, newest first; empty when the default is in force. */
    @GET
    @Path("{underlying}/versions")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Stored oracle configuration versions, newest first (tenant-admin, integrator, "
            + "risk-committee, viewer)")
    public Uni<RestResponse<List<OracleConfig>>> versions(@PathParam("underlying") String underlying,
            @Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> configs.versions(t, underlying, page.cursor(1), page.limit))
                .map(p -> Pages.of(p, uri));
    }

    /** Stores a new configuration version (audited on ballast.events); 400 bad values, 404 unknown asset. */
    @PUT
    @Path("{underlying}")
    @RolesAllowed(Roles.TENANT_ADMIN)
    @Operation(summary = "Store a new oracle configuration version for an underlying (tenant-admin)")
    public Uni<OracleConfig> put(@PathParam("underlying") String underlying, @Valid @NotNull OracleConfigInput body) {
        OracleConfig config;
        try {
            config = new OracleConfig(0, body.sources(), body.stalenessSeconds(), body.maxDeviationFraction(),
                    body.maxJumpFraction(), body.minPriceUsd(), body.maxPriceUsd());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(ApiException.badRequest("invalid oracle configuration",
                    List.of(FieldError.of(e.getMessage().split(" ")[0], e.getMessage()))));
        }
        String author = identity.getPrincipal() == null ? "unknown" : identity.getPrincipal().getName();
        return access.require(identity).flatMap(t -> configs.put(t, underlying, config, author));
    }
}
