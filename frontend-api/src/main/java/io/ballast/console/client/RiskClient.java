package io.ballast.console.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Accounts, margin and risk parameters of the signed-in user's tenant, as {@link ServiceAnswer}s for the pages.
 * Blocking: call from worker threads (the page resources are).
 */
@ApplicationScoped
public class RiskClient {

    private final RiskApi api;
    private final ServiceCalls calls;
    private final ObjectMapper json;

    /**
     * @param api   the REST client
     * @param calls answer conversion
     * @param json  the object mapper
     */
    public RiskClient(@RestClient RiskApi api, ServiceCalls calls, ObjectMapper json) {
        this.api = api;
        this.calls = calls;
        this.json = json;
    }

    /** @return the tenant summary (accounts by status, totals in USD, worst accounts; oracle health once live) */
    public ServiceAnswer summary() {
        return calls.run(api::summary, null);
    }

    /** @return the tenant's accounts */
    public ServiceAnswer accounts() {
        return calls.run(api::accounts, null);
    }

    /**
     * @param accountId the account id (another tenant's is a 404 from the service)
     * @return its margin answer with the breakdown
     */
    public ServiceAnswer margin(String accountId) {
        return calls.run(() -> api.margin(accountId), null);
    }

    /**
     * The live risk parameters: for each asset and instrument of the tenant, the version in force now (or the reason
     * there is none).
     *
     * @return {@code [{"kind": "asset"|"instrument", "symbol", "id", "effective": {...}|null, "error": text|null}]},
     *     or the failure of the listing
     */
    public ServiceAnswer liveParameters() {
        ArrayNode rows = json.createArrayNode();
        for (String kind : new String[] {"assets", "instruments"}) {
            ServiceAnswer list = calls.run(kind.equals("assets") ? api::assets : api::instruments, null);
            if (!list.ok()) {
                return list;
            }
            for (JsonNode item : list.body()) {
                String id = item.path("id").asText();
                ServiceAnswer effective = calls.run(() -> api.effectiveRiskParameters(kind, id), null);
                ObjectNode row = rows.addObject();
                row.put("kind", kind.equals("assets") ? "asset" : "instrument");
                row.put("symbol", item.path("symbol").asText());
                row.put("id", id);
                row.set("effective", effective.ok() ? effective.body() : null);
                row.put("error", effective.ok() ? null : effective.error());
            }
        }
        return ServiceAnswer.of(200, rows);
    }
}
