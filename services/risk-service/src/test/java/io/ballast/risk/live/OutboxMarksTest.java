package io.ballast.risk.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.Topics;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.HotBooks;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.ballast.risk.tenancy.rls.RowSecurity.Statement;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The freshness read of every hot-book answer ({@link BookLoader#marks}: the function {@code outbox_marks} of
 * migration V84, one statement) against real PostgreSQL: it gives the marks the transaction of four statements gave,
 * under row-level security, and leaves a transaction it is called in bound as it was.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class OutboxMarksTest {

    private static final String MAX_ID = "select coalesce(max(id), 0) as id from outbox_event where tenant_id = $1 "
            + "and topic = $2";

    @Inject
    BookLoader loader;

    @Inject
    Pool pool;

    /**
     * Two tenants with events (onboarding, a market, an account) and, for the first, a parameters event (its
     * onboarding's risk parameters): each tenant's marks are the highest ids of its own rows, as a transaction bound
     * to it reads them, and differ between the tenants; a tenant that does not exist has none.
     */
    @Test
    void aTenantsMarksAreTheHighestIdsOfItsOwnEventsAndParameters() {
        Tenant a = TestTenants.onboard("marks-a");
        Tenant b = TestTenants.onboard("marks-b");
        String u = "M" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestTenants.perpetualMarket(a, u);
        TestTenants.account(a, "0xMARKS-A");
        TestTenants.account(b, "0xMARKS-B");

        for (Tenant t : List.of(a, b)) {
            TenantId tenant = TenantId.of(UUID.fromString(t.id()));
            long events = highest(tenant, Topics.EVENTS);
            long parameters = highest(tenant, Topics.PARAMETERS);
            assertThat(events).as("the fixture gave %s events", t.id()).isPositive();
            assertThat(loader.marks(tenant).await().atMost(HotBooks.WAIT)).containsExactly(events, parameters);
        }
        long[] ofA = loader.marks(TenantId.of(UUID.fromString(a.id()))).await().atMost(HotBooks.WAIT);
        long[] ofB = loader.marks(TenantId.of(UUID.fromString(b.id()))).await().atMost(HotBooks.WAIT);
        assertThat(ofA[0]).as("each tenant's own events").isNotEqualTo(ofB[0]);
        assertThat(loader.marks(TenantId.of(UUID.randomUUID())).await().atMost(HotBooks.WAIT))
                .containsExactly(0L, 0L);
    }

    /**
     * Called inside a transaction bound to tenant A, for tenant B: it reads B's marks, and the statement after it still
     * sees A's rows only (the binding A's transaction had), not B's.
     */
    @Test
    void calledInATransactionBoundToAnotherTenantItLeavesThatBindingAsItWas() {
        Tenant a = TestTenants.onboard("marks-bound-a");
        Tenant b = TestTenants.onboard("marks-bound-b");
        TestTenants.account(a, "0xMARKS-BOUND-A");
        TestTenants.account(b, "0xMARKS-BOUND-B");
        TenantId ta = TenantId.of(UUID.fromString(a.id()));
        TenantId tb = TenantId.of(UUID.fromString(b.id()));

        List<RowSet<Row>> read = RowSecurity.statementsInTenant(pool, ta, List.of(
                Statement.of(BookLoader.MARKS, Tuple.of(tb.value())),
                Statement.of("select current_setting('" + RowSecurity.TENANT_SETTING + "') as s", Tuple.tuple()),
                Statement.of("select count(*) as n from outbox_event where tenant_id = $1", Tuple.of(tb.value()))))
                .await().atMost(HotBooks.WAIT);
        assertThat(read.get(0).iterator().next().getLong("events")).isEqualTo(highest(tb, Topics.EVENTS));
        assertThat(read.get(1).iterator().next().getString("s")).as("the binding after the call")
                .isEqualTo(ta.toString());
        assertThat(read.get(2).iterator().next().getLong("n")).as("B's rows seen after the call").isZero();
    }

    private long highest(TenantId tenant, String topic) {
        return RowSecurity.query(pool, tenant, MAX_ID, Tuple.of(tenant.value(), topic)).await()
                .atMost(HotBooks.WAIT).iterator().next().getLong("id");
    }
}
