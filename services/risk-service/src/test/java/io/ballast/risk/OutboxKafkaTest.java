package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestKafka;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.UUID;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** Writes reach Kafka through the outbox: a real consumer reads the events of a fresh tenant from the topic. */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class OutboxKafkaTest {

    @Inject
    Pool pool;

    /**
     * The two states a crash between commit and publication leaves, made by hand on a running relay: rows that were
     * sent and acknowledged but whose mark was never committed (published_at reset, as a rollback leaves it, with the
     * attempt rows the dead relay committed before sending), and an older row committed just before the crash that
     * was never sent. The relay must send the second once and must not send the first again: every outbox row of the
     * tenant is exactly one record on its topic, and no attempt row is left.
     */
    @Test
    void afterACrashRowsAlreadyOnTheirTopicAreNotSentAgainAndAnUnsentRowIsSentOnce() {
        Tenant t = TestTenants.onboard("outbox-crash");
        TestTenants.asset(t, "USDT");
        String account = TestTenants.account(t, "0xCRASH");
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "7", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + account + "/deposits").then().statusCode(201);
        Tuple tenant = Tuple.of(UUID.fromString(t.id()));
        awaitAllPublished(tenant);

        // what a relay killed after the broker's acknowledgement leaves behind: its attempt rows (committed before it
        // sent) and the rows unpublished again (its claim rolled back); the rows are fresh, so only the attempt rows
        // tell another instance's relay that they may already be on their topic
        int reset = RowSecurity.acrossTenants(pool, c -> c.preparedQuery("insert into outbox_attempt (outbox_id) "
                        + "select id from outbox_event where tenant_id = $1").execute(tenant)
                .flatMap(x -> c.preparedQuery("update outbox_event set published_at = null where tenant_id = $1")
                        .execute(tenant)))
                .await().indefinitely().rowCount();
        long probe = RowSecurity.queryAcrossTenants(pool, "insert into outbox_event (tenant_id, aggregate_type, "
                        + "aggregate_id, event_type, payload, topic, created_at) values ($1, 'tenant', $2, "
                        + "'ReconciliationProbe', '{}', 'ballast.events', now() - interval '1 minute') returning id",
                        Tuple.of(UUID.fromString(t.id()), t.id())).await().indefinitely().iterator().next()
                .getLong("id");
        assertThat(reset).isGreaterThanOrEqualTo(4);
        awaitAllPublished(tenant);

        Map<Long, String> rows = new HashMap<>();
        RowSecurity.queryAcrossTenants(pool, "select id, topic from outbox_event where tenant_id = $1", tenant).await()
                .indefinitely().forEach(r -> rows.put(r.getLong("id"), r.getString("topic")));
        Map<Long, Integer> copies = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer()) {
            consumer.subscribe(rows.values().stream().distinct().toList());
            long quietUntil = Long.MAX_VALUE;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (t.id().equals(r.key())) {
                        copies.merge(new JsonObject(r.value()).getLong("eventId"), 1, Integer::sum);
                    }
                }
                if (quietUntil == Long.MAX_VALUE && copies.keySet().containsAll(rows.keySet())) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                }
            }
        }
        assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(rows.keySet()).contains(probe);
        assertThat(copies).allSatisfy((id, n) -> assertThat(n).as("copies of event %d", id).isEqualTo(1));
        assertThat(RowSecurity.queryAcrossTenants(pool, "select count(*) as n from outbox_attempt a "
                + "join outbox_event o on o.id = a.outbox_id where o.tenant_id = $1", tenant)
                .await().indefinitely().iterator().next()
                .getLong("n")).as("attempt rows left").isZero();
    }

    private void awaitAllPublished(Tuple tenant) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (RowSecurity.queryAcrossTenants(pool, "select count(*) as n from outbox_event where tenant_id = $1 "
                + "and published_at is null", tenant).await().indefinitely().iterator().next().getLong("n") > 0) {
            assertThat(System.nanoTime()).as("outbox rows still unpublished after 60 s").isLessThan(deadline);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void ledgerPositionAndTenantEventsArePublishedWithTheTenantAsKey() {
        Tenant t = TestTenants.onboard("events");
        TestTenants.asset(t, "USDT");
        TestTenants.asset(t, "BTC");
        TestTenants.perpetual(t, "BTC-PERP", "BTC", "USDT");
        String account = TestTenants.account(t, "0xEV");
        String entryId = t.asIntegrator().body(Map.of("asset", "USDT", "amount", "42.5",
                "externalRef", TestTenants.ref()))
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
