package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestKafka;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** Writes reach Kafka through the outbox: a real consumer reads the events of a fresh tenant from the topic. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class OutboxKafkaTest {

    @Test
    void ledgerPositionAndTenantEventsArePublishedWithTheTenantAsKey() {
        Tenant t = TestTenants.onboard("events");
        TestTenants.asset(t, "USDT");
        TestTenants.asset(t, "BTC");
        TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        String account = TestTenants.account(t, "0xEV");
        String entryId = t.asIntegrator().body(Map.of("asset", "USDT", "amount", "42.5"))
                .post("/api/v1/accounts/" + account + "/deposits").then().statusCode(201).extract().path("id");
        t.asIntegrator().body(Map.of("quantity", "1", "entryPrice", "100"))
                .put("/api/v1/accounts/" + account + "/positions/BTC-PERP").then().statusCode(200);

        List<JsonObject> mine = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer()) {
            consumer.subscribe(List.of("ballast.events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && mine.stream().noneMatch(e -> "PositionChanged".equals(
                    e.getString("type")))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (t.id().equals(r.key())) {
                        mine.add(new JsonObject(r.value()));
                    }
                }
            }
        }
        assertThat(mine).extracting(e -> e.getString("type")).containsSubsequence("TenantOnboarded",
                "AssetCreated", "InstrumentCreated", "AccountOpened", "CollateralDeposited", "PositionChanged");
        JsonObject deposit = mine.stream().filter(e -> "CollateralDeposited".equals(e.getString("type"))).findFirst()
                .orElseThrow();
        assertThat(deposit.getString("tenantId")).isEqualTo(t.id());
        assertThat(deposit.getJsonObject("payload").getString("entryId")).isEqualTo(entryId);
        assertThat(deposit.getJsonObject("payload").getString("amount")).isEqualTo("42.5");
        assertThat(deposit.getLong("eventId")).isPositive();
    }
}
