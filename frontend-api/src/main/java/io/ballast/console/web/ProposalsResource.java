package io.ballast.console.web;

import io.ballast.console.client.GovernanceClient;
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
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * The proposals queue (filters by status and asset) and a proposal's detail with its evidence, where committee
 * members approve or reject and tenant admins veto, each with a comment.
 */
@Path("/proposals")
@Blocking
public class ProposalsResource {

    /** Longest comment accepted by the form. */
    public static final int MAX_COMMENT = 1000;

    /** Status filter choices (the service's proposal statuses, and ALL). */
    static final java.util.List<String> STATUSES = java.util.List.of("OPEN", "APPROVED", "EFFECTIVE", "REJECTED",
            "VETOED", "EXPIRED", "ALL");

    @Inject
    ConsoleUser user;
    @Inject
    GovernanceClient governance;
    @Inject
    PageData data;
    @Inject
    RiskClient risk;

    @Inject
    Template proposals;
    @Inject
    Template proposal;

    /**
     * @param status   status filter (default OPEN; {@code ALL} for every status)
     * @param asset    asset filter
     * @param page     zero-based page
     * @param htmxCall set by htmx: then only the table is rendered
     * @return the queue, or only its table for an htmx filter change
     */
    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance queue(@QueryParam("status") String status, @QueryParam("asset") String asset,
            @QueryParam("page") Integer page, @HeaderParam("HX-Request") String htmxCall) {
        String effectiveStatus = status == null ? "OPEN" : status;
        int pageNumber = page == null ? 0 : Math.max(0, page);
        ServiceAnswer answer = governance.proposals("ALL".equals(effectiveStatus) ? null : effectiveStatus, asset,
                pageNumber);
        TemplateInstance page1 = "true".equals(htmxCall) ? proposals.getFragment("table").instance()
                : proposals.instance();
        return page1.data("header", data.header(user)).data("status", effectiveStatus).data("statuses", STATUSES)
                .data("asset", asset == null ? "" : asset).data("answer", data.view(answer))
                .data("items", data.items(answer)).data("symbols", data.symbols(risk.assets()))
                .data("page", pageNumber).data("pageSize", GovernanceClient.PAGE_SIZE)
                .data("previousPage", pageNumber - 1).data("nextPage", pageNumber + 1)
                .data("pageBase", "/proposals?status=" + encode(effectiveStatus) + "&asset="
                        + encode(asset == null ? "" : asset) + "&");
    }

    /**
     * @param id   proposal id
     * @param done the decision just taken, for the confirmation line
     * @return the proposal with its evidence
     */
    @GET
    @Path("{id}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance detail(@PathParam("id") String id, @QueryParam("done") String done) {
        return detailPage(id, governance.proposal(id), done, null, "");
    }

    /**
     * Approve, reject or veto. The comment is required; the service decides whether this user may.
     *
     * @param id       proposal id
     * @param decision approve, reject or veto
     * @param comment  the comment (1 to {@value #MAX_COMMENT} characters)
     * @return a redirect to the proposal on success; the proposal with the refusal in words otherwise
     */
    @POST
    @Path("{id}/decision")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response decide(@PathParam("id") String id, @FormParam("decision") String decision,
            @FormParam("comment") String comment) {
        String problem = null;
        if (decision == null || !GovernanceClient.DECISIONS.contains(decision)) {
            problem = "choose approve, reject or veto";
        } else if (comment == null || comment.isBlank()) {
            problem = "a comment is required";
        } else if (comment.length() > MAX_COMMENT) {
            problem = "the comment is longer than " + MAX_COMMENT + " characters";
        }
        if (problem != null) {
            return Response.status(400)
                    .entity(detailPage(id, governance.proposal(id), null, problem, comment == null ? "" : comment))
                    .build();
        }
        ServiceAnswer answer = governance.decide(id, decision, comment.strip());
        if (answer.ok()) {
            return Response.seeOther(URI.create("/proposals/" + id + "?done=" + decision)).build();
        }
        return Response.status(answer.status() == 0 ? 502 : answer.status())
                .entity(detailPage(id, governance.proposal(id), null,
                        "the risk service refused to " + decision + ": " + answer.error(), comment))
                .build();
    }

    private TemplateInstance detailPage(String id, ServiceAnswer answer, String done, String formError,
            String comment) {
        com.fasterxml.jackson.databind.JsonNode evidence = answer.ok() ? answer.body().get("evidence") : null;
        return proposal.data("header", data.header(user)).data("id", id).data("answer", data.view(answer))
                .data("tables", EvidenceView.tables(evidence)).data("evidenceJson", EvidenceView.scriptJson(evidence))
                .data("done", done).data("formError", formError).data("comment", comment)
                .data("symbols", data.symbols(risk.assets()));
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
