package io.ballast.risk.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.HotBooks;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.ballast.risk.tenancy.rls.RowSecurity.Statement;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A book's rows are read in one snapshot (real PostgreSQL): an integrator's writes that commit while a tenant's rows
 * are being read are in none of them, not in the pages read after they committed.
 *
 * <p>Session 36's CI saw why it matters: read in separate statements, an account opened meanwhile (a deposit, then a
 * position) had its position read but not its deposit, and the book published it LIQUIDATABLE, then RECOVERED.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class BookLoaderSnapshotTest {

    @Inject
    BookLoader loader;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    /**
     * An account's rows after its event are read in one round trip ({@code RowSecurity.snapshotStatementsInTenant}):
     * its statements run in one {@code REPEATABLE READ}, read-only transaction bound to the tenant, and a write in
     * them fails and keeps nothing.
     */
    @Test
    void anAccountsStatementsShareOneReadOnlySnapshot() {
        TenantId tenant = TenantId.of(UUID.randomUUID());
        var read = RowSecurity.snapshotStatementsInTenant(pool, tenant, List.of(
                Statement.of("select current_setting('transaction_isolation') as s", Tuple.tuple()),
                Statement.of("select current_setting('transaction_read_only') as s", Tuple.tuple()),
                Statement.of("select current_setting('" + RowSecurity.TENANT_SETTING + "') as s", Tuple.tuple())))
                .await().atMost(HotBooks.WAIT);
        assertThat(read).extracting(r -> r.iterator().next().getString("s"))
                .containsExactly("repeatable read", "on", tenant.toString());
        assertThatThrownBy(() -> RowSecurity.snapshotStatementsInTenant(pool, tenant, List.of(Statement.of(
                "create temporary table snapshot_write_probe (x int)", Tuple.tuple()))).await()
                .atMost(HotBooks.WAIT)).hasMessageContaining("read-only");
    }

    /**
     * Fixture: account A (10,000 USDT, long 1 perpetual). The read is held after the balances and before the
     * positions; meanwhile account C is opened with a deposit of 10,000 USDT and a long perpetual, and A deposits
     * 5,000 USDT more. The rows read hold A as it was (one balance of 10,000) and nothing of C, neither its position;
     * the next read holds both accounts as they are.
     */
    @Test
    void writesThatCommitWhileARowsReadIsUnderWayAreInNoneOfItsPages() throws Throwable {
        Tenant t = TestTenants.onboard("snap");
        TenantId tenant = TenantId.of(UUID.fromString(t.id()));
        String u = "S" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestTenants.perpetualMarket(t, u);
        String a = TestTenants.account(t, "0xSNAP-A", "CROSS", "10000", Map.of(u + "-PERP", "1"));
        // the live loop has built the tenant's book (its build would otherwise be the read that is held)
        HotBooks.await(() -> HotBooks.hot(t, a, "HEALTHY") != null, "A answered HEALTHY from the hot book");

        CompletableFuture<Void> reached = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        loader.holdNextLoad(tenant.value(), reached, release);
        CompletableFuture<BookLoader.Rows> read = CompletableFuture.supplyAsync(() -> {
            try {
                return VertxContextSupport.subscribeAndAwait(() -> loader.load(tenant));
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        });
        reached.get(HotBooks.WAIT.toSeconds(), TimeUnit.SECONDS);
        String c = TestTenants.account(t, "0xSNAP-C", "CROSS", "10000", Map.of(u + "-PERP", "1"));
        t.asIntegrator().body(Map.of("asset", "USDT", "amount", "5000", "externalRef", TestTenants.ref()))
                .post("/api/v1/accounts/" + a + "/deposits").then().statusCode(201);
        release.complete(null);
        BookLoader.Rows held = read.get(HotBooks.WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(held.accounts()).extracting(x -> x.id.toString()).containsExactly(a);
        assertThat(held.positions()).extracting(p -> p.id.accountId().toString())
                .as("C's position committed before the positions were read, after the snapshot").containsExactly(a);
        assertThat(held.balances()).singleElement().satisfies(b -> {
            assertThat(b.id.accountId().toString()).isEqualTo(a);
            assertThat(b.amount).isEqualByComparingTo("10000");
        });

        BookLoader.Rows after = VertxContextSupport.subscribeAndAwait(() -> loader.load(tenant));
        assertThat(after.accounts()).extracting(x -> x.id.toString()).containsExactlyInAnyOrder(a, c);
        assertThat(after.positions()).extracting(p -> p.id.accountId().toString()).containsExactlyInAnyOrder(a, c);
        assertThat(after.balances()).extracting(b -> b.id.accountId().toString() + "=" + b.amount.stripTrailingZeros()
                .toPlainString()).containsExactlyInAnyOrder(a + "=15000", c + "=10000");

        BookLoader.AccountRows one = VertxContextSupport.subscribeAndAwait(() -> loader.account(tenant,
                UUID.fromString(c)));
        assertThat(one.account().externalId).isEqualTo("0xSNAP-C");
        assertThat(one.balances()).singleElement().satisfies(b -> assertThat(b.amount).isEqualByComparingTo("10000"));
        assertThat(one.positions()).singleElement().satisfies(p -> assertThat(p.quantity).isEqualByComparingTo("1"));
    }

    /**
     * The rows a book holds keep no more than it uses (docs/scaling.md, "Memory"): one id object per distinct id
     * across the read (the tenant's, an account's in its account row and its positions and balances, an instrument's
     * and an asset's in every row), no {@code updated_at} of positions and balances, no dirty-tracking record, and
     * positions' amounts without the trailing zeros of the schema's scale 18.
     */
    @Test
    void aBooksRowsShareTheirIdsAndKeepNeitherTimestampsNorTracking() throws Throwable {
        Tenant t = TestTenants.onboard("rows");
        TenantId tenant = TenantId.of(UUID.fromString(t.id()));
        String u = "R" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        TestTenants.perpetualMarket(t, u);
        String a = TestTenants.account(t, "0xROWS-A", "CROSS", "10000", Map.of(u + "-PERP", "1"));
        String b = TestTenants.account(t, "0xROWS-B", "CROSS", "20000", Map.of(u + "-PERP", "-2"));
        BookLoader.Rows rows = VertxContextSupport.subscribeAndAwait(() -> loader.load(tenant));

        assertThat(rows.accounts()).hasSize(2);
        assertThat(rows.positions()).hasSize(2);
        assertThat(rows.balances()).hasSize(2);
        UUID tenantId = rows.accounts().get(0).tenantId;
        for (var x : rows.accounts()) {
            assertThat(x.tenantId).isSameAs(tenantId);
            assertThat(rows.positions()).filteredOn(p -> p.id.accountId().equals(x.id)).singleElement()
                    .satisfies(p -> assertThat(p.id.accountId()).as("the position's account id").isSameAs(x.id));
            assertThat(rows.balances()).filteredOn(y -> y.id.accountId().equals(x.id)).singleElement()
                    .satisfies(y -> assertThat(y.id.accountId()).as("the balance's account id").isSameAs(x.id));
        }
        var p0 = rows.positions().get(0);
        var p1 = rows.positions().get(1);
        assertThat(p1.id.tenantId()).isSameAs(p0.id.tenantId()).isSameAs(tenantId);
        assertThat(p1.id.instrumentId()).isSameAs(p0.id.instrumentId());
        assertThat(rows.balances().get(1).id.assetId()).isSameAs(rows.balances().get(0).id.assetId());
        assertThat(rows.balances().get(1).id.tenantId()).isSameAs(tenantId);
        for (var p : rows.positions()) {
            assertThat(p.updatedAt).isNull();
            // numeric(38, 18) pads 1 to 1.000000000000000000 (19 digits): kept, it would be converted by formatting
            assertThat(p.quantity.precision()).as("the quantity without the schema's trailing zeros").isEqualTo(1);
            assertThat(p.entryPrice.precision()).as("the entry price without the schema's trailing zeros")
                    .isLessThanOrEqualTo(15);
            assertThat(p).isInstanceOf(org.hibernate.engine.spi.SelfDirtinessTracker.class);
            assertThat(((org.hibernate.engine.spi.SelfDirtinessTracker) p).$$_hibernate_hasDirtyAttributes())
                    .as("the position keeps no record of the fields its mapping set").isFalse();
        }
        for (var y : rows.balances()) {
            assertThat(y.updatedAt).isNull();
            assertThat(((org.hibernate.engine.spi.SelfDirtinessTracker) y).$$_hibernate_hasDirtyAttributes())
                    .isFalse();
        }
        assertThat(rows.positions()).extracting(p -> p.quantity.stripTrailingZeros().toPlainString())
                .containsExactlyInAnyOrder("1", "-2");
        assertThat(List.of(a, b)).containsExactlyInAnyOrderElementsOf(rows.accounts().stream()
                .map(x -> x.id.toString()).toList());
    }
}
