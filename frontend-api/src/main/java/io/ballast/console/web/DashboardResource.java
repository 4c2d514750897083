package io.ballast.console.web;

import io.ballast.console.client.RiskClient;
import io.ballast.console.live.MarginEventStream;
import io.ballast.console.security.ConsoleUser;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.net.URI;
import java.time.Duration;

/**
 * The live risk dashboard (accounts by status, totals, oracle health, margin events as they happen) and the
 * drill-down into one account's margin.
 */
@Path("/")
public class DashboardResource {

    /** SSE event name carrying one rendered event row. */
    public static final String SSE_EVENT = "margin-event";

    @Inject
    ConsoleUser user;
    @Inject
    RiskClient risk;
    @Inject
    MarginEventStream stream;
    @Inject
    PageData data;

    @Inject
    Template dashboard;
    @Inject
    Template account;
    @Location("eventRow.html")
    @Inject
    Template eventRow;

    /** @return a redirect to the dashboard */
    @GET
    public Response home() {
        return Response.seeOther(URI.create("/dashboard")).build();
    }

    /** @return the dashboard of the user's tenant */
    @GET
    @Path("dashboard")
    @Produces(MediaType.TEXT_HTML)
    @Blocking
    public TemplateInstance dashboard() {
        return dashboard.data("header", data.header(user))
                .data("summary", data.view(risk.summary()))
                .data("accounts", data.view(risk.accounts()))
                .data("oracles", data.view(risk.oracles()))
                .data("events", user.tenantId().map(stream::recent).orElse(java.util.List.of()));
    }

    /**
     * Margin events of the user's tenant as server-sent events, each a rendered table row ({@value #SSE_EVENT}),
     * plus a comment every 20 s to keep idle connections open.
     *
     * @param sse the SSE factory
     * @return the event stream (empty for a user without a tenant)
     */
    @GET
    @Path("dashboard/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(@Context Sse sse) {
        String tenant = user.tenantId().orElse(null);
        if (tenant == null) {
            return Multi.createFrom().empty();
        }
        Multi<OutboundSseEvent> rows = stream.live(tenant)
                .map(event -> sse.newEventBuilder().name(SSE_EVENT).id(event.eventId())
                        .data(oneLine(eventRow.data("e", event).render())).build());
        Multi<OutboundSseEvent> keepAlive = Multi.createFrom().ticks().every(Duration.ofSeconds(20))
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        return Multi.createBy().merging().streams(rows, keepAlive);
    }

    /**
     * @param id the account id
     * @return the account's margin answer and breakdown (another tenant's account: the service's 404 in words)
     */
    @GET
    @Path("accounts/{id}")
    @Produces(MediaType.TEXT_HTML)
    @Blocking
    public TemplateInstance account(@PathParam("id") String id) {
        return account.data("header", data.header(user)).data("accountId", id)
                .data("margin", data.view(risk.margin(id)));
    }

    private static String oneLine(String html) {
        return html.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
