package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The live loop end to end, real broker and PostgreSQL: feed ticks move an account through MARGIN_CALL,
 * LIQUIDATABLE and back, and exactly one event per change lands on {@code ballast.margin-events}; margin answers
 * come from the hot book and equal the database path.
 *
 * <p>Fixture: USDT (haircut 0, price 1) and an underlying of the test's own (price 60,000, vol 50 %) with a perpetual
 * (IM 10 %, MM 5 %); a CROSS account with 10,000 USDT, long 1 perpetual at 60,000.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class LiveMarginKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static JsonPath margin(Tenant t, String account, String query) {
        return t.asIntegrator().get("/api/v1/accounts/" + account + "/margin" + query).then().statusCode(200)
                .extract().jsonPath();
    }

    private static JsonPath awaitHotMargin(Tenant t, String account, String status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonPath m = margin(t, account, "");
        while (System.nanoTime() < deadline && !("hot-book".equals(m.getString("answeredFrom"))
                && status.equals(m.getString("status")))) {
            Thread.sleep(200);
            m = margin(t, account, "");
        }
        return m;
    }

    @Test
    void aPriceMovePublishesOneMarginCallThenOneLiquidatableThenOneRecovery() throws Exception {
        Tenant t = TestTenants.onboard("live");
        String u = "L" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String usdt = TestTenants.asset(t, "USDT");
        String btc = TestTenants.asset(t, u);
        String perp = TestTenants.perpetual(t, u + "-PERP", u, "USDT");
        TestTenants.riskParameters(t, "assets", usdt, "0.1", "0.05", "0");
        TestTenants.riskParameters(t, "assets", btc, "0.1", "0.05", "0.1");
        TestTenants.riskParameters(t, "instruments", perp, "0.1", "0.05", "0");
        TestTenants.prices(t, Map.of("USDT", 1, u, new Object[] {60000, 0.5}));
        String a = TestTenants.account(t, "0xLIVE");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "10000")).post("/api/v1/accounts/" + a + "/deposits")
                .then().statusCode(201);
        t.asIntegrator().body(Map.of("quantity", "1", "entryPrice", "60000"))
                .put("/api/v1/accounts/" + a + "/positions/" + u + "-PERP").then().statusCode(200);

        JsonPath hot = awaitHotMargin(t, a, "HEALTHY");
        assertThat(hot.getString("answeredFrom")).as("the owner answers from its hot book").isEqualTo("hot-book");
        assertSameMargin(hot, margin(t, a, "?from=database"));
        assertThat(hot.getDouble("maintenanceMarginUsd")).isCloseTo(3_000, within(1e-6));

        try (KafkaProducer<String, String> p = KafkaClients.producer()) {
            for (String price : List.of("55000", "52000", "60000")) {
                KafkaClients.send(p, "ballast.prices", u, new JsonObject().put("source", "feed")
                        .put("underlying", u).put("priceUsd", price).put("sourceTime", Instant.now().toString())
                        .encode());
                Thread.sleep(20);
            }
        }
        List<ConsumerRecord<String, String>> events = KafkaClients.read("ballast.margin-events",
                r -> t.id().equals(r.key()), rs -> rs.size() >= 3, WAIT, Duration.ofSeconds(3));
        List<JsonObject> mine = events.stream().map(r -> new JsonObject(r.value()))
                .filter(e -> a.equals(e.getJsonObject("payload").getString("accountId"))).toList();
        assertThat(mine).extracting(e -> e.getString("type"))
                .containsExactly("MARGIN_CALL", "LIQUIDATABLE", "RECOVERED");
        assertThat(mine).extracting(e -> e.getJsonObject("payload").getLong("seq")).containsExactly(1L, 2L, 3L);
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(
                Files.readString(ProjectRoot.locate().resolve("docs/events/margin-event.schema.json")));
        for (JsonObject e : mine) {
            assertThat(schema.validate(new ObjectMapper().readTree(e.encode()))).as(e.encode()).isEmpty();
        }

        JsonObject call = mine.get(0).getJsonObject("payload");
        assertThat(call.getString("previousStatus")).isEqualTo("HEALTHY");
        assertThat(call.getString("status")).isEqualTo("MARGIN_CALL");
        // 55,000: equity 10,000 - 5,000 = 5,000 < IM 5,500
        assertThat(call.getDouble("equityUsd")).isCloseTo(5_000, within(1e-6));
        assertThat(call.getDouble("initialMarginUsd")).isCloseTo(5_500, within(1e-6));
        assertThat(call.getString("tickSourceTime")).isNotNull();
        assertThat(call.getString("tickReceivedAt")).isNotNull();

        JsonObject liq = mine.get(1).getJsonObject("payload");
        // 52,000: equity 2,000 < MM 2,600
        assertThat(liq.getDouble("equityUsd")).isCloseTo(2_000, within(1e-6));
        assertThat(liq.getDouble("maintenanceMarginUsd")).isCloseTo(2_600, within(1e-6));
        assertThat(liq.getBoolean("held")).isFalse();
        assertThat(liq.getString("oracleHealth")).isEqualTo("HEALTHY");
        assertThat(liq.getString("parameterVersion")).isNotBlank();
        JsonObject used = liq.getJsonArray("prices").stream().map(o -> (JsonObject) o)
                .filter(o -> u.equals(o.getString("underlying"))).findFirst().orElseThrow();
        assertThat(used.getDouble("priceUsd")).isCloseTo(52_000, within(1e-6));
        assertThat(used.getLong("ageMs")).isNotNegative();
        // smallest reduction: 2,000 >= 2,600 q x 1.1  ->  keep q = 0.6993..., reduce 0.3007 contracts
        JsonObject plan = liq.getJsonObject("liquidationPlan");
        assertThat(plan.getBoolean("sufficient")).isTrue();
        JsonArray steps = plan.getJsonArray("steps");
        assertThat(steps).hasSize(1);
        assertThat(steps.getJsonObject(0).getString("instrument")).isEqualTo(u + "-PERP");
        assertThat(Double.parseDouble(steps.getJsonObject(0).getString("reduceContracts")))
                .isCloseTo(-(1 - 2000.0 / (2600 * 1.1)), within(1e-5));

        JsonObject recovered = mine.get(2).getJsonObject("payload");
        assertThat(recovered.getString("previousStatus")).isEqualTo("LIQUIDATABLE");
        assertThat(recovered.getString("status")).isEqualTo("HEALTHY");

        JsonPath after = awaitHotMargin(t, a, "HEALTHY");
        assertThat(after.getDouble("equityUsd")).isCloseTo(10_000, within(1e-6));
        assertThat(after.getString("oracleHealth")).isEqualTo("HEALTHY");
        Map<String, Object> price = after.getMap("prices.find { it.underlying == '" + u + "' }");
        assertThat(price.get("source")).isEqualTo("oracle");
        assertThat(((Number) price.get("ageSeconds")).doubleValue()).isGreaterThanOrEqualTo(-2.0);
        assertSameMargin(after, margin(t, a, "?from=database"));
        t.asIntegrator().get("/api/v1/margin/summary").then().statusCode(200)
                .body("answeredFrom", org.hamcrest.Matchers.equalTo("hot-book"))
                .body("accounts", org.hamcrest.Matchers.equalTo(1));
        t.asIntegrator().get("/api/v1/accounts/" + a + "/margin?from=elsewhere").then().statusCode(400);
    }

    private static void assertSameMargin(JsonPath hot, JsonPath db) {
        assertThat(db.getString("answeredFrom")).isEqualTo("database");
        for (String f : List.of("equityUsd", "initialMarginUsd", "maintenanceMarginUsd", "freeCollateralUsd",
                "collateralValueUsd", "unrealizedPnlUsd", "liquidationPrice.belowUsd")) {
            assertThat(hot.getDouble(f)).as(f).isCloseTo(db.getDouble(f), within(1e-6));
        }
        assertThat(hot.getString("status")).isEqualTo(db.getString("status"));
        assertThat(hot.getList("breakdown.positions.instrumentId"))
                .isEqualTo(db.getList("breakdown.positions.instrumentId"));
        assertThat(hot.getList("prices.underlying")).isEqualTo(db.getList("prices.underlying"));
    }
}
