package io.ballast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.ballast.console.client.GovernanceClient;
import io.ballast.console.client.RiskClient;
import io.ballast.console.client.ServiceAnswer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters page's data: the live set per asset (the governance API's values in force) and per market (an
 * instrument's own version, or the underlying it follows), and the version history as a timeline of who changed
 * what.
 */
@ApplicationScoped
public class ParameterViews {

    /** Values of an asset's live set shown as columns, in this order (plain fractions). */
    public static final List<String> LIVE_COLUMNS = List.of("initialMarginFraction", "maintenanceMarginFraction",
            "collateralHaircut", "liquidationFeeFraction", "scanRangeFraction", "autoApplyMaxChange");

    private final RiskClient risk;
    private final GovernanceClient governance;
    private final PageData data;

    /**
     * @param risk       accounts, assets, instruments
     * @param governance parameters in force and their history
     * @param data       JSON to plain Java
     */
    public ParameterViews(RiskClient risk, GovernanceClient governance, PageData data) {
        this.risk = risk;
        this.governance = governance;
        this.data = data;
    }

    /**
     * The live set: one row per asset and per instrument.
     *
     * @return {@code {error, assets: [{symbol, versions, inForce, error}], markets: [{symbol, kind, underlying, own,
     *     error}]}}; {@code error} is the failure of a listing, in words, or null
     */
    public Map<String, Object> liveSet() {
        Map<String, Object> out = new LinkedHashMap<>();
        ServiceAnswer assetList = risk.assets();
        ServiceAnswer instrumentList = assetList.ok() ? risk.instruments() : assetList;
        if (!instrumentList.ok()) {
            out.put("error", instrumentList.error());
            out.put("assets", List.of());
            out.put("markets", List.of());
            return out;
        }
        Map<String, String> symbols = new HashMap<>();
        List<Map<String, Object>> assets = new ArrayList<>();
        for (JsonNode asset : assetList.body()) {
            String symbol = asset.path("symbol").asText();
            symbols.put(asset.path("id").asText(), symbol);
            ServiceAnswer inForce = governance.parametersInForce(symbol);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("symbol", symbol);
            row.put("versions", inForce.ok() ? data.plain(inForce.body().get("versions")) : null);
            row.put("inForce", inForce.ok() ? data.plain(inForce.body().get("values")) : Map.of());
            row.put("error", inForce.error());
            assets.add(row);
        }
        List<Map<String, Object>> markets = new ArrayList<>();
        for (JsonNode instrument : instrumentList.body()) {
            ServiceAnswer own = risk.instrumentParameters(instrument.path("id").asText());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("symbol", instrument.path("symbol").asText());
            row.put("kind", instrument.path("kind").asText());
            row.put("underlying", symbols.getOrDefault(instrument.path("underlyingId").asText(), "?"));
            row.put("own", own.ok() ? data.plain(own.body()) : null);
            row.put("error", own.ok() || own.status() == 404 ? null : own.error());
            markets.add(row);
        }
        out.put("error", null);
        out.put("assets", assets);
        out.put("markets", markets);
        return out;
    }

    /**
     * The history of an asset's parameters and of the settings that apply to it, newest first, each version with
     * what it changed against the previous version of the same kind and scope.
     *
     * @param asset asset symbol, or null for the tenant-wide settings
     * @return {@code {error, entries: [{effectiveFrom, kind, scope, version, source, actor, proposalId, first,
     *     changes: [{name, before, after}], proposer, approvers}]}}; a version written by a proposal names its
     *     proposer and the members who approved it by name (preferred_username or client id; the token subject
     *     for rows written before names were recorded), read from the proposal
     */
    public Map<String, Object> history(String asset) {
        ServiceAnswer answer = governance.parameterHistory(asset);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", answer.error());
        List<Map<String, Object>> entries = answer.ok() ? timeline(answer.body()) : List.of();
        Map<String, ServiceAnswer> proposals = new HashMap<>();
        for (Map<String, Object> entry : entries) {
            String id = (String) entry.get("proposalId");
            if (id != null) {
                ServiceAnswer proposal = proposals.computeIfAbsent(id, governance::proposal);
                if (proposal.ok()) {
                    entry.put("proposer", nameOf(proposal.body(), "proposerName", "proposer"));
                    List<String> approvers = new ArrayList<>();
                    proposal.body().path("votes").forEach(v -> {
                        if ("APPROVE".equals(v.path("vote").asText())) {
                            approvers.add(nameOf(v, "voterName", "voter"));
                        }
                    });
                    entry.put("approvers", approvers);
                }
            }
        }
        out.put("entries", entries);
        return out;
    }

    /**
     * @param versions the service's history, oldest first per kind and scope
     * @return entries newest first (by effective time), each with its changes against its predecessor
     */
    static List<Map<String, Object>> timeline(JsonNode versions) {
        Map<String, JsonNode> previous = new HashMap<>();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (JsonNode v : versions) {
            String line = v.path("kind").asText() + "/" + v.path("scope").asText();
            JsonNode before = previous.put(line, v.path("values"));
            List<Map<String, Object>> changes = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.path("values").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> value = it.next();
                JsonNode old = before == null ? null : before.get(value.getKey());
                if (before == null || old == null || !same(old, value.getValue())) {
                    Map<String, Object> change = new LinkedHashMap<>();
                    change.put("name", value.getKey());
                    change.put("before", text(old));
                    change.put("after", text(value.getValue()));
                    changes.add(change);
                }
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("effectiveFrom", v.path("effectiveFrom").asText(""));
            entry.put("kind", v.path("kind").asText());
            entry.put("scope", v.path("scope").asText());
            entry.put("version", v.path("version").asInt());
            entry.put("source", v.path("source").asText("—"));
            entry.put("actor", nameOf(v, "actorName", "actor"));
            entry.put("proposalId", v.hasNonNull("proposalId") ? v.get("proposalId").asText() : null);
            entry.put("first", before == null);
            entry.put("changes", changes);
            entries.add(entry);
        }
        entries.sort((a, b) -> ((String) a.get("effectiveFrom")).compareTo((String) b.get("effectiveFrom")));
        Collections.reverse(entries);
        return entries;
    }

    /**
     * Who acted, as shown to people: the name the service recorded (preferred_username, a machine's client id,
     * {@code model <version>}), else the token subject (rows written before names were recorded), else a dash.
     *
     * @param node    a JSON object of the service
     * @param name    the field holding the name
     * @param subject the field holding the token subject
     * @return the text to show
     */
    static String nameOf(JsonNode node, String name, String subject) {
        if (node.hasNonNull(name) && !node.get(name).asText().isBlank()) {
            return node.get(name).asText();
        }
        return node.path(subject).asText("—");
    }

    /** A value as shown: numbers without trailing zeros ({@code 0.0500} is {@code 0.05}), null as null. */
    private static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isNumber() ? value.decimalValue().stripTrailingZeros().toPlainString() : value.asText();
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }
}
