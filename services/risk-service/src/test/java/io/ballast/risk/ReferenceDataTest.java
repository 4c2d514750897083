package io.ballast.risk;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Assets, instruments of every kind, and versioned effective-dated risk parameters. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class ReferenceDataTest {

    private static Map<String, Object> params(String from, String im, String mm) {
        Map<String, Object> p = new HashMap<>();
        p.put("effectiveFrom", from);
        p.put("initialMarginFraction", im);
        p.put("maintenanceMarginFraction", mm);
        p.put("collateralHaircut", "0.02");
        p.put("liquidationFeeFraction", "0.005");
        return p;
    }

    @Test
    void assetsAreCreatedListedAndReadBack() {
        Tenant t = TestTenants.onboard("assets");
        String usdt = TestTenants.asset(t, "USDT");
        String btc = TestTenants.asset(t, "BTC");
        t.asIntegrator().get("/api/v1/assets").then().statusCode(200).body("symbol", contains("BTC", "USDT"));
        t.asIntegrator().get("/api/v1/assets/" + usdt).then().statusCode(200).body("symbol", equalTo("USDT"))
                .body("decimals", equalTo(8));
        t.asAdmin().body(Map.of("symbol", "BTC", "decimals", 8, "priceSource", "x")).post("/api/v1/assets")
                .then().statusCode(409).contentType("application/problem+json");
        t.asIntegrator().get("/api/v1/assets/" + btc).then().statusCode(200);
    }

    @Test
    void perpetualsFuturesAndEuropeanOptionsAreCreatedWithTheirFields() {
        Tenant t = TestTenants.onboard("instr");
        TestTenants.asset(t, "USDT");
        TestTenants.asset(t, "BTC");
        String perp = TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        t.asAdmin().body(Map.of("symbol", "BTC-27MAR27", "kind", "FUTURE", "underlying", "BTC", "settlement",
                        "USDT", "contractSize", "0.1", "expiry", "2027-03-27T08:00:00Z"))
                .post("/api/v1/instruments").then().statusCode(201).body("expiry", equalTo("2027-03-27T08:00:00Z"));
        String option = t.asAdmin().body(Map.of("symbol", "BTC-27MAR27-80000-C", "kind", "OPTION", "underlying",
                        "BTC", "settlement", "USDT", "contractSize", 1, "expiry", "2027-03-27T08:00:00Z",
                        "strike", 80000, "optionType", "CALL"))
                .post("/api/v1/instruments").then().statusCode(201)
                .body("exerciseStyle", equalTo("EUROPEAN")).body("strike", equalTo(80000))
                .extract().path("id");
        t.asIntegrator().get("/api/v1/instruments").then().statusCode(200)
                .body("symbol", hasItems("BTC-PERP", "BTC-27MAR27", "BTC-27MAR27-80000-C"));
        t.asIntegrator().get("/api/v1/instruments/" + option).then().statusCode(200).body("optionType",
                equalTo("CALL"));
        t.asIntegrator().get("/api/v1/instruments/" + perp).then().statusCode(200).body("kind",
                equalTo("PERPETUAL"));
    }

    @Test
    void inconsistentOrUnknownInstrumentFieldsAreRefusedWithEveryProblemNamed() {
        Tenant t = TestTenants.onboard("instrbad");
        TestTenants.asset(t, "USDT");
        t.asAdmin().body(Map.of("symbol", "X-OPT", "kind", "OPTION", "underlying", "USDT", "settlement", "USDT",
                        "contractSize", 1, "expiry", "2027-03-27T08:00:00Z"))
                .post("/api/v1/instruments").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItems("strike", "optionType"));
        t.asAdmin().body(Map.of("symbol", "X-PERP", "kind", "PERPETUAL", "underlying", "DOGE", "settlement", "USDT",
                        "contractSize", 1))
                .post("/api/v1/instruments").then().statusCode(404).body("errors.field", hasItem("underlying"));
        t.asAdmin().body(Map.of("symbol", "X-PERP", "kind", "PERPETUAL", "underlying", "USDT", "settlement", "USDT",
                        "contractSize", -1))
                .post("/api/v1/instruments").then().statusCode(400).body("errors.field", hasItem("contractSize"));
        t.asIntegrator().get("/api/v1/instruments").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void riskParametersAreVersionedAndResolvedByEffectiveDate() {
        Tenant t = TestTenants.onboard("params");
        TestTenants.asset(t, "USDT");
        String btc = TestTenants.asset(t, "BTC");
        String perp = TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        String base = "/api/v1/instruments/" + perp + "/risk-parameters";
        t.asAdmin().body(params("2026-01-01T00:00:00Z", "0.10", "0.05")).post(base).then().statusCode(201)
                .body("version", equalTo(1)).body("parameters.initialMarginFraction", equalTo(0.10f));
        // issue 8: a target's later versions are governance proposals, never direct writes
        t.asAdmin().body(params("2026-06-01T00:00:00Z", "0.20", "0.10")).post(base).then().statusCode(409)
                .contentType("application/problem+json");
        t.asIntegrator().get(base).then().statusCode(200).body("version", contains(1));
        t.asIntegrator().queryParam("at", "2026-03-01T00:00:00Z").get(base + "/effective").then().statusCode(200)
                .body("version", equalTo(1)).body("parameters.maintenanceMarginFraction", equalTo(0.05f));
        t.asIntegrator().queryParam("at", "2025-01-01T00:00:00Z").get(base + "/effective").then().statusCode(404);

        String assetBase = "/api/v1/assets/" + btc + "/risk-parameters";
        t.asAdmin().body(params("2026-01-01T00:00:00Z", "0.10", "0.05")).post(assetBase).then().statusCode(201);
        t.asIntegrator().get(assetBase + "/effective").then().statusCode(200).body("scope", equalTo("ASSET"));
        // maintenance above initial breaks the domain rule
        t.asAdmin().body(params("2026-01-01T00:00:00Z", "0.05", "0.10")).post(assetBase).then().statusCode(422)
                .contentType("application/problem+json").body("errors.field", hasItem("maintenanceMarginFraction"));
        t.asIntegrator().get(assetBase).then().statusCode(200).body("size()", equalTo(1));
        // integrators cannot set risk parameters
        t.asIntegrator().body(params("2026-01-01T00:00:00Z", "0.1", "0.05")).post(assetBase).then().statusCode(403);
    }
}
