package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.ballast.devstack.ProjectRoot;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.KafkaClients;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Isolated margin pools (issue 12): collateral moved between an ISOLATED account's cross pool and its positions,
 * each pool margined on its own, transfers out margin-checked, and the live loop's events naming the pool.
 *
 * <p>Fixture: USDT at 1 (haircut 0), BTC 60,000 and ETH 3,000 with perpetuals (IM 10 %, MM 5 %). An ISOLATED
 * account with 20,000 USDT, long 1 BTC-PERP and 10 ETH-PERP at the index, 7,000 USDT allocated to BTC-PERP and
 * 4,000 to ETH-PERP: cross pool 9,000 (no position), iso-BTC-PERP equity 7,000 (IM 6,000, MM 3,000),
 * iso-ETH-PERP equity 4,000 (IM 3,000, MM 1,500).
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class IsolatedPoolTest {

    private static final double EPS = 1e-6;

    private static Tenant fixture(String prefix) {
        Tenant t = TestTenants.onboard(prefix);
        String usdt = TestTenants.asset(t, "USDT");
        String btc = TestTenants.asset(t, "BTC");
        String eth = TestTenants.asset(t, "ETH");
        String btcPerp = TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        String ethPerp = TestTenants.perpetual(t, "ETH-PERP", "ETH", "USDT");
        TestTenants.riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", btc, "0.1", "0.05", "0.1");
        TestTenants.riskParameters(t, "assets", eth, "0.1", "0.05", "0.1");
        TestTenants.riskParameters(t, "instruments", btcPerp, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "instruments", ethPerp, "0.1", "0.05", "0");
        TestTenants.prices(t, Map.of("USDT", 1, "BTC", new Object[] {60000, 0.5}, "ETH", new Object[] {3000, 0.6}));
        return t;
    }

    private static String account(Tenant t, String external, String mode) {
        String a = t.asIntegrator().body(Map.of("externalId", external, "marginMode", mode))
                .post("/api/v1/accounts").then().statusCode(201).extract().path("id");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "20000", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + a
                + "/deposits").then().statusCode(201);
        t.asIntegrator().body(Map.of("quantity", "1", "entryPrice", "60000"))
                .put("/api/v1/accounts/" + a + "/positions/BTC-PERP").then().statusCode(200);
        t.asIntegrator().body(Map.of("quantity", "10", "entryPrice", "3000"))
                .put("/api/v1/accounts/" + a + "/positions/ETH-PERP").then().statusCode(200);
        return a;
    }

    private static Response transfer(Tenant t, String account, String instrument, String direction, String amount,
            String key) {
        var r = t.asIntegrator().body(Map.of("asset", "USDT", "amount", amount));
        if (key != null) {
            r = r.header("Idempotency-Key", key);
        }
        return r.post("/api/v1/accounts/" + account + "/isolated-pools/" + instrument + "/transfers-" + direction);
    }

    private static String isolatedAccount(Tenant t, String external) {
        String a = account(t, external, "ISOLATED");
        transfer(t, a, "BTC-PERP", "in", "7000", "alloc-btc-" + external).then().statusCode(201);
        transfer(t, a, "ETH-PERP", "in", "4000", null).then().statusCode(201);
        return a;
    }

    private static JsonPath margin(Tenant t, String account, String query) {
        return t.asIntegrator().get("/api/v1/accounts/" + account + "/margin" + query).then().statusCode(200)
                .extract().jsonPath();
    }

    private static BigDecimal balance(Tenant t, String account) {
        List<Map<String, Object>> rows = t.asIntegrator().get("/api/v1/accounts/" + account + "/balances").then()
                .statusCode(200).extract().jsonPath()
                .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL)).getList("$");
        return rows.stream().filter(r -> "USDT".equals(r.get("symbol"))).map(r -> new BigDecimal(r.get("amount")
                .toString())).findFirst().orElse(BigDecimal.ZERO);
    }

    /** docs/margin.md, "An isolated pool liquidated while the cross pool survives". */
    @Test
    void anIsolatedPoolIsLiquidatedWhileTheCrossPoolSurvives() {
        Tenant t = fixture("iso-liq");
        String a = isolatedAccount(t, "0xISO");
        // the retry with the same Idempotency-Key is the first answer again: allocated once
        transfer(t, a, "BTC-PERP", "in", "7000", "alloc-btc-0xISO").then().statusCode(201)
                .header("Idempotent-Replayed", "true");
        assertThat(balance(t, a)).isEqualByComparingTo("9000");
        t.asIntegrator().get("/api/v1/accounts/" + a + "/isolated-pools").then().statusCode(200)
                .body("instrument", org.hamcrest.Matchers.contains("BTC-PERP", "ETH-PERP"))
                .body("find { it.instrument == 'BTC-PERP' }.balances.USDT", equalTo(7000.0f));

        JsonPath m = margin(t, a, "?from=database");
        assertThat(m.getList("pools.poolId")).containsExactly("cross", "iso-BTC-PERP", "iso-ETH-PERP");
        assertThat(m.getDouble("pools[0].equityUsd")).isCloseTo(9_000, within(EPS));
        assertThat(m.getDouble("pools[0].initialMarginUsd")).isZero();
        assertThat(m.getDouble("pools[1].equityUsd")).isCloseTo(7_000, within(EPS));
        assertThat(m.getDouble("pools[1].initialMarginUsd")).isCloseTo(6_000, within(EPS));
        assertThat(m.getString("pools[1].instrument")).isEqualTo("BTC-PERP");
        assertThat(m.getList("pools[1].breakdown.positions.instrumentId")).containsExactly("BTC-PERP");
        assertThat(m.getDouble("pools[2].maintenanceMarginUsd")).isCloseTo(1_500, within(EPS));
        assertThat(m.getDouble("equityUsd")).isCloseTo(20_000, within(EPS));
        assertThat(m.getString("status")).isEqualTo("HEALTHY");

        // BTC falls to 55,000: the BTC pool's equity is 7,000 - 5,000 = 2,000 < MM 2,750: LIQUIDATABLE, and the
        // 9,000 of the cross pool does not rescue it; the cross and ETH pools stay HEALTHY
        TestTenants.prices(t, Map.of("BTC", new Object[] {55000, 0.5}));
        m = margin(t, a, "?from=database");
        assertThat(m.getString("pools[1].status")).isEqualTo("LIQUIDATABLE");
        assertThat(m.getDouble("pools[1].equityUsd")).isCloseTo(2_000, within(EPS));
        assertThat(m.getDouble("pools[1].maintenanceMarginUsd")).isCloseTo(2_750, within(EPS));
        assertThat(m.getString("pools[0].status")).isEqualTo("HEALTHY");
        assertThat(m.getString("pools[2].status")).isEqualTo("HEALTHY");
        assertThat(m.getString("status")).isEqualTo("LIQUIDATABLE");
        assertThat(m.getDouble("freeCollateralUsd")).isCloseTo(9_000, within(EPS));
        // the same positions and collateral in a CROSS account: equity 15,000 against IM 5,500 + 3,000: HEALTHY
        String cross = account(t, "0xCROSS", "CROSS");
        JsonPath c = margin(t, cross, "?from=database");
        assertThat(c.getDouble("equityUsd")).isCloseTo(15_000, within(EPS));
        assertThat(c.getDouble("initialMarginUsd")).isCloseTo(8_500, within(EPS));
        assertThat(c.getString("status")).isEqualTo("HEALTHY");
        assertThat(c.getList("pools.poolId")).containsExactly("cross");

        // nothing leaves the liquidatable pool; the ETH pool gives up exactly its free 1,000
        JsonPath refused = transfer(t, a, "BTC-PERP", "out", "1", null).then().statusCode(409).extract().jsonPath();
        assertThat(refused.getString("title")).isEqualTo("Insufficient Margin");
        assertThat(refused.getString("margin.pool")).isEqualTo("iso-BTC-PERP");
        assertThat(refused.getDouble("margin.equityAfterUsd")).isCloseTo(1_999, within(EPS));
        assertThat(refused.getDouble("margin.initialMarginAfterUsd")).isCloseTo(5_500, within(EPS));
        assertThat(refused.getDouble("margin.maxWithdrawable")).isZero();
        JsonPath w = t.asIntegrator().get("/api/v1/accounts/" + a + "/withdrawable").then().statusCode(200)
                .extract().jsonPath();
        assertThat(w.getList("pools.pool")).containsExactly("cross", "iso-BTC-PERP", "iso-ETH-PERP");
        assertThat(w.getDouble("pools[0].assets[0].withdrawable")).isCloseTo(9_000, within(EPS));
        assertThat(w.getDouble("pools[1].assets[0].withdrawable")).isZero();
        assertThat(w.getDouble("pools[2].assets[0].withdrawable")).isCloseTo(1_000, within(EPS));
        transfer(t, a, "ETH-PERP", "out", "1000.00000001", null).then().statusCode(409);
        JsonPath back = transfer(t, a, "ETH-PERP", "out", "1000", null).then().statusCode(201).extract().jsonPath();
        assertThat(back.getString("out.isolatedInstrument")).isEqualTo("ETH-PERP");
        assertThat(back.getDouble("out.amount")).isCloseTo(-1_000, within(EPS));
        assertThat(back.getString("in.isolatedInstrument")).isNull();
        assertThat(back.getDouble("in.balanceAfter")).isCloseTo(10_000, within(EPS));
        // the cross pool holds no position: all of it can be withdrawn, the isolated pools are untouched
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "10000", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + a
                + "/withdrawals").then().statusCode(201);
        m = margin(t, a, "?from=database");
        assertThat(m.getDouble("pools[1].equityUsd")).isCloseTo(2_000, within(EPS));
        assertThat(m.getDouble("pools[2].equityUsd")).isCloseTo(3_000, within(EPS));
        // the ledger books each transfer as two TRANSFER entries, one per pool
        List<Map<String, Object>> ledger = t.asIntegrator().get("/api/v1/accounts/" + a + "/ledger").then()
                .statusCode(200).extract().jsonPath().getList("findAll { it.kind == 'TRANSFER' }");
        assertThat(ledger).hasSize(6);
    }

    /** The live loop evaluates an account with isolated pools one by one; its event names the pool. */
    @Test
    void theLiveLoopPublishesTheIsolatedPoolsLiquidationWithAPlanForThatPoolOnly() throws Exception {
        Tenant t = fixture("iso-live");
        // collateral first, then the positions: the account is never liquidatable before the price move, however
        // late the live loop builds its book
        String a = t.asIntegrator().body(Map.of("externalId", "0xISOLIVE", "marginMode", "ISOLATED"))
                .post("/api/v1/accounts").then().statusCode(201).extract().path("id");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "20000", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + a
                + "/deposits").then().statusCode(201);
        transfer(t, a, "BTC-PERP", "in", "7000", null).then().statusCode(201);
        transfer(t, a, "ETH-PERP", "in", "4000", null).then().statusCode(201);
        t.asIntegrator().body(Map.of("quantity", "1", "entryPrice", "60000"))
                .put("/api/v1/accounts/" + a + "/positions/BTC-PERP").then().statusCode(200);
        t.asIntegrator().body(Map.of("quantity", "10", "entryPrice", "3000"))
                .put("/api/v1/accounts/" + a + "/positions/ETH-PERP").then().statusCode(200);
        TestTenants.prices(t, Map.of("BTC", new Object[] {55000, 0.5}));
        // the event at BTC 55,000 (caused by the price event, or by a book build that saw the price already)
        List<JsonObject> events = KafkaClients.read("ballast.margin-events", r -> t.id().equals(r.key()),
                        rs -> rs.stream().anyMatch(r -> r.value().contains("\"LIQUIDATABLE\"")
                                && r.value().contains("\"priceUsd\":55000.0")),
                        Duration.ofSeconds(120), Duration.ofSeconds(3)).stream()
                .map(r -> new JsonObject(r.value()))
                .filter(e -> a.equals(e.getJsonObject("payload").getString("accountId"))
                        && "LIQUIDATABLE".equals(e.getString("type"))
                        && e.encode().contains("\"priceUsd\":55000.0")).toList();
        assertThat(events).hasSize(1);
        JsonObject p = events.get(0).getJsonObject("payload");
        assertThat(p.getString("poolId")).isEqualTo("iso-BTC-PERP");
        assertThat(p.getDouble("equityUsd")).isCloseTo(2_000, within(EPS));
        assertThat(p.getDouble("maintenanceMarginUsd")).isCloseTo(2_750, within(EPS));
        assertThat(p.getJsonArray("pools").stream().map(x -> ((JsonObject) x).getString("poolId") + "="
                + ((JsonObject) x).getString("status")).toList())
                .containsExactly("cross=HEALTHY", "iso-BTC-PERP=LIQUIDATABLE", "iso-ETH-PERP=HEALTHY");
        JsonObject plan = p.getJsonObject("liquidationPlan");
        assertThat(plan.getString("poolId")).isEqualTo("iso-BTC-PERP");
        assertThat(plan.getJsonArray("steps").stream().map(x -> ((JsonObject) x).getString("instrument")).toList())
                .containsExactly("BTC-PERP");
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                Files.readString(ProjectRoot.locate().resolve("docs/events/margin-event.schema.json")));
        assertThat(schema.validate(new com.fasterxml.jackson.databind.ObjectMapper().readTree(events.get(0)
                .encode()))).isEmpty();
    }

    /** Wrong account kind, unknown references, overdraws and locked changes: problems, nothing changed. */
    @Test
    void transfersAndModeChangesThatBreakARuleAreRefusedChangingNothing() {
        Tenant t = fixture("iso-bad");
        String cross = account(t, "0xC", "CROSS");
        transfer(t, cross, "BTC-PERP", "in", "100", null).then().statusCode(409)
                .body("title", equalTo("Not An Isolated Account"));
        String a = isolatedAccount(t, "0xI");
        transfer(t, a, "NOPE-PERP", "in", "100", null).then().statusCode(404);
        t.asIntegrator().body(Map.of("asset", "NOPE", "amount", "1")).post("/api/v1/accounts/" + a
                + "/isolated-pools/BTC-PERP/transfers-in").then().statusCode(404);
        transfer(t, a, "BTC-PERP", "in", "9000.01", null).then().statusCode(409)
                .body("title", equalTo("Insufficient Balance"));
        transfer(t, a, "BTC-PERP", "out", "7000.01", null).then().statusCode(409)
                .body("title", equalTo("Insufficient Balance"));
        transfer(t, a, "BTC-PERP", "in", "-5", null).then().statusCode(400);
        assertThat(balance(t, a)).isEqualByComparingTo("9000");
        t.asIntegrator().body(Map.of("marginMode", "CROSS")).patch("/api/v1/accounts/" + a).then().statusCode(409)
                .body("title", equalTo("Margin Mode Locked"));
        t.asIntegrator().body(Map.of("status", "CLOSED")).patch("/api/v1/accounts/" + a).then().statusCode(409)
                .body("title", equalTo("Account Not Empty"));
        t.asIntegrator().body(Map.of("marginMode", "ISOLATED")).patch("/api/v1/accounts/" + cross).then()
                .statusCode(409).body("title", equalTo("Margin Mode Locked"));
        // an isolated position without collateral has only its unrealized P&L: equity 0 against MM 3,000
        String bare = account(t, "0xBARE", "ISOLATED");
        JsonPath m = margin(t, bare, "?from=database");
        assertThat(m.getString("pools.find { it.poolId == 'iso-BTC-PERP' }.status")).isEqualTo("LIQUIDATABLE");
        assertThat(m.getDouble("pools.find { it.poolId == 'cross' }.equityUsd")).isCloseTo(20_000, within(EPS));
    }
}
