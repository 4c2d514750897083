package io.ballast.console.client;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The risk service's accounts, margin and risk-parameter endpoints (docs/api.md), called with the signed-in user's
 * access token ({@link UserTokenFilter}: the service's own tenant and role checks apply).
 */
@RegisterRestClient(configKey = "risk")
@RegisterProvider(UserTokenFilter.class)
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public interface RiskApi {

    /** @return GET /api/v1/margin/summary: accounts by status, total IM and MM, worst accounts */
    @GET
    @Path("/margin/summary")
    Response summary();

    /**
     * @param limit page size (the API takes 1 to 1,000; its default is 100)
     * @return GET /api/v1/accounts: the first page of the tenant's accounts
     */
    @GET
    @Path("/accounts")
    Response accounts(@QueryParam("limit") int limit);

    /**
     * @param accountId the account id
     * @return GET /api/v1/accounts/{id}/margin: the margin answer with its breakdown
     */
    @GET
    @Path("/accounts/{id}/margin")
    Response margin(@PathParam("id") String accountId);

    /**
     * @param limit page size (the API takes 1 to 1,000)
     * @return GET /api/v1/market/oracles: every asset's oracle {@code [{underlying, priceUsd, observedAt, ageSeconds,
     *     priceSource, health, config, sources}]}
     */
    @GET
    @Path("/market/oracles")
    Response oracles(@QueryParam("limit") int limit);

    /**
     * @param limit page size (the API takes 1 to 1,000)
     * @return GET /api/v1/instruments: the first page of the tenant's instruments
     */
    @GET
    @Path("/instruments")
    Response instruments(@QueryParam("limit") int limit);

    /**
     * @param limit page size (the API takes 1 to 1,000)
     * @return GET /api/v1/assets: the first page of the tenant's assets
     */
    @GET
    @Path("/assets")
    Response assets(@QueryParam("limit") int limit);

    /**
     * @param kind {@code assets} or {@code instruments}
     * @param id   the asset or instrument id
     * @return GET /api/v1/{kind}/{id}/risk-parameters/effective: the version in force now
     */
    @GET
    @Path("/{kind}/{id}/risk-parameters/effective")
    Response effectiveRiskParameters(@PathParam("kind") String kind, @PathParam("id") String id);
}
