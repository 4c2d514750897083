package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.support.UnfilteredProbe;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Row-level security, the second tenant barrier (docs/security.md "Row-level security"): a deliberately unfiltered
 * query bound to tenant A returns A's rows only, one bound to no tenant returns nothing, platform work returns every
 * tenant's; a write of another tenant's row is refused; the setting ends with its transaction; and every table with a
 * {@code tenant_id} column, found in the catalog (so a new table is checked too), has the policies.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class RowLevelSecurityTest {

    @Inject
    Pool pool;

    @Inject
    UnfilteredProbe probe;

    private static Tenant a;
    private static Tenant b;

    @BeforeEach
    void twoTenantsWithAnAccountEach() {
        if (a == null) {
            a = TestTenants.onboard("rls-a");
            b = TestTenants.onboard("rls-b");
            TestTenants.account(a, "0xA");
            TestTenants.account(b, "0xB");
        }
    }

    @Test
    void everyTableWithATenantIdColumnHasRowLevelSecurityWithBothPolicies() {
        Map<String, List<String>> policies = new TreeMap<>();
        RowSecurity.acrossTenants(pool, conn -> conn.query("select c.relname, c.relrowsecurity, "
                        + "coalesce(string_agg(p.polname, ',' order by p.polname), '') from pg_class c "
                        + "join pg_namespace n on n.oid = c.relnamespace "
                        + "join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped "
                        + "left join pg_policy p on p.polrelid = c.oid "
                        + "where n.nspname = 'public' and c.relkind in ('r', 'p') group by c.relname, c.relrowsecurity")
                        .execute())
                .await().indefinitely().forEach(r -> policies.put(r.getString(0),
                        r.getBoolean(1) ? List.of(r.getString(2).split(",")) : List.of("RLS OFF")));
        assertThat(policies).containsKeys("account", "balance", "ledger_entry", "position", "outbox_event",
                "governance_audit", "market_price_latest", "recommendation_run");
        policies.forEach((table, names) -> assertThat(names).as(table)
                .containsExactly("platform_work", "tenant_isolation"));
    }

    @Test
    void anUnfilteredQueryOnTheSqlClientSeesOnlyTheBoundTenantNothingWhenUnboundAndAllAsPlatformWork() {
        UUID idA = UUID.fromString(a.id());
        UUID idB = UUID.fromString(b.id());
        assertThat(tenants(RowSecurity.inTenant(pool, TenantId.of(idA),
                conn -> conn.query("select distinct tenant_id from account").execute()))).containsExactly(idA);
        assertThat(tenants(RowSecurity.inTenant(pool, TenantId.of(idB),
                conn -> conn.query("select distinct tenant_id from account").execute()))).containsExactly(idB);
        assertThat(tenants(pool.query("select distinct tenant_id from account").execute())).isEmpty();
        assertThat(tenants(RowSecurity.acrossTenants(pool,
                conn -> conn.query("select distinct tenant_id from account").execute()))).contains(idA, idB);
    }

    @Test
    void anUnfilteredPanacheQuerySeesOnlyTheTenantOfTheMethodNothingWithoutOneAndAllOnThePlatformPath()
            throws Throwable {
        UUID idA = UUID.fromString(a.id());
        UUID idB = UUID.fromString(b.id());
        assertThat(onVertx(() -> probe.inTransactionOf(TenantId.of(idA)))).containsExactly(idA);
        assertThat(onVertx(() -> probe.inSessionOf(TenantId.of(idB)))).containsExactly(idB);
        assertThat(onVertx(probe::withoutTenant)).isEmpty();
        assertThat(onVertx(probe::acrossTenants)).contains(idA, idB);
    }

    /** Panache needs a Vert.x (duplicated) context, as a request or a Kafka message has. */
    private static List<UUID> onVertx(Supplier<Uni<List<UUID>>> work) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(work);
    }

    @Test
    void oneStatementInOneRoundTripIsBoundCommittedAndLeavesNothingWhenItFails() {
        UUID idA = UUID.fromString(a.id());
        UUID idB = UUID.fromString(b.id());
        TenantId tenantA = TenantId.of(idA);
        assertThat(tenants(RowSecurity.query(pool, tenantA, "select distinct tenant_id from account", Tuple.tuple())))
                .containsExactly(idA);
        assertThat(tenants(RowSecurity.queryAcrossTenants(pool, "select distinct tenant_id from account",
                Tuple.tuple()))).contains(idA, idB);
        // a write is committed: another transaction sees it
        java.time.OffsetDateTime stamp = java.time.OffsetDateTime.parse("2020-03-12T10:00:00Z");
        assertThat(tenants(RowSecurity.query(pool, tenantA, "update account set updated_at = $2 where tenant_id = $1 "
                + "returning tenant_id", Tuple.of(idA, stamp)))).containsExactly(idA);
        assertThat(tenants(RowSecurity.inTenant(pool, tenantA, conn -> conn.preparedQuery("select tenant_id from "
                + "account where updated_at = $1").execute(Tuple.of(stamp))))).containsExactly(idA);
        // a statement that writes, then fails, keeps nothing, and each connection goes back to the pool usable
        for (int i = 0; i < 12; i++) {
            String failed = RowSecurity.query(pool, tenantA, "with w as (update account set status = 'SUSPENDED' "
                            + "where tenant_id = $1 returning 1) select 1 / (count(*) - count(*)) from w",
                            Tuple.of(idA))
                    .map(x -> "answered").onFailure(PgException.class)
                    .recoverWithItem(e -> ((PgException) e).getSqlState()).await().indefinitely();
            assertThat(failed).isEqualTo("22012");
            assertThat(tenants(RowSecurity.query(pool, tenantA, "select tenant_id from account where status = "
                    + "'ACTIVE'", Tuple.tuple()))).containsExactly(idA);
        }
        assertThat(tenants(pool.query("select distinct tenant_id from account").execute())).isEmpty();
    }

    @Test
    void aTenantCannotWriteOrChangeAnotherTenantsRows() {
        TenantId tenantA = TenantId.of(UUID.fromString(a.id()));
        UUID idB = UUID.fromString(b.id());
        String refused = RowSecurity.inTenant(pool, tenantA, conn -> conn.preparedQuery("insert into account (id, "
                        + "tenant_id, external_id, margin_mode, status, version, created_at, updated_at) values ($1, $2, "
                        + "'0xFORGED', 'CROSS', 'ACTIVE', 0, now(), now())").execute(Tuple.of(UUID.randomUUID(), idB)))
                .map(x -> "written").onFailure(PgException.class).recoverWithItem(e -> e.getMessage())
                .await().indefinitely();
        assertThat(refused).contains("row-level security");
        assertThat(RowSecurity.inTenant(pool, tenantA, conn -> conn.preparedQuery("update account set status = "
                        + "'SUSPENDED' where tenant_id = $1").execute(Tuple.of(idB)))
                .await().indefinitely().rowCount()).isZero();
        assertThat(RowSecurity.inTenant(pool, tenantA, conn -> conn.preparedQuery("delete from balance "
                        + "where tenant_id = $1").execute(Tuple.of(idB)))
                .await().indefinitely().rowCount()).isZero();
    }

    @Test
    void theSettingEndsWithItsTransactionSoTheNextTransactionOnTheSameConnectionSeesNothing() {
        UUID idA = UUID.fromString(a.id());
        List<UUID> after = pool.withConnection(conn -> conn.begin()
                .chain(tx -> conn.preparedQuery("select set_config('" + RowSecurity.TENANT_SETTING + "', $1, true)")
                        .execute(Tuple.of(idA.toString()))
                        .chain(() -> conn.query("select count(*) from account").execute())
                        .invoke(rows -> assertThat(rows.iterator().next().getLong(0)).isPositive())
                        .chain(tx::commit))
                .chain(() -> conn.query("select distinct tenant_id from account").execute())
                .map(RowLevelSecurityTest::ids))
                .await().indefinitely();
        assertThat(after).isEmpty();
    }

    @Test
    void theApplicationRoleCannotDropOrDisableThePolicies() {
        for (String sql : List.of("drop policy tenant_isolation on account",
                "alter table account disable row level security", "alter table account no force row level security",
                "create policy everything on account using (true)")) {
            assertThat(pool.query(sql).execute().map(x -> "done").onFailure(PgException.class)
                    .recoverWithItem(e -> ((PgException) e).getSqlState()).await().indefinitely())
                    .as(sql).isEqualTo("42501");
        }
    }

    private static List<UUID> tenants(Uni<RowSet<Row>> rows) {
        return ids(rows.await().indefinitely());
    }

    private static List<UUID> ids(RowSet<Row> rows) {
        List<UUID> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.getUUID(0)));
        return out;
    }
}
