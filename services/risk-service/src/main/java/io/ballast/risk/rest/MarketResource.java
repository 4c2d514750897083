package io.ballast.risk.rest;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.rest.MarginViews.PricesInput;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.MarketPriceService.PriceInForce;
import io.ballast.risk.service.MarketPriceService.PriceUpdate;
import io.ballast.risk.service.MarketPriceService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The tenant's market data for margin: index prices and implied volatilities per asset. */
@Path("/api/v1/market/prices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "market", description = "Index prices and implied volatilities used by margin")
public class MarketResource {

    private final MarketPriceService prices;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public MarketResource(MarketPriceService prices, TenantAccess access, SecurityIdentity identity) {
        this.prices = prices;
        this.access = access;
        this.identity = identity;
    }

    /** Records prices and vols (history kept); the same values again change nothing. */
    @PUT
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Record index prices and implied vols; answers the values in force (tenant-admin, integrator)")
    public Uni<List<PriceInForce>> put(@Valid @NotNull PricesInput body) {
        List<PriceUpdate> updates = new ArrayList<>();
        for (int i = 0; i < body.prices().size(); i++) {
            try {
                updates.add(body.prices().get(i).toUpdate());
            } catch (IllegalArgumentException e) {
                return Uni.createFrom().failure(ApiException.badRequest("invalid price", List.of(new FieldError(i,
                        "prices[" + i + "]." + e.getMessage().split(" ")[0], e.getMessage()))));
            }
        }
        return access.require(identity).flatMap(t -> prices.put(t, updates));
    }

    /** The latest value per asset. */
    @GET
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Latest index price and vol per asset (tenant-admin, integrator, risk-committee, viewer)")
    public Uni<RestResponse<List<PriceInForce>>> get(@Valid @BeanParam PageQuery page, @Context UriInfo uri) {
        return access.require(identity).flatMap(prices::inForce)
                .map(all -> Pages.of(page.slice(all, PriceInForce::underlying), uri));
    }
}
