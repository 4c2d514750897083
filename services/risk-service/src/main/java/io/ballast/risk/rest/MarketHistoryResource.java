package io.ballast.risk.rest;

import io.ballast.ml.data.DailyBar;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.security.Roles;
import io.ballast.risk.security.TenantAccess;
import io.ballast.risk.service.MarketHistoryService.BarInput;
import io.ballast.risk.service.MarketHistoryService.WriteResult;
import io.ballast.risk.service.MarketHistoryService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.time.LocalDate;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Daily OHLCV history per asset of the caller's tenant, the input of predictive-margin recommendations. */
@Path("/api/v1/market/history/{underlying}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "market", description = "Index prices and implied volatilities used by margin")
public class MarketHistoryResource {

    /**
     * A JSON write.
     *
     * @param bars the daily bars (date yyyy-MM-dd, open, high, low, close in USD per unit, volume in units)
     */
    public record HistoryInput(List<BarInput> bars) {
    }

    private final MarketHistoryService history;
    private final TenantAccess access;
    private final SecurityIdentity identity;

    /** Wires collaborators. */
    public MarketHistoryResource(MarketHistoryService history, TenantAccess access, SecurityIdentity identity) {
        this.history = history;
        this.access = access;
        this.identity = identity;
    }

    /** Upserts daily bars by date; every bad row is listed in a 400 and nothing is written. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Upsert daily OHLCV bars of an asset, JSON {bars:[...]} (tenant-admin, integrator)")
    public Uni<WriteResult> put(@PathParam("underlying") String underlying, HistoryInput body) {
        if (body == null) {
            return Uni.createFrom().failure(ApiException.badRequest("a body {\"bars\":[...]} is required",
                    List.of()));
        }
        return access.require(identity).flatMap(t -> history.put(t, underlying, body.bars()));
    }

    /** The same from a CSV body in the format of the shared market files. */
    @PUT
    @Consumes("text/csv")
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR})
    @Operation(summary = "Upsert daily OHLCV bars from CSV timestamp,open,high,low,close,volume (tenant-admin, "
            + "integrator)")
    public Uni<WriteResult> putCsv(@PathParam("underlying") String underlying, String body) {
        return access.require(identity).flatMap(t -> history.put(t, underlying, MarketHistoryService.parseCsv(body)));
    }

    /** The stored bars, ascending, optionally within [from, to]. */
    @GET
    @RolesAllowed({Roles.TENANT_ADMIN, Roles.INTEGRATOR, Roles.RISK_COMMITTEE, Roles.VIEWER})
    @Operation(summary = "Daily bars of an asset, ascending, ?from=&to= inclusive (all tenant roles)")
    public Uni<RestResponse<List<DailyBar>>> get(@PathParam("underlying") String underlying,
            @QueryParam("from") LocalDate from, @QueryParam("to") LocalDate to, @Valid @BeanParam PageQuery page,
            @Context UriInfo uri) {
        return access.require(identity).flatMap(t -> history.page(t, underlying, from, to, page.cursor(1),
                        page.limit)).map(p -> Pages.of(p, uri));
    }
}
