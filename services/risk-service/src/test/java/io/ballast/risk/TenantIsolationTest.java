package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.ballast.risk.security.KeycloakAdmin;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.Members;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The tenant isolation matrix: with real tokens of tenant A, every endpoint is tried against tenant B's ids, symbols
 * and bulk payloads. Every attempt answers 404 (403 for a role the token lacks), lists never show B's rows, and B's
 * data is unchanged afterwards. Add a row to {@link #probes} for every new endpoint.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class TenantIsolationTest {

    /** Who calls: A's integrator, A's tenant admin or a risk-committee member of A. */
    enum Caller { INTEGRATOR, ADMIN, COMMITTEE }

    @Inject
    KeycloakAdmin keycloak;

    /**
     * One attempt.
     *
     * @param name     what is tried
     * @param caller   which of A's clients calls
     * @param method   HTTP method
     * @param path     path (with B's ids filled in)
     * @param body     request body or null
     * @param expected expected status
     */
    record Probe(String name, Caller caller, String method, String path, Object body, int expected) {
    }

    /** The fixture: A and B with their rows. */
    record World(Tenant a, Tenant b, Map<String, String> aIds, Map<String, String> bIds) {
    }

    private static World build() {
        Tenant a = TestTenants.onboard("iso-a");
        Tenant b = TestTenants.onboard("iso-b");
        Map<String, String> aIds = new HashMap<>();
        Map<String, String> bIds = new HashMap<>();
        for (var e : List.of(Map.entry(a, aIds), Map.entry(b, bIds))) {
            Tenant t = e.getKey();
            Map<String, String> ids = e.getValue();
            ids.put("usdt", TestTenants.asset(t, "USDT"));
            ids.put("btc", TestTenants.asset(t, "BTC"));
            ids.put("perp", TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT"));
            ids.put("account", TestTenants.account(t, "0xSAME"));
        }
        // B-only symbols: an asset and an instrument A does not have
        bIds.put("bonlyAsset", TestTenants.asset(b, "BONLY"));
        bIds.put("bonlyPerp", TestTenants.perpetual(b, "BONLY-PERP", "BONLY", "USDT"));
        b.asIntegrator().body(Map.of("asset", "USDT", "amount", "500", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + bIds.get("account")
                + "/deposits").then().statusCode(201);
        b.asIntegrator().body(Map.of("quantity", "2", "entryPrice", "100")).put("/api/v1/accounts/"
                + bIds.get("account") + "/positions/BTC-PERP").then().statusCode(200);
        b.asAdmin().body(riskParams()).post("/api/v1/assets/" + bIds.get("btc") + "/risk-parameters").then()
                .statusCode(201);
        for (String symbol : List.of("BTC", "BONLY")) {
            b.asIntegrator().body(Map.of("bars", List.of(bar("2024-01-01"), bar("2024-01-02"), bar("2024-01-03"))))
                    .put("/api/v1/market/history/" + symbol).then().statusCode(200);
        }
        bIds.put("proposal", b.asAdmin().body(governanceProposal("BTC")).post("/api/v1/governance/proposals")
                .then().statusCode(201).extract().path("id"));
        bIds.put("run", b.asAdmin().post("/api/v1/risk/recommendations/runs").then().statusCode(202).extract()
                .path("id"));
        return new World(a, b, aIds, bIds);
    }

    private static Map<String, Object> bar(String date) {
        return Map.of("date", date, "open", 100, "high", 110, "low", 90, "close", 105, "volume", 1);
    }

    private static Map<String, Object> riskParams() {
        return Map.of("effectiveFrom", "2026-01-01T00:00:00Z", "initialMarginFraction", "0.1",
                "maintenanceMarginFraction", "0.05", "collateralHaircut", "0", "liquidationFeeFraction", "0.01");
    }

    private static Map<String, Object> governanceProposal(String asset) {
        return Map.of("asset", asset, "changes", Map.of("scanRangeFraction", 0.2), "reason", "isolation");
    }

    private static List<Probe> probes(World w) {
        String bAcc = "/api/v1/accounts/" + w.bIds().get("account");
        String aAcc = "/api/v1/accounts/" + w.aIds().get("account");
        String bAsset = "/api/v1/assets/" + w.bIds().get("btc");
        String bInstr = "/api/v1/instruments/" + w.bIds().get("perp");
        Map<String, Object> position = Map.of("quantity", "1", "entryPrice", "1");
        Map<String, Object> movement = Map.of("asset", "USDT", "amount", "1");
        Map<String, Object> deposit = Map.of("asset", "USDT", "amount", "1", "externalRef", "0xprobe");
        List<Probe> p = new ArrayList<>();
        p.add(new Probe("get B's account", Caller.INTEGRATOR, "GET", bAcc, null, 404));
        p.add(new Probe("patch B's account", Caller.INTEGRATOR, "PATCH", bAcc, Map.of("status", "SUSPENDED"), 404));
        p.add(new Probe("deposit to B's account", Caller.INTEGRATOR, "POST", bAcc + "/deposits", deposit, 404));
        p.add(new Probe("withdraw from B's account", Caller.INTEGRATOR, "POST", bAcc + "/withdrawals", deposit, 404));
        p.add(new Probe("B's balances", Caller.INTEGRATOR, "GET", bAcc + "/balances", null, 404));
        p.add(new Probe("B's ledger", Caller.INTEGRATOR, "GET", bAcc + "/ledger", null, 404));
        p.add(new Probe("B's positions", Caller.INTEGRATOR, "GET", bAcc + "/positions", null, 404));
        p.add(new Probe("B's withdrawable", Caller.INTEGRATOR, "GET", bAcc + "/withdrawable", null, 404));
        p.add(new Probe("B's isolated pools", Caller.INTEGRATOR, "GET", bAcc + "/isolated-pools", null, 404));
        p.add(new Probe("transfer into B's isolated pool", Caller.INTEGRATOR, "POST",
                bAcc + "/isolated-pools/BTC-PERP/transfers-in", movement, 404));
        p.add(new Probe("transfer out of B's isolated pool", Caller.INTEGRATOR, "POST",
                bAcc + "/isolated-pools/BTC-PERP/transfers-out", movement, 404));
        p.add(new Probe("own account, B-only instrument's isolated pool", Caller.INTEGRATOR, "POST",
                aAcc + "/isolated-pools/BONLY-PERP/transfers-in", movement, 404));
        p.add(new Probe("own account, B-only asset to an isolated pool", Caller.INTEGRATOR, "POST",
                aAcc + "/isolated-pools/BTC-PERP/transfers-out", Map.of("asset", "BONLY", "amount", "1"), 404));
        p.add(new Probe("set B's position", Caller.INTEGRATOR, "PUT", bAcc + "/positions/BTC-PERP", position, 404));
        p.add(new Probe("close B's position", Caller.INTEGRATOR, "DELETE", bAcc + "/positions/BTC-PERP", null, 404));
        p.add(new Probe("own account, B-only instrument", Caller.INTEGRATOR, "PUT",
                aAcc + "/positions/BONLY-PERP", position, 404));
        p.add(new Probe("own account, B-only asset", Caller.INTEGRATOR, "POST", aAcc + "/deposits",
                Map.of("asset", "BONLY", "amount", "1", "externalRef", "0xbonly"), 404));
        p.add(new Probe("get B's asset", Caller.INTEGRATOR, "GET", bAsset, null, 404));
        p.add(new Probe("B's asset parameters", Caller.INTEGRATOR, "GET", bAsset + "/risk-parameters", null, 404));
        p.add(new Probe("B's asset parameters in force", Caller.INTEGRATOR, "GET",
                bAsset + "/risk-parameters/effective", null, 404));
        p.add(new Probe("version B's asset parameters", Caller.ADMIN, "POST", bAsset + "/risk-parameters",
                riskParams(), 404));
        p.add(new Probe("get B's instrument", Caller.INTEGRATOR, "GET", bInstr, null, 404));
        p.add(new Probe("B's instrument settlement", Caller.INTEGRATOR, "GET", bInstr + "/settlement", null, 404));
        p.add(new Probe("B's instrument parameters", Caller.INTEGRATOR, "GET", bInstr + "/risk-parameters", null,
                404));
        p.add(new Probe("B's instrument parameters in force", Caller.INTEGRATOR, "GET",
                bInstr + "/risk-parameters/effective", null, 404));
        p.add(new Probe("version B's instrument parameters", Caller.ADMIN, "POST", bInstr + "/risk-parameters",
                riskParams(), 404));
        p.add(new Probe("instrument on B-only underlying", Caller.ADMIN, "POST", "/api/v1/instruments",
                Map.of("symbol", "X-PERP", "kind", "PERPETUAL", "underlying", "BONLY", "settlement", "USDT",
                        "contractSize", 1), 404));
        p.add(new Probe("snapshot naming B's account", Caller.INTEGRATOR, "POST", "/api/v1/snapshots",
                Map.of("positions", List.of(Map.of("accountId", w.bIds().get("account"), "instrument", "BTC-PERP",
                        "quantity", "5", "entryPrice", "1"))), 404));
        p.add(new Probe("snapshot balance of B's account", Caller.INTEGRATOR, "POST", "/api/v1/snapshots",
                Map.of("balances", List.of(Map.of("accountId", w.bIds().get("account"), "asset", "USDT",
                        "amount", "0"))), 404));
        p.add(new Probe("snapshot with B-only instrument", Caller.INTEGRATOR, "POST", "/api/v1/snapshots",
                Map.of("positions", List.of(Map.of("accountId", w.aIds().get("account"), "instrument", "BONLY-PERP",
                        "quantity", "5", "entryPrice", "1"))), 404));
        p.add(new Probe("B's margin", Caller.INTEGRATOR, "GET", bAcc + "/margin", null, 404));
        p.add(new Probe("what-if on B's account", Caller.INTEGRATOR, "POST", bAcc + "/margin/what-if",
                Map.of("trades", List.of(Map.of("instrument", "BTC-PERP", "quantity", "1", "price", "1"))), 404));
        p.add(new Probe("what-if with B-only instrument", Caller.INTEGRATOR, "POST", aAcc + "/margin/what-if",
                Map.of("trades", List.of(Map.of("instrument", "BONLY-PERP", "quantity", "1", "price", "1"))), 404));
        p.add(new Probe("pre-trade check on B's account", Caller.INTEGRATOR, "POST", bAcc + "/margin/pre-trade-check",
                Map.of("trades", List.of(Map.of("instrument", "BTC-PERP", "quantity", "1", "price", "1"))), 404));
        p.add(new Probe("pre-trade check with B-only instrument", Caller.INTEGRATOR, "POST",
                aAcc + "/margin/pre-trade-check",
                Map.of("trades", List.of(Map.of("instrument", "BONLY-PERP", "quantity", "1", "price", "1"))), 404));
        p.add(new Probe("price a B-only underlying", Caller.INTEGRATOR, "PUT", "/api/v1/market/prices",
                Map.of("prices", List.of(Map.of("underlying", "BONLY", "indexPriceUsd", 1))), 404));
        p.add(new Probe("B-only asset's forwards", Caller.INTEGRATOR, "GET", "/api/v1/market/forwards/BONLY", null,
                404));
        p.add(new Probe("write a B-only asset's forwards", Caller.INTEGRATOR, "PUT", "/api/v1/market/forwards/BONLY",
                Map.of("points", List.of()), 404));
        p.add(new Probe("B-only asset's vol surface", Caller.INTEGRATOR, "GET", "/api/v1/market/vol-surfaces/BONLY",
                null, 404));
        p.add(new Probe("write a B-only asset's vol surface", Caller.INTEGRATOR, "PUT",
                "/api/v1/market/vol-surfaces/BONLY", Map.of("points", List.of()), 404));
        p.add(new Probe("B-only asset's history", Caller.INTEGRATOR, "GET", "/api/v1/market/history/BONLY", null,
                404));
        p.add(new Probe("write a B-only asset's history", Caller.INTEGRATOR, "PUT", "/api/v1/market/history/BONLY",
                Map.of("bars", List.of(bar("2024-01-04"))), 404));
        p.add(new Probe("B-only asset's oracle", Caller.INTEGRATOR, "GET", "/api/v1/market/oracles/BONLY", null,
                404));
        p.add(new Probe("B-only asset's oracle versions", Caller.INTEGRATOR, "GET",
                "/api/v1/market/oracles/BONLY/versions", null, 404));
        p.add(new Probe("configure a B-only asset's oracle", Caller.ADMIN, "PUT", "/api/v1/market/oracles/BONLY",
                Map.of("sources", List.of("feed"), "stalenessSeconds", 60, "maxDeviationFraction", "0.01",
                        "maxJumpFraction", "0.2", "minPriceUsd", "1", "maxPriceUsd", "1000000"), 404));
        p.add(new Probe("integrator configures an oracle", Caller.INTEGRATOR, "PUT", "/api/v1/market/oracles/BTC",
                Map.of("sources", List.of("feed"), "stalenessSeconds", 60, "maxDeviationFraction", "0.01",
                        "maxJumpFraction", "0.2", "minPriceUsd", "1", "maxPriceUsd", "1000000"), 403));
        p.add(new Probe("recommendation for a B-only asset", Caller.ADMIN, "GET",
                "/api/v1/risk/recommendations?asset=BONLY", null, 404));
        p.add(new Probe("integrator reads recommendations", Caller.INTEGRATOR, "GET", "/api/v1/risk/recommendations",
                null, 403));
        p.add(new Probe("B's recommendation run", Caller.ADMIN, "GET",
                "/api/v1/risk/recommendations/runs/" + w.bIds().get("run"), null, 404));
        p.add(new Probe("integrator starts a recommendation run", Caller.INTEGRATOR, "POST",
                "/api/v1/risk/recommendations/runs", null, 403));
        p.add(new Probe("create a user in B", Caller.ADMIN, "POST", "/api/v1/tenants/" + w.b().id() + "/users",
                Map.of("username", w.a().slug() + "-in-b", "role", "viewer"), 404));
        p.add(new Probe("reset a password in B", Caller.ADMIN, "POST", "/api/v1/tenants/" + w.b().id()
                + "/users/anyone/password", null, 404));
        p.add(new Probe("integrator creates a user", Caller.INTEGRATOR, "POST", "/api/v1/tenants/" + w.a().id()
                + "/users", Map.of("username", w.a().slug() + "-x", "role", "viewer"), 403));
        p.add(new Probe("integrator creates an asset", Caller.INTEGRATOR, "POST", "/api/v1/assets",
                Map.of("symbol", "ZZZ", "decimals", 1, "priceSource", "x"), 403));
        String gov = "/api/v1/governance";
        String bProposal = gov + "/proposals/" + w.bIds().get("proposal");
        Map<String, Object> comment = Map.of("comment", "isolation");
        p.add(new Probe("B's proposal", Caller.COMMITTEE, "GET", bProposal, null, 404));
        p.add(new Probe("approve B's proposal", Caller.COMMITTEE, "POST", bProposal + "/approve", comment, 404));
        p.add(new Probe("reject B's proposal", Caller.COMMITTEE, "POST", bProposal + "/reject", comment, 404));
        p.add(new Probe("veto B's proposal", Caller.ADMIN, "POST", bProposal + "/veto", comment, 404));
        p.add(new Probe("propose on a B-only asset", Caller.ADMIN, "POST", gov + "/proposals",
                governanceProposal("BONLY"), 404));
        p.add(new Probe("proposals of a B-only asset", Caller.ADMIN, "GET", gov + "/proposals?asset=BONLY", null,
                404));
        p.add(new Probe("parameters in force of a B-only asset", Caller.INTEGRATOR, "GET",
                gov + "/parameters?asset=BONLY", null, 404));
        p.add(new Probe("parameter history of a B-only asset", Caller.INTEGRATOR, "GET",
                gov + "/parameters/history?asset=BONLY", null, 404));
        p.add(new Probe("audit of a B-only asset", Caller.ADMIN, "GET", gov + "/audit?asset=BONLY", null, 404));
        p.add(new Probe("audit export of a B-only asset", Caller.COMMITTEE, "GET",
                gov + "/audit/export?asset=BONLY", null, 404));
        p.add(new Probe("integrator reads proposals", Caller.INTEGRATOR, "GET", gov + "/proposals", null, 403));
        p.add(new Probe("integrator changes the policy", Caller.INTEGRATOR, "PUT", gov + "/policy",
                Map.of("approvalsRequired", 3), 403));
        p.add(new Probe("committee changes the policy", Caller.COMMITTEE, "PUT", gov + "/policy",
                Map.of("approvalsRequired", 3), 403));
        p.add(new Probe("integrator freezes", Caller.INTEGRATOR, "POST", gov + "/freeze", Map.of("reason", "x"),
                403));
        p.add(new Probe("committee lifts a freeze", Caller.COMMITTEE, "DELETE", gov + "/freeze", null, 403));
        p.add(new Probe("integrator reads the audit trail", Caller.INTEGRATOR, "GET", gov + "/audit", null, 403));
        p.add(new Probe("admin approves", Caller.ADMIN, "POST", bProposal + "/approve", comment, 403));
        p.add(new Probe("tenant lists tenants", Caller.ADMIN, "GET", "/api/v1/tenants", null, 403));
        p.add(new Probe("tenant suspends B", Caller.ADMIN, "POST", "/api/v1/tenants/" + w.b().id() + "/suspend",
                null, 403));
        return p;
    }

    private static Response send(RequestSpecification spec, Probe probe) {
        if (probe.body() != null) {
            spec = spec.body(probe.body());
        }
        return spec.request(probe.method(), probe.path());
    }

    @TestFactory
    Stream<DynamicTest> tenantACannotReachTenantB() {
        World w = build();
        Members.Member committee = new Members(keycloak).create(w.a(), "risk-committee", "iso-committee");
        Function<Caller, RequestSpecification> as = c -> switch (c) {
            case ADMIN -> w.a().asAdmin();
            case INTEGRATOR -> w.a().asIntegrator();
            case COMMITTEE -> committee.as();
        };
        Stream<DynamicTest> matrix = probes(w).stream().map(probe -> DynamicTest.dynamicTest(probe.name(), () -> {
            Response r = send(as.apply(probe.caller()), probe);
            assertThat(r.statusCode()).as(probe.name() + ": " + r.asString()).isEqualTo(probe.expected());
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.asString()).doesNotContain(w.b().slug());
        }));
        Stream<DynamicTest> lists = Stream.of(
                DynamicTest.dynamicTest("A's lists hold only A's rows", () -> {
                    w.a().asIntegrator().get("/api/v1/accounts").then().statusCode(200)
                            .body("id", not(hasItem(w.bIds().get("account"))))
                            .body("id", hasItem(w.aIds().get("account")));
                    w.a().asIntegrator().get("/api/v1/assets").then().statusCode(200)
                            .body("id", not(hasItem(w.bIds().get("btc"))))
                            .body("symbol", not(hasItem("BONLY")));
                    w.a().asIntegrator().get("/api/v1/instruments").then().statusCode(200)
                            .body("id", not(hasItem(w.bIds().get("perp"))))
                            .body("symbol", not(hasItem("BONLY-PERP")));
                    w.a().asIntegrator().get("/api/v1/margin/summary").then().statusCode(200)
                            .body("accounts", equalTo(1))
                            .body("worstAccounts.accountId", not(hasItem(w.bIds().get("account"))))
                            .body("worstAccounts.accountId", hasItem(w.aIds().get("account")))
                            .body("notComputed.accountId", not(hasItem(w.bIds().get("account"))));
                    w.a().asIntegrator().get("/api/v1/market/prices").then().statusCode(200)
                            .body("underlying", not(hasItem("BONLY")));
                    w.a().asIntegrator().get("/api/v1/market/oracles").then().statusCode(200)
                            .body("underlying", not(hasItem("BONLY")))
                            .body("underlying", hasItem("BTC"));
                    w.a().asIntegrator().get("/api/v1/market/history/BTC").then().statusCode(200)
                            .body("size()", equalTo(0));
                    w.a().asAdmin().get("/api/v1/governance/proposals").then().statusCode(200)
                            .body("id", not(hasItem(w.bIds().get("proposal"))));
                    w.a().asAdmin().get("/api/v1/governance/audit").then().statusCode(200)
                            .body("proposalId", not(hasItem(w.bIds().get("proposal"))));
                    w.a().asAdmin().get("/api/v1/risk/recommendations").then().statusCode(200)
                            .body("notComputed.asset", not(hasItem("BONLY")))
                            .body("notComputed.asset", hasItem("BTC"))
                            .body("notComputed.find { it.asset == 'BTC' }.bars", equalTo(0));
                }),
                DynamicTest.dynamicTest("same Idempotency-Key in two tenants: two separate writes", () -> {
                    for (Tenant t : List.of(w.a(), w.b())) {
                        Map<String, String> ids = t == w.a() ? w.aIds() : w.bIds();
                        t.asIntegrator().header("Idempotency-Key", "shared-key")
                                .body(Map.of("asset", "USDT", "amount", "1"))
                                .post("/api/v1/accounts/" + ids.get("account") + "/deposits").then().statusCode(201)
                                .header("Idempotent-Replayed", "false");
                    }
                }),
                DynamicTest.dynamicTest("B's data is unchanged", () -> {
                    String bAcc = "/api/v1/accounts/" + w.bIds().get("account");
                    w.b().asIntegrator().get(bAcc).then().statusCode(200).body("status", equalTo("ACTIVE"));
                    w.b().asIntegrator().get(bAcc + "/balances").then().statusCode(200)
                            .body("amount", org.hamcrest.Matchers.contains(501.0f));
                    w.b().asIntegrator().get(bAcc + "/positions").then().statusCode(200)
                            .body("quantity", org.hamcrest.Matchers.contains(2.0f));
                    w.b().asIntegrator().get("/api/v1/assets/" + w.bIds().get("btc") + "/risk-parameters").then()
                            .statusCode(200).body("size()", equalTo(1));
                    w.b().asIntegrator().get("/api/v1/instruments").then().statusCode(200)
                            .body("symbol", org.hamcrest.Matchers.containsInAnyOrder("BTC-PERP", "BONLY-PERP"));
                    w.b().asAdmin().get("/api/v1/governance/proposals/" + w.bIds().get("proposal")).then()
                            .statusCode(200).body("status", equalTo("OPEN")).body("approvals", equalTo(0))
                            .body("votes.size()", equalTo(0));
                    w.b().asAdmin().get("/api/v1/governance/policy").then().statusCode(200)
                            .body("frozen", equalTo(false)).body("approvalsRequired", equalTo(2));
                    for (String symbol : List.of("BTC", "BONLY")) {
                        w.b().asIntegrator().get("/api/v1/market/history/" + symbol).then().statusCode(200)
                                .body("date", org.hamcrest.Matchers.contains("2024-01-01", "2024-01-02",
                                        "2024-01-03"));
                    }
                }));
        return Stream.concat(matrix, lists);
    }
}
