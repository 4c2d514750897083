package io.ballast.console.web;

import io.ballast.console.client.GovernanceClient;
import io.ballast.console.client.GovernanceClient.AuditFilter;
import io.ballast.console.client.RiskClient;
import io.ballast.console.client.ServiceAnswer;
import io.ballast.console.client.ServiceCalls;
import io.ballast.console.security.ConsoleUser;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Parameters (live set and history) and the audit trail with its export. */
@Path("/")
@Blocking
public class GovernancePagesResource {

    /** The audit actions the service records (docs/governance.md, "Audit trail"), for the filter. */
    static final List<String> AUDIT_ACTIONS = List.of("RECOMMENDATION_RECEIVED", "AUTO_APPLIED",
            "RECOMMENDATION_HELD", "PROPOSED", "APPROVED", "REJECTED", "EXPIRED", "VETOED", "FROZEN", "UNFROZEN",
            "EFFECTIVE", "MANUAL_PARAMETER_EDIT", "POLICY_CHANGED", "DEFAULTS_WRITTEN");

    @Inject
    ConsoleUser user;
    @Inject
    GovernanceClient governance;
    @Inject
    ParameterViews parameterViews;
    @Inject
    ServiceCalls calls;
    @Inject
    RiskClient risk;
    @Inject
    PageData data;

    @Inject
    Template parameters;
    @Inject
    Template audit;

    /**
     * @param asset whose history to show (asset symbol); blank for the tenant-wide settings
     * @return the live parameter set per asset and market, and the history timeline
     */
    @GET
    @Path("parameters")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance parameters(@QueryParam("asset") String asset) {
        String symbol = asset == null ? "" : asset.strip();
        return parameters.data("header", data.header(user)).data("asset", symbol)
                .data("columns", ParameterViews.LIVE_COLUMNS).data("live", parameterViews.liveSet())
                .data("history", parameterViews.history(symbol));
    }

    /**
     * @param action audit action filter
     * @param actor  actor filter
     * @param asset  asset symbol filter
     * @param from   ISO-8601 lower bound
     * @param to     ISO-8601 upper bound
     * @param page   zero-based page
     * @return the audit trail with filters and export links
     */
    @GET
    @Path("audit")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance audit(@QueryParam("action") String action, @QueryParam("actor") String actor,
            @QueryParam("asset") String asset, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("page") Integer page) {
        AuditFilter filter = new AuditFilter(action, actor, asset, from, to);
        int pageNumber = page == null ? 0 : Math.max(0, page);
        ServiceAnswer answer = governance.audit(filter, pageNumber);
        return audit.data("header", data.header(user)).data("filter", filter).data("actions", AUDIT_ACTIONS).data("answer", data.view(answer))
                .data("items", data.itemsWithJson(answer, "before", "after"))
                .data("symbols", data.symbols(risk.assets())).data("page", pageNumber)
                .data("pageSize", GovernanceClient.PAGE_SIZE).data("previousPage", pageNumber - 1)
                .data("nextPage", pageNumber + 1)
                .data("query", query(filter))
                .data("pageBase", "/audit" + (query(filter).isEmpty() ? "?" : query(filter) + "&"));
    }

    /**
     * Streams the service's export through the console (the browser has no token of its own).
     *
     * @param format {@code csv} or {@code json}
     * @param action audit action filter
     * @param actor  actor filter
     * @param asset  asset symbol filter
     * @param from   ISO-8601 lower bound
     * @param to     ISO-8601 upper bound
     * @return the file as a download, or the service's refusal as text
     */
    @GET
    @Path("audit/export.{format}")
    public Response export(@PathParam("format") String format, @QueryParam("action") String action,
            @QueryParam("actor") String actor, @QueryParam("asset") String asset, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        if (!"csv".equals(format) && !"json".equals(format)) {
            return Response.status(404).type(MediaType.TEXT_PLAIN).entity("export formats: csv, json").build();
        }
        Response service;
        try {
            service = governance.auditExport(format, new AuditFilter(action, actor, asset, from, to));
        } catch (jakarta.ws.rs.WebApplicationException e) {
            service = e.getResponse();
        } catch (jakarta.ws.rs.ProcessingException e) {
            return Response.status(502).type(MediaType.TEXT_PLAIN)
                    .entity("the risk service did not answer (" + e.getMessage() + ")").build();
        }
        try (Response answer = service) {
            byte[] body = answer.hasEntity() ? answer.readEntity(byte[].class) : new byte[0];
            if (answer.getStatus() != 200) {
                String why = "the risk service refused the export: "
                        + calls.describe(answer.getStatus(), new String(body, StandardCharsets.UTF_8));
                return Response.status(answer.getStatus()).type(MediaType.TEXT_PLAIN).entity(why).build();
            }
            return Response.ok(body, "csv".equals(format) ? "text/csv" : MediaType.APPLICATION_JSON)
                    .header("Content-Disposition", "attachment; filename=\"ballast-audit." + format + "\"").build();
        }
    }

    private static String query(AuditFilter filter) {
        StringBuilder q = new StringBuilder();
        append(q, "action", filter.action());
        append(q, "actor", filter.actor());
        append(q, "asset", filter.asset());
        append(q, "from", filter.from());
        append(q, "to", filter.to());
        return q.toString();
    }

    private static void append(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append(q.isEmpty() ? "?" : "&").append(name).append('=')
                    .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
