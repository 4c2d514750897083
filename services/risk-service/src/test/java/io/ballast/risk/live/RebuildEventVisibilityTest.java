package io.ballast.risk.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.messaging.Topics;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.HotBooks;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A change event that rebuilds a book is skipped only when the snapshot the book's rows were read in saw its
 * transaction, not because its outbox id is below the book's mark (real PostgreSQL, broker and relay).
 *
 * <p>An outbox id is taken at insert and becomes visible at commit: a transaction still open while a book is read
 * can hold an id below the highest id the read includes. Skipped by its id, its event would leave the book without
 * its change until the next rebuild.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class RebuildEventVisibilityTest {

    @Inject
    LiveLoop loop;

    @Inject
    Pool pool;

    /**
     * Fixture: a tenant with a book in use. Transaction T1 writes an instrument and its {@code InstrumentCreated}
     * outbox row and stays open; meanwhile a second instrument is created through the API (a higher outbox id,
     * committed) and the book is built again, without T1's instrument and with a mark past T1's event. Once T1
     * commits, its event is relayed and the book must be built again with T1's instrument.
     */
    @Test
    void aRebuildEventBelowTheMarkWhoseTransactionTheReadDidNotSeeRebuildsTheBook() throws InterruptedException {
        Tenant t = TestTenants.onboard("xid");
        UUID tenant = UUID.fromString(t.id());
        String u = "X" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestTenants.perpetualMarket(t, u);
        String a = TestTenants.account(t, "0xXID-A", "CROSS", "10000", Map.of(u + "-PERP", "1"));
        HotBooks.await(() -> HotBooks.hot(t, a, "HEALTHY") != null, "A answered HEALTHY from the hot book");
        Map<String, UUID> assets = new HashMap<>();
        for (Row r : RowSecurity.query(pool, io.ballast.risk.domain.TenantId.of(tenant),
                "select id, symbol from asset where tenant_id = $1", Tuple.of(tenant)).await()
                .atMost(HotBooks.WAIT)) {
            assets.put(r.getString("symbol"), r.getUUID("id"));
        }

        UUID held = UUID.randomUUID();
        SqlConnection conn = pool.getConnection().await().atMost(HotBooks.WAIT);
        try {
            Transaction t1 = conn.begin().await().atMost(HotBooks.WAIT);
            conn.preparedQuery("select set_config('" + RowSecurity.TENANT_SETTING + "', $1, true)")
                    .execute(Tuple.of(tenant.toString())).await().atMost(HotBooks.WAIT);
            conn.preparedQuery("insert into instrument (id, tenant_id, symbol, kind, underlying_id, settlement_id, "
                    + "contract_size) values ($1, $2, $3, 'PERPETUAL', $4, $5, 1)")
                    .execute(Tuple.of(held, tenant, u + "-HELD", assets.get(u), assets.get("USDT")))
                    .await().atMost(HotBooks.WAIT);
            long heldEvent = conn.preparedQuery("insert into outbox_event (tenant_id, topic, aggregate_type, "
                    + "aggregate_id, event_type, payload) values ($1, $2, 'instrument', $3, 'InstrumentCreated', "
                    + "'{}') returning id").execute(Tuple.of(tenant, Topics.EVENTS, held.toString()))
                    .await().atMost(HotBooks.WAIT).iterator().next().getLong("id");

            // a committed change with a higher outbox id rebuilds the book while T1 is open
            String second = TestTenants.perpetual(t, u + "-PERP2", u, "USDT");
            HotBooks.await(() -> {
                TenantBook book = loop.bookInUse(tenant);
                return book != null && book.instruments().stream().anyMatch(i -> i.id.toString().equals(second));
            }, "the book in use has the second instrument");
            TenantBook before = loop.bookInUse(tenant);
            assertThat(before.appliedEventId()).as("the book's mark").isGreaterThan(heldEvent);
            assertThat(before.instruments()).noneMatch(i -> i.id.equals(held));

            t1.commit().await().atMost(HotBooks.WAIT);
        } finally {
            conn.close().await().atMost(HotBooks.WAIT);
        }
        HotBooks.await(() -> {
            TenantBook book = loop.bookInUse(tenant);
            return book != null && book.instruments().stream().anyMatch(i -> i.id.equals(held));
        }, "the book in use has the instrument of the transaction that was open during its read");
    }
}
