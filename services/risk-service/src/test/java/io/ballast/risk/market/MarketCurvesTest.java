package io.ballast.risk.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Basis, smiles and inverse contracts through the API with real tokens (docs/margin.md, "Basis and rates",
 * "Volatility smiles", "Inverse contracts"): stored curves change margin answers as the hand figures say, bad curves
 * are refused with problem+json and change nothing, and one tenant's curves never reach another's.
 *
 * <p>Fixture: assets USDT (haircut 0) and BTC (haircut 10 %), BTC at 60,000 with 50 % vol; every instrument at
 * IM 10 %, MM 5 %; tenant risk settings at their defaults (scan range 15 %, extreme move 3 x at 35 %).
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class MarketCurvesTest {

    private static final String DEC = "2027-01-29T08:00:00Z";
    private static final String MAR = "2027-03-26T08:00:00Z";

    private static Tenant fixture(String prefix) {
        Tenant t = TestTenants.onboard(prefix);
        TestTenants.riskParameters(t, "assets", TestTenants.asset(t, "USDT"), "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", TestTenants.asset(t, "BTC"), "0.1", "0.05", "0.1");
        TestTenants.prices(t, Map.of("USDT", 1, "BTC", new Object[] {60000, 0.5}));
        return t;
    }

    private static void instrument(Tenant t, Map<String, Object> spec) {
        String id = t.asAdmin().body(spec).post("/api/v1/instruments").then().statusCode(201).extract().path("id");
        TestTenants.riskParameters(t, "instruments", id, "0.1", "0.05", "0");
    }

    private static String account(Tenant t, String mode, String asset, String amount, Map<String, String[]> book) {
        String id = t.asIntegrator().body(Map.of("externalId", "0x" + mode + book.size(), "marginMode", mode))
                .post("/api/v1/accounts").then().statusCode(201).extract().path("id");
        t.asIntegrator().body(Map.of("asset", asset, "amount", amount, "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + id + "/deposits")
                .then().statusCode(201);
        book.forEach((symbol, qe) -> t.asIntegrator().body(Map.of("quantity", qe[0], "entryPrice", qe[1]))
                .put("/api/v1/accounts/" + id + "/positions/" + symbol).then().statusCode(200));
        return id;
    }

    private static JsonPath margin(Tenant t, String account) {
        return t.asIntegrator().get("/api/v1/accounts/" + account + "/margin").then().statusCode(200).extract()
                .jsonPath();
    }

    private static Map<String, Object> basis(String expiry, String fraction) {
        return Map.of("expiry", expiry, "basisFraction", fraction);
    }

    @Test
    void calendarSpreadIsMarginedOnTheStoredBasis() {
        Tenant t = fixture("crv-basis");
        for (String[] f : new String[][] {{"BTC-DEC", DEC}, {"BTC-MAR", MAR}}) {
            instrument(t, Map.of("symbol", f[0], "kind", "FUTURE", "underlying", "BTC", "settlement", "USDT",
                    "contractSize", 1, "expiry", f[1]));
        }
        String a = account(t, "PORTFOLIO", "USDT", "10000", Map.of("BTC-DEC", new String[] {"1", "60600"},
                "BTC-MAR", new String[] {"-1", "61800"}));
        // no basis: both legs share the linear array and net to zero
        assertThat(margin(t, a).getDouble("maintenanceMarginUsd")).isCloseTo(0, within(1e-6));

        t.asIntegrator().body(Map.of("points", List.of(basis(DEC, "0.01"), basis(MAR, "0.03"))))
                .put("/api/v1/market/forwards/BTC").then().statusCode(200)
                .body("underlying", equalTo("BTC")).body("points.size()", equalTo(2));
        // forwards 60,600 and 61,800: worst = extreme +45 % x 0.35 x (61,800 - 60,600) = 189 USD
        JsonPath m = margin(t, a);
        assertThat(m.getDouble("maintenanceMarginUsd")).isCloseTo(189, within(1e-6));
        assertThat(m.getDouble("initialMarginUsd")).isCloseTo(1.3 * 189, within(1e-6));
        assertThat(m.getDouble("breakdown.positions.find { it.instrumentId == 'BTC-MAR' }.markPriceUsd"))
                .isCloseTo(61_800, within(1e-6));
        assertThat(m.getDouble("equityUsd")).isCloseTo(10_000, within(1e-6));

        // an empty list removes the curve
        t.asIntegrator().body(Map.of("points", List.of())).put("/api/v1/market/forwards/BTC").then().statusCode(200)
                .body("points.size()", equalTo(0));
        assertThat(margin(t, a).getDouble("maintenanceMarginUsd")).isCloseTo(0, within(1e-6));
    }

    @Test
    void aSmilePointPricesTheOptionAndItsScenarioLoss() {
        Tenant t = fixture("crv-smile");
        instrument(t, Map.of("symbol", "BTC-P48", "kind", "OPTION", "underlying", "BTC", "settlement", "USDT",
                "contractSize", 1, "expiry", DEC, "strike", 48000, "optionType", "PUT"));
        String a = account(t, "PORTFOLIO", "USDT", "50000", Map.of("BTC-P48", new String[] {"-1", "100"}));
        double flat = margin(t, a).getDouble("maintenanceMarginUsd");

        t.asIntegrator().body(Map.of("points", List.of(
                Map.of("expiry", DEC, "strikeUsd", 48000, "annualVol", 0.8),
                Map.of("expiry", DEC, "strikeUsd", 60000, "annualVol", 0.5))))
                .put("/api/v1/market/vol-surfaces/BTC").then().statusCode(200).body("points.size()", equalTo(2));
        JsonPath smile = margin(t, a);
        assertThat(smile.getDouble("maintenanceMarginUsd")).isNotCloseTo(flat, within(1.0));

        // the quoted strike is priced at its quote: the same as a flat 80 % world
        t.asIntegrator().body(Map.of("points", List.of())).put("/api/v1/market/vol-surfaces/BTC").then()
                .statusCode(200);
        TestTenants.prices(t, Map.of("BTC", new Object[] {60000, 0.8}));
        JsonPath flat80 = margin(t, a);
        assertThat(smile.getDouble("maintenanceMarginUsd")).isCloseTo(flat80.getDouble("maintenanceMarginUsd"),
                within(0.01));
        assertThat(smile.getDouble("breakdown.positions[0].markPriceUsd")).isCloseTo(
                flat80.getDouble("breakdown.positions[0].markPriceUsd"), within(0.01));
    }

    @Test
    void inversePerpetualIsMarginedInItsCoin() {
        Tenant t = fixture("crv-inv");
        instrument(t, Map.of("symbol", "BTC-PERP-INV", "kind", "PERPETUAL", "underlying", "BTC", "settlement", "BTC",
                "contractSize", 10, "inverse", true));
        t.asAdmin().get("/api/v1/instruments").then().statusCode(200)
                .body("find { it.symbol == 'BTC-PERP-INV' }.inverse", equalTo(true));
        // 6,000 contracts of 10 USD = 60,000 USD of face value = 1 BTC at 60,000; 1 BTC of collateral
        String a = account(t, "CROSS", "BTC", "1", Map.of("BTC-PERP-INV", new String[] {"6000", "60000"}));
        JsonPath m = margin(t, a);
        // IM = 1 BTC x 10 % = 0.1 BTC = 6,000 USD; MM 0.05 BTC = 3,000 USD; collateral 1 BTC x 60,000 x 0.9
        assertThat(m.getDouble("initialMarginUsd") / 60_000).isCloseTo(0.1, within(1e-12));
        assertThat(m.getDouble("maintenanceMarginUsd") / 60_000).isCloseTo(0.05, within(1e-12));
        assertThat(m.getDouble("equityUsd")).isCloseTo(54_000, within(1e-6));
        // the same figures in the settlement coin, as Deribit's BTC book shows them (docs/margin.md, "an inverse
        // perp's margin in BTC"): the account's and its cross pool's
        for (String at : List.of("inCoin[0]", "pools[0].inCoin[0]")) {
            assertThat(m.getString(at + ".coin")).isEqualTo("BTC");
            assertThat(m.getDouble(at + ".indexPriceUsd")).isEqualTo(60_000.0);
            assertThat(m.getDouble(at + ".initialMargin")).as(at).isCloseTo(0.1, within(1e-12));
            assertThat(m.getDouble(at + ".maintenanceMargin")).as(at).isCloseTo(0.05, within(1e-12));
            assertThat(m.getDouble(at + ".collateralValue")).as(at).isCloseTo(0.9, within(1e-12));
            assertThat(m.getDouble(at + ".unrealizedPnl")).as(at).isCloseTo(0, within(1e-12));
            assertThat(m.getDouble(at + ".equity")).as(at).isCloseTo(0.9, within(1e-12));
            assertThat(m.getDouble(at + ".freeCollateral")).as(at).isCloseTo(0.8, within(1e-12));
        }
        assertThat(m.getList("inCoin")).hasSize(1);
        // at 66,000 the position has made 60,000 x (1/60,000 - 1/66,000) = 0.0909 BTC, 6,000 USD
        TestTenants.prices(t, Map.of("BTC", new Object[] {66000, 0.5}));
        JsonPath up = margin(t, a);
        assertThat(up.getDouble("unrealizedPnlUsd")).isCloseTo(6_000, within(1e-6));
        assertThat(up.getDouble("initialMarginUsd") / 66_000).isCloseTo(60_000 / 66_000.0 * 0.1, within(1e-12));
        // in BTC (JSON numbers read as floats: 1e-7): P&L 0.090909, IM 0.1 x 60,000 / 66,000 = 0.090909 (the size
        // in coins fell), equity 0.9 + 0.090909
        assertThat(up.getDouble("inCoin[0].unrealizedPnl")).isCloseTo(60_000 * (1 / 60_000.0 - 1 / 66_000.0),
                within(1e-7));
        assertThat(up.getDouble("inCoin[0].initialMargin")).isCloseTo(0.1 * 60_000 / 66_000.0, within(1e-7));
        assertThat(up.getDouble("inCoin[0].equity")).isCloseTo(0.9 + 60_000 * (1 / 60_000.0 - 1 / 66_000.0),
                within(1e-7));
        // a what-if shows the coin figures before and after
        JsonPath whatIf = t.asIntegrator().body(Map.of("trades", List.of(Map.of("instrument", "BTC-PERP-INV",
                        "quantity", "6000", "price", "66000"))))
                .post("/api/v1/accounts/" + a + "/margin/what-if").then().statusCode(200).extract().jsonPath();
        assertThat(whatIf.getDouble("before.inCoin[0].initialMargin")).isCloseTo(0.1 * 60_000 / 66_000.0,
                within(1e-7));
        assertThat(whatIf.getDouble("after.inCoin[0].initialMargin"))
                .isCloseTo(whatIf.getDouble("after.initialMarginUsd") / 66_000, within(1e-7))
                .isGreaterThan(0.1 * 60_000 / 66_000.0);
        // a linear account shows no coin figures
        String linear = account(t, "CROSS", "USDT", "1000", Map.of());
        assertThat(margin(t, linear).getList("inCoin")).isEmpty();
        // an inverse instrument settles in its underlying
        t.asAdmin().body(Map.of("symbol", "BTC-INV-USDT", "kind", "PERPETUAL", "underlying", "BTC", "settlement",
                "USDT", "contractSize", 10, "inverse", true)).post("/api/v1/instruments").then().statusCode(422)
                .contentType(containsString("application/problem+json"));
    }

    @Test
    void badCurvesAreRefusedAndChangeNothing() {
        Tenant t = fixture("crv-bad");
        t.asIntegrator().body(Map.of("points", List.of(basis(DEC, "0.01")))).put("/api/v1/market/forwards/BTC")
                .then().statusCode(200);
        t.asIntegrator().body(Map.of("points", List.of(basis(MAR, "-1")))).put("/api/v1/market/forwards/BTC")
                .then().statusCode(400).contentType(containsString("application/problem+json"))
                .body("errors[0].field", equalTo("points[0].basisFraction"));
        t.asIntegrator().body(Map.of("points", List.of(basis("2020-01-01T00:00:00Z", "0.01"))))
                .put("/api/v1/market/forwards/BTC").then().statusCode(400)
                .body("errors[0].field", equalTo("points[0].expiry"));
        t.asIntegrator().body(Map.of("points", List.of(basis(DEC, "0.01"), basis(DEC, "0.02"))))
                .put("/api/v1/market/forwards/BTC").then().statusCode(400);
        // 30 % at March is less total variance than 60 % at January: calendar arbitrage
        t.asIntegrator().body(Map.of("points", List.of(Map.of("expiry", DEC, "strikeUsd", 60000, "annualVol", 0.6),
                Map.of("expiry", MAR, "strikeUsd", 60000, "annualVol", 0.3)))).put("/api/v1/market/vol-surfaces/BTC")
                .then().statusCode(422).contentType(containsString("application/problem+json"));
        t.asIntegrator().body(Map.of("points", List.of())).put("/api/v1/market/forwards/NOPE").then().statusCode(404);
        t.asIntegrator().get("/api/v1/market/vol-surfaces/NOPE").then().statusCode(404);
        t.asIntegrator().get("/api/v1/market/forwards/BTC").then().statusCode(200).body("points.size()", equalTo(1))
                .body("points[0].basisFraction", equalTo(0.01f));
        t.asIntegrator().get("/api/v1/market/vol-surfaces/BTC").then().statusCode(200)
                .body("points.size()", equalTo(0));
    }

    @Test
    void oneTenantsCurvesNeverReachAnother() {
        Tenant a = fixture("crv-iso-a");
        Tenant b = fixture("crv-iso-b");
        b.asIntegrator().body(Map.of("points", List.of(basis(DEC, "0.05")))).put("/api/v1/market/forwards/BTC")
                .then().statusCode(200);
        b.asIntegrator().body(Map.of("points", List.of(Map.of("expiry", DEC, "strikeUsd", 60000, "annualVol", 0.9))))
                .put("/api/v1/market/vol-surfaces/BTC").then().statusCode(200);
        a.asIntegrator().get("/api/v1/market/forwards/BTC").then().statusCode(200).body("points.size()", equalTo(0));
        a.asIntegrator().get("/api/v1/market/vol-surfaces/BTC").then().statusCode(200)
                .body("points.size()", equalTo(0));
        instrument(a, Map.of("symbol", "BTC-DEC", "kind", "FUTURE", "underlying", "BTC", "settlement", "USDT",
                "contractSize", 1, "expiry", DEC));
        String acc = account(a, "PORTFOLIO", "USDT", "10000", Map.of("BTC-DEC", new String[] {"1", "60000"}));
        assertThat(margin(a, acc).getDouble("breakdown.positions[0].markPriceUsd")).isCloseTo(60_000, within(1e-9));
        b.asIntegrator().get("/api/v1/market/forwards/BTC").then().statusCode(200).body("points.size()", equalTo(1));
    }
}
