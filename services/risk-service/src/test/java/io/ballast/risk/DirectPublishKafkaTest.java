package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.devstack.KafkaUser;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.live.MarginStateService;
import io.ballast.risk.live.MarginStateService.Stored;
import io.ballast.risk.live.MarginStatus;
import io.ballast.risk.live.TenantBook.State;
import io.ballast.risk.live.TenantBook.Transition;
import io.ballast.risk.messaging.DirectPublisher;
import io.ballast.risk.messaging.OutboxRow;
import io.ballast.risk.messaging.Topics;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.KafkaClients;
import io.ballast.risk.support.OwnerSql;
import io.ballast.risk.support.TestKafka;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The live loop's direct path (DirectPublisher, V81) against the real broker and PostgreSQL: margin events leave
 * from memory after their commit, exactly once; the relay leaves them alone while they are young and takes over
 * those whose writer died or gave them back, still exactly once; a tenant whose events wait for the relay does not
 * go the direct way; the relay looks up on the topic only the rows a pass may have sent (its suspect rule); a stale
 * state fails its whole store.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class DirectPublishKafkaTest {

    @Inject
    MarginStateService states;

    @Inject
    DirectPublisher direct;

    @Test
    void storedTransitionsArePublishedDirectlyOnceAndMarked() throws Exception {
        Tenant t = TestTenants.onboard("direct-once");
        UUID tenant = UUID.fromString(t.id());
        List<Transition> ts = List.of(callOf(TestTenants.account(t, "0xD1")),
                callOf(TestTenants.account(t, "0xD2")));
        Stored stored = states.store(new TenantId(tenant), ts, "p1", "v1", true, false).await()
                .atMost(Duration.ofSeconds(30));
        assertThat(stored.direct()).as("nothing of the tenant waits for the relay").isTrue();
        assertThat(stored.rows()).hasSize(2);
        assertThat(OwnerSql.count("select count(*) from outbox_attempt a join outbox_event o on o.id = a.outbox_id "
                + "where o.tenant_id = ? and a.direct", tenant)).as("direct attempt rows, same transaction")
                .isEqualTo(2);

        AtomicBoolean failed = new AtomicBoolean();
        direct.publish(stored.rows(), () -> failed.set(true));
        OwnerSql.awaitZero("select count(*) from outbox_event where tenant_id = ? and topic = 'ballast.margin-events' "
                + "and published_at is null", tenant, "direct rows marked published");
        OwnerSql.awaitZero("select count(*) from outbox_attempt a join outbox_event o on o.id = a.outbox_id "
                + "where o.tenant_id = ?", tenant, "attempt rows deleted with the mark");
        assertThat(failed).isFalse();

        // (the tenant's hot book may add events of its own for these accounts: only these two rows are counted)
        Set<Long> ids = Set.copyOf(stored.rows().stream().map(OutboxRow::id).toList());
        assertThat(copiesOnTopic(t.id(), ids)).containsKeys(ids.toArray(Long[]::new))
                .allSatisfy((id, n) -> assertThat(n).as("copies of %d", id).isEqualTo(1));
    }

    @Test
    void theRelayLeavesYoungDirectRowsAloneAndTakesOverOldOnesOnce() throws Exception {
        Tenant t = TestTenants.onboard("direct-takeover");
        UUID tenant = UUID.fromString(t.id());
        // a writer that stored its rows for the direct path and died before sending one, and after sending the other
        // (acknowledged, never marked): both are unpublished with their direct attempt rows
        Stored stored = states.store(new TenantId(tenant), List.of(callOf(TestTenants.account(t, "0xT1")),
                callOf(TestTenants.account(t, "0xT2"))), "p1", "v1", true, false).await().atMost(Duration.ofSeconds(30));
        assertThat(stored.direct()).isTrue();
        OutboxRow sentBeforeDying = stored.rows().get(1);
        direct.publish(List.of(sentBeforeDying), () -> { });
        OwnerSql.awaitZero("select count(*) from outbox_event where tenant_id = ? and published_at is null and "
                + "id = " + sentBeforeDying.id(), tenant, "the sent row marked");
        String mine = " and id in (" + stored.rows().get(0).id() + ", " + sentBeforeDying.id() + ")";
        // the direct attempt row first, then unpublished: never an unpublished row without its direct attempt row,
        // which the relay (running every second) would take as its own (and, after a failed pass, as a suspect)
        OwnerSql.execute("insert into outbox_attempt (outbox_id, direct) select id, true from outbox_event "
                + "where tenant_id = ?" + mine + " on conflict (outbox_id) do nothing", tenant);
        OwnerSql.execute("update outbox_event set published_at = null where tenant_id = ?" + mine, tenant);

        // young: the relay (every second, and triggered by every other test's writes) leaves them to their writer
        Thread.sleep(3_000);
        assertThat(OwnerSql.count("select count(*) from outbox_event where tenant_id = ? and published_at is null"
                + mine, tenant)).as("young direct rows left alone").isEqualTo(2);
        // a store now must not go the direct way: its event would overtake the two waiting ones
        Stored behind = states.store(new TenantId(tenant), List.of(callOf(TestTenants.account(t, "0xT3"))), "p1",
                "v1", true, false).await().atMost(Duration.ofSeconds(30));
        assertThat(behind.direct()).as("events of the tenant wait for the relay").isFalse();

        // once older than the grace, they are suspects: looked up on the topic, sent only when not found there
        OwnerSql.execute("update outbox_attempt set attempted_at = now() - interval '1 hour' where outbox_id in "
                + "(select id from outbox_event where tenant_id = ?" + mine + ")", tenant);
        OwnerSql.awaitZero("select count(*) from outbox_event where tenant_id = ? and published_at is null and id in ("
                + stored.rows().get(0).id() + ", " + sentBeforeDying.id() + ", " + behind.rows().get(0).id() + ")",
                tenant, "the relay publishing the rows after the grace");
        Set<Long> ids = Set.of(stored.rows().get(0).id(), sentBeforeDying.id(), behind.rows().get(0).id());
        assertThat(copiesOnTopic(t.id(), ids)).containsKeys(ids.toArray(Long[]::new))
                .allSatisfy((id, n) -> assertThat(n).as("copies of %d", id).isEqualTo(1));
        OwnerSql.awaitZero("select count(*) from outbox_attempt a join outbox_event o on o.id = a.outbox_id "
                + "where o.tenant_id = ?", tenant, "no attempt row left");
    }

    @Test
    void aRowThatCannotBeSentIsGivenBackAndTheRelayParksIt() throws Exception {
        Tenant t = TestTenants.onboard("direct-back");
        UUID tenant = UUID.fromString(t.id());
        Stored stored = states.store(new TenantId(tenant), List.of(callOf(TestTenants.account(t, "0xB1"))), "p1",
                "v1", true, false).await().atMost(Duration.ofSeconds(30));
        OutboxRow row = stored.rows().get(0);
        // the same row as its writer would hold it, but with a payload that is not JSON: the send fails at once
        OwnerSql.execute("update outbox_event set payload = 'not json' where tenant_id = ? and id = " + row.id(),
                tenant);
        OutboxRow broken = new OutboxRow(row.id(), row.tenantId(), row.topic(), row.aggregateType(),
                row.aggregateId(), row.eventType(), row.createdAt(), "not json");
        AtomicBoolean failed = new AtomicBoolean();
        direct.publish(List.of(broken), () -> failed.set(true));
        OwnerSql.awaitZero("select count(*) from outbox_event where tenant_id = ? and parked_at is null and id = "
                + row.id(), tenant, "the given-back row parked by the relay");
        assertThat(failed).as("the writer is told").isTrue();
        assertThat(OwnerSql.count("select count(*) from outbox_event where tenant_id = ? and published_at is not null "
                + "and id = " + row.id(), tenant)).isZero();
    }

    /**
     * The relay's suspect rule: a row is looked up on its topic before it is sent only when a pass may have sent it
     * already (it has an attempt row); an old row without one was never sent, and is sent without a lookup, however
     * old. How the test tells a lookup from none: before the relay sees either row, a copy of each row's envelope is
     * put on the topic by hand. A row the relay looks up is found there and only marked (one copy in all); a row it
     * does not look up is sent (two copies). The by-hand copy of the row without an attempt row breaks the relay's
     * invariant on purpose: that is what makes the skipped lookup visible.
     */
    @Test
    void onlyARowWithAnAttemptRowIsLookedUpAnOldRowWithoutOneIsSent() throws Exception {
        Tenant t = TestTenants.onboard("suspect-rule");
        UUID tenant = UUID.fromString(t.id());
        // two rows stored for the direct path: their young direct attempt rows keep the relay away from them
        // (ballast.outbox.direct-grace) while the test sets them up; nobody publishes them directly
        Stored stored = states.store(new TenantId(tenant), List.of(callOf(TestTenants.account(t, "0xE1")),
                callOf(TestTenants.account(t, "0xE2"))), "p1", "v1", true, false).await()
                .atMost(Duration.ofSeconds(30));
        assertThat(stored.direct()).isTrue();
        OutboxRow old = stored.rows().get(0);
        OutboxRow attempted = stored.rows().get(1);

        try (KafkaProducer<String, String> producer = KafkaClients.producer(KafkaUser.ADMIN)) {
            for (OutboxRow row : List.of(old, attempted)) {
                producer.send(new ProducerRecord<>(Topics.MARGIN_EVENTS, t.id(), new JsonObject()
                        .put("eventId", row.id()).put("tenantId", t.id()).put("type", row.eventType())
                        .put("copy", "put by the test").encode())).get();
            }
        }
        // in one statement: the old row loses its attempt row and is dated an hour back; the other keeps an attempt
        // row as a relay pass that died would have left it (not direct, an hour old)
        OwnerSql.execute("with d as (delete from outbox_attempt where outbox_id = " + old.id() + "), "
                + "a as (update outbox_attempt set direct = false, attempted_at = now() - interval '1 hour' "
                + "where outbox_id = " + attempted.id() + ") "
                + "update outbox_event set created_at = now() - interval '1 hour' where tenant_id = ? and id = "
                + old.id(), tenant);

        OwnerSql.awaitZero("select count(*) from outbox_event where tenant_id = ? and published_at is null and id in ("
                + old.id() + ", " + attempted.id() + ")", tenant, "the relay publishing both rows");
        Set<Long> ids = Set.of(old.id(), attempted.id());
        Map<Long, Integer> copies = copiesOnTopic(t.id(), ids);
        assertThat(copies.get(attempted.id())).as("the row with an attempt row: looked up, found, not sent again")
                .isEqualTo(1);
        assertThat(copies.get(old.id())).as("the old row without an attempt row: sent without a lookup")
                .isEqualTo(2);
        OwnerSql.awaitZero("select count(*) from outbox_attempt a join outbox_event o on o.id = a.outbox_id "
                + "where o.tenant_id = ?", tenant, "no attempt row left");
    }

    @Test
    void aStaleStateRollsTheWholeStoreBackItsGoodRowsIncluded() throws Exception {
        Tenant t = TestTenants.onboard("direct-stale");
        UUID tenant = UUID.fromString(t.id());
        String x = TestTenants.account(t, "0xS1");
        String y = TestTenants.account(t, "0xS2");
        // this instance owns the tenant: its hot book is built (twice: one event per account) as the accounts come,
        // and a build that read the states after the store below would store its own transition for x (the book
        // values x HEALTHY) and move x past seq 1. Both answered from the hot book: the builds are done
        io.ballast.risk.support.HotBooks.await(() -> "hot-book".equals(TestTenants.margin(t, x).getString(
                "answeredFrom")) && "hot-book".equals(TestTenants.margin(t, y).getString("answeredFrom")),
                "x and y answered from the tenant's hot book");
        states.store(new TenantId(tenant), List.of(callOf(x)), "p1", "v1", false, false).await()
                .atMost(Duration.ofSeconds(30));
        String marker = UUID.randomUUID().toString();
        // x moves from its stored seq 1; y has no stored state at seq 5: the whole store must fail
        Throwable failure = null;
        try {
            states.store(new TenantId(tenant), List.of(recoveryOf(x, 1, marker), recoveryOf(y, 5, marker)), "p2",
                    "v2", true, false).await().atMost(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            failure = e;
        }
        assertThat(failure).isInstanceOf(MarginStateService.StaleStateException.class)
                .hasMessageContaining(y);
        assertThat(OwnerSql.count("select count(*) from account_margin_state where tenant_id = ? and account_id = '"
                + x + "' and seq = 1 and status = 'MARGIN_CALL' and price_versions = 'p1'", tenant))
                .as("the good update rolled back").isEqualTo(1);
        assertThat(OwnerSql.count("select count(*) from outbox_event where tenant_id = ? and payload like '%"
                + marker + "%'", tenant)).as("no outbox row of the failed store").isZero();
        assertThat(OwnerSql.count("select count(*) from outbox_attempt a join outbox_event o on o.id = a.outbox_id "
                + "where o.tenant_id = ?", tenant)).as("no attempt row").isZero();
        // the store after it, at the right seq, goes through on a connection the failure left usable
        Stored next = states.store(new TenantId(tenant), List.of(recoveryOf(x, 1, marker)), "p3", "v3", false,
                false).await().atMost(Duration.ofSeconds(30));
        assertThat(next.rows()).hasSize(1);
        assertThat(OwnerSql.count("select count(*) from account_margin_state where tenant_id = ? and account_id = '"
                + x + "' and seq = 2 and status = 'HEALTHY'", tenant)).isEqualTo(1);
    }

    private static Transition recoveryOf(String account, long seq, String marker) {
        Map<String, Object> payload = new HashMap<>();
        payload.put("accountId", account);
        payload.put("status", "HEALTHY");
        payload.put("seq", seq + 1);
        payload.put("marker", marker);
        return new Transition(UUID.fromString(account), new State(MarginStatus.MARGIN_CALL, seq, false),
                new State(MarginStatus.HEALTHY, seq + 1, false), "RECOVERED", 1_500, 1_200, 1_000, payload);
    }

    private static Transition callOf(String account) {
        UUID id = UUID.fromString(account);
        Map<String, Object> payload = new HashMap<>();
        payload.put("accountId", account);
        payload.put("status", "MARGIN_CALL");
        payload.put("seq", 1);
        payload.put("at", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS).toString());
        return new Transition(id, new State(MarginStatus.HEALTHY, 0, false),
                new State(MarginStatus.MARGIN_CALL, 1, false), "MARGIN_CALL", 900, 1_200, 1_000, payload);
    }

    /** Copies of each of the tenant's margin events on the topic, until all expected ids were seen and 5 s passed. */
    private static Map<Long, Integer> copiesOnTopic(String tenant, Set<Long> expected) {
        Map<Long, Integer> copies = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = TestKafka.consumer()) {
            consumer.subscribe(List.of(Topics.MARGIN_EVENTS));
            long quietUntil = Long.MAX_VALUE;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    if (tenant.equals(r.key())) {
                        copies.merge(new JsonObject(r.value()).getLong("eventId"), 1, Integer::sum);
                    }
                }
                if (quietUntil == Long.MAX_VALUE && copies.keySet().containsAll(expected)) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                }
            }
        }
        return copies;
    }
}
