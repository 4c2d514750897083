package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

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
 * Margin through the API with real tokens: hand-computed figures (written out below), portfolio against standard
 * margin, status transitions on new prices, what-if that changes nothing, the tenant summary and bad inputs.
 *
 * <p>Fixture of every test: assets USDT (haircut 0) and BTC; BTC-PERP and a dated future BTC-27MAR27 (contract size
 * 1) with IM 10 % and MM 5 %; USDT priced 1, BTC 60,000 with 50 % vol.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class MarginApiTest {

    private static final double EPS = 1e-6;

    private static Tenant fixture(String prefix) {
        Tenant t = TestTenants.onboard(prefix);
        String usdt = TestTenants.asset(t, "USDT");
        String btc = TestTenants.asset(t, "BTC");
        String perp = TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        String future = TestTenants.future(t, "BTC-27MAR27", "BTC", "2027-03-27T08:00:00Z");
        TestTenants.riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", btc, "0.1", "0.05", "0.1");
        TestTenants.riskParameters(t, "instruments", perp, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "instruments", future, "0.1", "0.05", "0");
        TestTenants.prices(t, Map.of("USDT", 1, "BTC", new Object[] {60000, 0.5}));
        return t;
    }

    private static String account(Tenant t, String external, String mode, String usdt, Map<String, String> qty) {
        return TestTenants.account(t, external, mode, usdt, qty);
    }

    private static JsonPath margin(Tenant t, String account) {
        return TestTenants.margin(t, account);
    }

    @Test
    void crossAccountMatchesTheHandComputedStandardMarginAndTurnsMarginCallThenLiquidatable() {
        Tenant t = fixture("mgn-hand");
        String a = account(t, "0xHAND", "CROSS", "10000", Map.of("BTC-PERP", "1"));
        // IM = 1 x 60,000 x 0.10 = 6,000; MM = 1 x 60,000 x 0.05 = 3,000; equity = 10,000 USDT (uPnL 0)
        JsonPath m = margin(t, a);
        assertThat(m.getString("method")).isEqualTo("STANDARD");
        assertThat(m.getDouble("equityUsd")).isCloseTo(10_000, within(EPS));
        assertThat(m.getDouble("initialMarginUsd")).isCloseTo(6_000, within(EPS));
        assertThat(m.getDouble("maintenanceMarginUsd")).isCloseTo(3_000, within(EPS));
        assertThat(m.getDouble("freeCollateralUsd")).isCloseTo(4_000, within(EPS));
        assertThat(m.getDouble("marginRatio")).isCloseTo(0.3, within(EPS));
        assertThat(m.getString("status")).isEqualTo("HEALTHY");
        // liquidation: 10,000 + (x - 60,000) = 0.05 x  ->  x = 50,000 / 0.95 = 52,631.578947...
        assertThat(m.getString("liquidationPrice.underlying")).isEqualTo("BTC");
        assertThat(m.getDouble("liquidationPrice.belowUsd")).isCloseTo(50_000 / 0.95, within(0.005)); // reported to the cent
        assertThat(m.getList("breakdown.positions.instrumentId")).containsExactly("BTC-PERP");
        assertThat(m.getDouble("breakdown.positions[0].initialUsd")).isCloseTo(6_000, within(EPS));
        assertThat(m.getDouble("breakdown.collateral[0].valueUsd")).isCloseTo(10_000, within(EPS));

        // 55,000: equity 10,000 - 5,000 = 5,000 < IM 5,500, >= MM 2,750
        TestTenants.prices(t, Map.of("BTC", new Object[] {55000, 0.5}));
        m = margin(t, a);
        assertThat(m.getDouble("equityUsd")).isCloseTo(5_000, within(EPS));
        assertThat(m.getDouble("initialMarginUsd")).isCloseTo(5_500, within(EPS));
        assertThat(m.getString("status")).isEqualTo("MARGIN_CALL");
        // 52,000: equity 2,000 < MM 2,600
        TestTenants.prices(t, Map.of("BTC", new Object[] {52000, 0.5}));
        m = margin(t, a);
        assertThat(m.getDouble("equityUsd")).isCloseTo(2_000, within(EPS));
        assertThat(m.getDouble("maintenanceMarginUsd")).isCloseTo(2_600, within(EPS));
        assertThat(m.getString("status")).isEqualTo("LIQUIDATABLE");
        t.asIntegrator().get("/api/v1/market/prices").then().statusCode(200)
                .body("find { it.underlying == 'BTC' }.indexPriceUsd", equalTo(52000))
                .body("find { it.underlying == 'BTC' }.annualVol", equalTo(0.5f));
    }

    @Test
    void portfolioMarginOfAHedgedBookIsBelowStandardMarginOfTheSamePositions() {
        Tenant t = fixture("mgn-pm");
        Map<String, String> book = Map.of("BTC-PERP", "2", "BTC-27MAR27", "-1");
        String pm = account(t, "0xPM", "PORTFOLIO", "50000", book);
        String std = account(t, "0xSTD", "CROSS", "50000", book);
        // standard: IM = 2 x 60,000 x 0.1 + 1 x 60,000 x 0.1 = 18,000; MM = 9,000
        JsonPath s = margin(t, std);
        assertThat(s.getDouble("initialMarginUsd")).isCloseTo(18_000, within(EPS));
        assertThat(s.getDouble("maintenanceMarginUsd")).isCloseTo(9_000, within(EPS));
        // portfolio: net 1 BTC long; worst = extreme down 0.35 x 0.45 x 60,000 = 9,450 (> regular 0.15 x 60,000);
        // contingency 0.005 x 60,000 x 1 = 300; MM = 9,750; IM = 1.3 x 9,750 = 12,675
        JsonPath p = margin(t, pm);
        assertThat(p.getString("method")).isEqualTo("PORTFOLIO");
        assertThat(p.getDouble("maintenanceMarginUsd")).isCloseTo(9_750, within(1e-6));
        assertThat(p.getDouble("initialMarginUsd")).isCloseTo(12_675, within(1e-6));
        assertThat(p.getDouble("initialMarginUsd")).isLessThan(s.getDouble("initialMarginUsd"));
        assertThat(p.getInt("breakdown.underlyings[0].worstScenarioIndex")).isEqualTo(34);
        assertThat(p.getDouble("breakdown.contingencyUsd")).isCloseTo(300, within(EPS));
        assertThat(p.getList("breakdown.charges.kind")).containsExactly("LINEAR_CONTINGENCY");
    }

    @Test
    void whatIfAnswersBeforeAndAfterAndChangesNothing() {
        Tenant t = fixture("mgn-whatif");
        String a = account(t, "0xWI", "CROSS", "10000", Map.of("BTC-PERP", "1"));
        String base = "/api/v1/accounts/" + a;
        String balances = t.asIntegrator().get(base + "/balances").asString();
        String positions = t.asIntegrator().get(base + "/positions").asString();
        String ledger = t.asIntegrator().get(base + "/ledger").asString();

        JsonPath sell = t.asIntegrator().body(Map.of("trades", List.of(Map.of("instrument", "BTC-PERP",
                        "quantity", "-1", "price", "60000"))))
                .post(base + "/margin/what-if").then().statusCode(200).extract().jsonPath();
        assertThat(sell.getDouble("before.maintenanceMarginUsd")).isCloseTo(3_000, within(EPS));
        assertThat(sell.getDouble("after.maintenanceMarginUsd")).isCloseTo(0, within(EPS));
        assertThat(sell.getBoolean("reducesRisk")).isTrue();
        assertThat(sell.getBoolean("acceptable")).isTrue();

        // withdrawing 8,000 USDT and buying 1 more: equity 2,000, IM 12,000, MM 6,000 -> LIQUIDATABLE, refused
        JsonPath risky = t.asAdmin().body(Map.of("trades", List.of(Map.of("instrument", "BTC-PERP", "quantity", "1",
                        "price", "60000")), "transfers", List.of(Map.of("asset", "USDT", "amount", "-8000"))))
                .post(base + "/margin/what-if").then().statusCode(200).extract().jsonPath();
        assertThat(risky.getDouble("after.equityUsd")).isCloseTo(2_000, within(EPS));
        assertThat(risky.getDouble("after.initialMarginUsd")).isCloseTo(12_000, within(EPS));
        assertThat(risky.getString("after.status")).isEqualTo("LIQUIDATABLE");
        assertThat(risky.getBoolean("reducesRisk")).isFalse();
        assertThat(risky.getBoolean("acceptable")).isFalse();

        assertThat(t.asIntegrator().get(base + "/balances").asString()).isEqualTo(balances);
        assertThat(t.asIntegrator().get(base + "/positions").asString()).isEqualTo(positions);
        assertThat(t.asIntegrator().get(base + "/ledger").asString()).isEqualTo(ledger);
        assertThat(margin(t, a).getDouble("maintenanceMarginUsd")).isCloseTo(3_000, within(EPS));
    }

    @Test
    void whatIfWithoutLiquidationPricesGivesTheSameRequirements() {
        Tenant t = fixture("mgn-whatif-fast");
        String a = account(t, "0xWF", "CROSS", "10000", Map.of("BTC-PERP", "1"));
        Map<String, Object> buy = Map.of("trades", List.of(Map.of("instrument", "BTC-PERP", "quantity", "0.5",
                "price", "60000")));
        String url = "/api/v1/accounts/" + a + "/margin/what-if";
        JsonPath full = t.asIntegrator().body(buy).post(url).then().statusCode(200).extract().jsonPath();
        JsonPath fast = t.asIntegrator().body(buy).queryParam("liquidationPrices", "false").post(url).then()
                .statusCode(200).extract().jsonPath();
        assertThat(full.getString("after.liquidationPrice.underlying")).isEqualTo("BTC");
        assertThat(fast.getString("after.liquidationPrice")).isNull();
        assertThat(fast.getString("before.liquidationPrice")).isNull();
        for (String f : List.of("before.maintenanceMarginUsd", "after.maintenanceMarginUsd", "after.initialMarginUsd",
                "after.equityUsd")) {
            assertThat(fast.getDouble(f)).as(f).isCloseTo(full.getDouble(f), within(EPS));
        }
        assertThat(fast.getString("after.status")).isEqualTo(full.getString("after.status"));
        assertThat(fast.getBoolean("acceptable")).isEqualTo(full.getBoolean("acceptable"));
        t.asIntegrator().body(buy).queryParam("liquidationPrices", "maybe").post(url).then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void preTradeCheckGivesTheWhatIfsVerdictAndFiguresAndNothingElse() {
        Tenant t = fixture("mgn-check");
        String a = account(t, "0xPTC", "CROSS", "10000", Map.of("BTC-PERP", "1"));
        // a buy that takes the account below initial margin, and a sell that reduces its risk
        for (String quantity : List.of("2", "-0.5")) {
            Map<String, Object> body = Map.of("trades", List.of(Map.of("instrument", "BTC-PERP", "quantity",
                    quantity, "price", "60000")));
            JsonPath full = t.asIntegrator().body(body).post("/api/v1/accounts/" + a + "/margin/what-if").then()
                    .statusCode(200).extract().jsonPath();
            JsonPath check = t.asIntegrator().body(body).post("/api/v1/accounts/" + a + "/margin/pre-trade-check")
                    .then().statusCode(200).extract().jsonPath();
            for (String side : List.of("before", "after")) {
                for (String f : List.of("equityUsd", "initialMarginUsd", "maintenanceMarginUsd",
                        "freeCollateralUsd", "marginRatio")) {
                    assertThat(check.getDouble(side + "." + f)).as(quantity + " " + side + "." + f)
                            .isCloseTo(full.getDouble(side + "." + f), within(EPS));
                }
                assertThat(check.getString(side + ".status")).isEqualTo(full.getString(side + ".status"));
                assertThat(check.getMap(side)).as("headline figures only").doesNotContainKeys("breakdown", "pools",
                        "liquidationPrice", "prices", "parameterVersions");
            }
            assertThat(check.getBoolean("acceptable")).isEqualTo(full.getBoolean("acceptable"));
            assertThat(check.getBoolean("reducesRisk")).isEqualTo(full.getBoolean("reducesRisk"));
            assertThat(check.getString("accountId")).isEqualTo(a);
        }
        assertThat(t.asIntegrator().body(Map.of("trades", List.of(Map.of("instrument", "BTC-PERP", "quantity", "2",
                "price", "60000")))).post("/api/v1/accounts/" + a + "/margin/pre-trade-check").then()
                .extract().jsonPath().getBoolean("acceptable")).as("2 BTC more on 10,000 USD").isFalse();
        t.asIntegrator().body(Map.of("trades", List.of())).post("/api/v1/accounts/" + a + "/margin/pre-trade-check")
                .then().statusCode(400).contentType("application/problem+json");
        t.asIntegrator().body(Map.of("trades", List.of(Map.of("instrument", "NOPE-PERP", "quantity", "1", "price",
                "1")))).post("/api/v1/accounts/" + a + "/margin/pre-trade-check").then().statusCode(404)
                .contentType("application/problem+json");
        assertThat(margin(t, a).getDouble("maintenanceMarginUsd")).as("nothing changed").isCloseTo(3_000,
                within(EPS));
    }

    @Test
    void summaryCountsTheTenantsAccountsByStatusAndListsThoseItCannotPrice() {
        Tenant t = fixture("mgn-sum");
        String healthy = account(t, "0xOK", "CROSS", "10000", Map.of("BTC-PERP", "1"));
        String call = account(t, "0xCALL", "CROSS", "5000", Map.of("BTC-PERP", "1"));
        String liquidatable = account(t, "0xLIQ", "CROSS", "2000", Map.of("BTC-PERP", "1"));
        TestTenants.asset(t, "ETH");
        String unpriced = t.asIntegrator().body(Map.of("externalId", "0xETH", "marginMode", "CROSS"))
                .post("/api/v1/accounts").then().statusCode(201).extract().path("id");
        t.asIntegrator().body(Map.of("asset", "ETH", "amount", "1", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + unpriced
                + "/deposits").then().statusCode(201);
        Tenant other = fixture("mgn-sum-other");
        account(other, "0xOTHER", "CROSS", "1", Map.of("BTC-PERP", "1"));

        JsonPath s = t.asIntegrator().get("/api/v1/margin/summary").then().statusCode(200).extract().jsonPath();
        assertThat(s.getInt("accounts")).isEqualTo(3);
        assertThat(s.getInt("healthy")).isEqualTo(1);
        assertThat(s.getInt("marginCall")).isEqualTo(1);
        assertThat(s.getInt("liquidatable")).isEqualTo(1);
        // equity 10,000 + 5,000 + 2,000; IM 3 x 6,000; MM 3 x 3,000
        assertThat(s.getDouble("totalEquityUsd")).isCloseTo(17_000, within(EPS));
        assertThat(s.getDouble("totalInitialMarginUsd")).isCloseTo(18_000, within(EPS));
        assertThat(s.getDouble("totalMaintenanceMarginUsd")).isCloseTo(9_000, within(EPS));
        assertThat(s.getList("worstAccounts.accountId")).containsExactly(liquidatable, call, healthy);
        assertThat(s.getList("notComputed.accountId")).containsExactly(unpriced);
        assertThat(s.getString("notComputed[0].reason")).contains("prices[ETH]");
    }

    @Test
    void badInputsAnswerProblemsAndChangeNothing() {
        Tenant t = fixture("mgn-bad");
        String a = account(t, "0xBAD", "CROSS", "10000", Map.of("BTC-PERP", "1"));
        String base = "/api/v1/accounts/" + a;
        t.asIntegrator().body(Map.of("trades", List.of(Map.of("instrument", "DOGE-PERP", "quantity", "1",
                        "price", "1")))).post(base + "/margin/what-if").then().statusCode(404)
                .contentType("application/problem+json").body("errors.field", hasItem("trades[0].instrument"));
        t.asIntegrator().body(Map.of("transfers", List.of(Map.of("asset", "USDT", "amount", "-10000.01"))))
                .post(base + "/margin/what-if").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("transfers[0].amount"));
        t.asIntegrator().body(Map.of()).post(base + "/margin/what-if").then().statusCode(400)
                .contentType("application/problem+json");
        // NaN is not a JSON number, and not a price as a string either; negative and zero prices, negative vols
        t.asIntegrator().body("{\"prices\":[{\"underlying\":\"BTC\",\"indexPriceUsd\":NaN}]}")
                .put("/api/v1/market/prices").then().statusCode(400).contentType("application/problem+json");
        t.asIntegrator().body(Map.of("prices", List.of(Map.of("underlying", "BTC", "indexPriceUsd", "NaN"))))
                .put("/api/v1/market/prices").then().statusCode(400).contentType("application/problem+json");
        t.asIntegrator().body(Map.of("prices", List.of(Map.of("underlying", "BTC", "indexPriceUsd", -1))))
                .put("/api/v1/market/prices").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("prices[0].indexPriceUsd"));
        t.asIntegrator().body(Map.of("prices", List.of(Map.of("underlying", "BTC", "indexPriceUsd", 1,
                        "annualVol", -0.1)))).put("/api/v1/market/prices").then().statusCode(400)
                .body("errors.field", hasItem("prices[0].annualVol"));
        t.asIntegrator().body(Map.of("prices", List.of(Map.of("underlying", "BTC", "indexPriceUsd", 1),
                        Map.of("underlying", "NOPE", "indexPriceUsd", 1)))).put("/api/v1/market/prices").then()
                .statusCode(404).contentType("application/problem+json").body("errors.field",
                        hasItem("prices[1].underlying"));
        // nothing of the refused writes landed: BTC is still 60,000
        t.asIntegrator().get("/api/v1/market/prices").then().statusCode(200)
                .body("find { it.underlying == 'BTC' }.indexPriceUsd", equalTo(60000));
        // an idempotent repeat answers the same values
        t.asIntegrator().body(Map.of("prices", List.of(Map.of("underlying", "BTC", "indexPriceUsd", 60000,
                        "annualVol", 0.5)))).put("/api/v1/market/prices").then().statusCode(200)
                .body("find { it.underlying == 'BTC' }.indexPriceUsd", equalTo(60000));

        // an instrument on an unpriced underlying, without parameters: 409 naming both gaps
        TestTenants.asset(t, "ETH");
        TestTenants.perpetual(t, "ETH-PERP", "ETH", "USDT");
        t.asIntegrator().body(Map.of("quantity", "1", "entryPrice", "3000")).put(base + "/positions/ETH-PERP").then()
                .statusCode(200);
        t.asIntegrator().get(base + "/margin").then().statusCode(409).contentType("application/problem+json")
                .body("errors.field", hasItems("prices[ETH]", "riskParameters[ETH-PERP]"));
        t.asIntegrator().get("/api/v1/accounts/00000000-0000-0000-0000-000000000000/margin").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
