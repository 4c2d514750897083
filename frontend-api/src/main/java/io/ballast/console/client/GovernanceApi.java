package io.ballast.console.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The risk service's governance API ({@code /api/v1/governance}, services/risk-service
 * {@code governance/rest/GovernanceResource}, docs/governance.md): policy, proposals with evidence, approve, reject,
 * veto, freeze, parameters in force and their history, audit query and export. Called with the signed-in user's
 * access token. Paths and bodies live here and in {@link GovernanceClient} only.
 */
@RegisterRestClient(configKey = "risk")
@RegisterProvider(UserTokenFilter.class)
@Path("/api/v1/governance")
@Produces(MediaType.APPLICATION_JSON)
public interface GovernanceApi {

    /**
     * @return the tenant's governance policy {@code {version, approvalsRequired, proposalTtl, timelock, frozen,
     *     frozenReason, frozenBy, frozenAt, updatedAt}} (durations ISO-8601)
     */
    @GET
    @Path("/policy")
    Response policy();

    /**
     * @param policy {@code {approvalsRequired, proposalTtl, timelock, reason}}; absent fields keep their value
     * @return {@code {policy, proposal}}: the policy in force afterwards, and the proposal a loosening (fewer
     *     approvals) became, or null
     */
    @PUT
    @Path("/policy")
    @Consumes(MediaType.APPLICATION_JSON)
    Response updatePolicy(JsonNode policy);

    /**
     * @param status filter by status (OPEN, APPROVED, REJECTED, EXPIRED, VETOED, EFFECTIVE) or null for all
     * @param asset  filter by asset symbol or null
     * @param offset rows to skip
     * @param limit  rows at most (1 to 1000)
     * @return the proposals, newest first
     */
    @GET
    @Path("/proposals")
    Response proposals(@QueryParam("status") String status, @QueryParam("asset") String asset,
            @QueryParam("offset") Integer offset, @QueryParam("limit") Integer limit);

    /**
     * @param proposal {@code {asset, changes: {name: value}, reason}}; no asset for tenant-wide settings
     * @return 201 with the proposal and its evidence
     */
    @POST
    @Path("/proposals")
    @Consumes(MediaType.APPLICATION_JSON)
    Response propose(JsonNode proposal);

    /**
     * @param id the proposal id
     * @return the proposal with its evidence and votes (404 when unknown to the user's tenant)
     */
    @GET
    @Path("/proposals/{id}")
    Response proposal(@PathParam("id") String id);

    /**
     * @param id     the proposal id
     * @param action {@code approve}, {@code reject} or {@code veto}
     * @param body   {@code {"comment": "..."}}
     * @return the proposal after the decision
     */
    @POST
    @Path("/proposals/{id}/{action}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response decide(@PathParam("id") String id, @PathParam("action") String action, JsonNode body);

    /**
     * @param body {@code {"reason": "..."}}
     * @return the policy after freezing automatic adjustments
     */
    @POST
    @Path("/freeze")
    @Consumes(MediaType.APPLICATION_JSON)
    Response freeze(JsonNode body);

    /**
     * @param reason why the freeze is lifted (audited)
     * @return the policy after lifting the freeze
     */
    @DELETE
    @Path("/freeze")
    Response unfreeze(@QueryParam("reason") String reason);

    /**
     * @param asset asset symbol, or null for the tenant-wide settings
     * @return {@code {asset, versions, values: {name: value}, floorMode, volShockDteScaled, exceptionTrigger,
     *     capInitialMargin}}: what is in force now
     */
    @GET
    @Path("/parameters")
    Response parametersInForce(@QueryParam("asset") String asset);

    /**
     * @param asset asset symbol, or null for the tenant-wide settings only
     * @return every version, oldest first: {@code [{kind, scope, version, effectiveFrom, source, actor, proposalId,
     *     values}]}, the asset's parameter versions first, then the settings versions
     */
    @GET
    @Path("/parameters/history")
    Response parameterHistory(@QueryParam("asset") String asset);

    /**
     * @param action filter by audit action or null
     * @param actor  filter by actor subject or null
     * @param asset  filter by asset symbol or null
     * @param from   ISO-8601 lower bound or null
     * @param to     ISO-8601 upper bound or null
     * @param offset rows to skip
     * @param limit  rows at most (1 to 1000)
     * @return matching audit entries {@code [{id, occurredAt, action, actorSubject, actorClient, assetId,
     *     proposalId, before, after, reason, evidenceDigest}]}
     */
    @GET
    @Path("/audit")
    Response audit(@QueryParam("action") String action, @QueryParam("actor") String actor,
            @QueryParam("asset") String asset, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("offset") Integer offset, @QueryParam("limit") Integer limit);

    /**
     * @param format {@code csv} or {@code json}
     * @param action filter by audit action or null
     * @param actor  filter by actor subject or null
     * @param asset  filter by asset symbol or null
     * @param from   ISO-8601 lower bound or null
     * @param to     ISO-8601 upper bound or null
     * @return the export file
     */
    @GET
    @Path("/audit/export")
    @Produces({"text/csv", MediaType.APPLICATION_JSON})
    Response auditExport(@QueryParam("format") String format, @QueryParam("action") String action,
            @QueryParam("actor") String actor, @QueryParam("asset") String asset, @QueryParam("from") String from,
            @QueryParam("to") String to);
}
