package io.ballast.console.web;

import io.ballast.console.client.GovernanceClient;
import io.ballast.console.client.GovernanceClient.AuditFilter;
import io.ballast.console.client.RiskClient;
import io.ballast.console.client.ServiceAnswer;
import io.ballast.console.security.ConsoleUser;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** Parameters (live set and history), the audit trail with its export, and tenant administration (policy, freeze). */
@Path("/")
@Blocking
public class GovernancePagesResource {

    /** Longest freeze reason accepted by the form. */
    public static final int MAX_REASON = 500;

    @Inject
    ConsoleUser user;
    @Inject
    GovernanceClient governance;
    @Inject
    RiskClient risk;
    @Inject
    PageData data;

    @Inject
    Template parameters;
    @Inject
    Template audit;
    @Inject
    Template admin;

    /**
     * @param asset history filter by asset symbol
     * @return the live parameter set and the history timeline
     */
    @GET
    @Path("parameters")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance parameters(@QueryParam("asset") String asset) {
        ServiceAnswer history = governance.parameterHistory(asset);
        return parameters.data("header", data.header(user)).data("asset", asset == null ? "" : asset)
                .data("live", data.view(risk.liveParameters())).data("history", data.view(history))
                .data("historyItems", data.items(history));
    }

    /**
     * @param action audit action filter
     * @param actor  actor filter
     * @param from   ISO-8601 lower bound
     * @param to     ISO-8601 upper bound
     * @return the audit trail with filters and export links
     */
    @GET
    @Path("audit")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance audit(@QueryParam("action") String action, @QueryParam("actor") String actor,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        AuditFilter filter = new AuditFilter(action, actor, from, to);
        ServiceAnswer answer = governance.audit(filter);
        return audit.data("header", data.header(user)).data("filter", filter).data("answer", data.view(answer))
                .data("items", data.items(answer))
                .data("query", query(filter));
    }

    /**
     * Streams the service's export through the console (the browser has no token of its own).
     *
     * @param format {@code csv} or {@code json}
     * @param action audit action filter
     * @param actor  actor filter
     * @param from   ISO-8601 lower bound
     * @param to     ISO-8601 upper bound
     * @return the file as a download, or the service's refusal as text
     */
    @GET
    @Path("audit/export.{format}")
    public Response export(@PathParam("format") String format, @QueryParam("action") String action,
            @QueryParam("actor") String actor, @QueryParam("from") String from, @QueryParam("to") String to) {
        if (!"csv".equals(format) && !"json".equals(format)) {
            return Response.status(404).type(MediaType.TEXT_PLAIN).entity("export formats: csv, json").build();
        }
        Response service;
        try {
            service = governance.auditExport(format, new AuditFilter(action, actor, from, to));
        } catch (jakarta.ws.rs.WebApplicationException e) {
            service = e.getResponse();
        } catch (jakarta.ws.rs.ProcessingException e) {
            return Response.status(502).type(MediaType.TEXT_PLAIN)
                    .entity("the risk service did not answer (" + e.getMessage() + ")").build();
        }
        try (Response answer = service) {
            byte[] body = answer.hasEntity() ? answer.readEntity(byte[].class) : new byte[0];
            if (answer.getStatus() != 200) {
                String why = answer.getStatus() == 404 ? "the audit export is not available yet on this risk service"
                        : "the risk service refused the export (HTTP " + answer.getStatus() + ")";
                return Response.status(answer.getStatus()).type(MediaType.TEXT_PLAIN).entity(why).build();
            }
            return Response.ok(body, "csv".equals(format) ? "text/csv" : MediaType.APPLICATION_JSON)
                    .header("Content-Disposition", "attachment; filename=\"ballast-audit." + format + "\"").build();
        }
    }

    /**
     * @param done the action just taken, for the confirmation line
     * @return the tenant's policy and the freeze switch
     */
    @GET
    @Path("admin")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance admin(@QueryParam("done") String done) {
        return adminPage(done, null, "");
    }

    /**
     * Freezes automatic adjustments ({@code freeze=true}, reason required) or lifts the freeze.
     *
     * @param freeze {@code true} to freeze, {@code false} to lift
     * @param reason why (required to freeze)
     * @return a redirect to the admin page, or the page with the refusal in words
     */
    @POST
    @Path("admin/freeze")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response freeze(@FormParam("freeze") String freeze, @FormParam("reason") String reason) {
        boolean on = "true".equals(freeze);
        if (on && (reason == null || reason.isBlank() || reason.length() > MAX_REASON)) {
            return Response.status(400).entity(adminPage(null,
                    "a reason of 1 to " + MAX_REASON + " characters is required to freeze", reason)).build();
        }
        ServiceAnswer answer = on ? governance.freeze(reason.strip()) : governance.unfreeze(reason);
        if (answer.ok()) {
            return Response.seeOther(URI.create("/admin?done=" + (on ? "frozen" : "unfrozen"))).build();
        }
        return Response.status(answer.status() == 0 ? 502 : answer.status())
                .entity(adminPage(null, answer.error(), reason)).build();
    }

    private TemplateInstance adminPage(String done, String formError, String reason) {
        ServiceAnswer policy = governance.policy();
        ServiceAnswer open = governance.proposals("APPROVED", null, 0);
        return admin.data("header", data.header(user)).data("policy", data.view(policy))
                .data("timelocked", data.items(open)).data("done", done).data("formError", formError)
                .data("reason", reason == null ? "" : reason);
    }

    private static String query(AuditFilter filter) {
        StringBuilder q = new StringBuilder();
        append(q, "action", filter.action());
        append(q, "actor", filter.actor());
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
