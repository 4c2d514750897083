package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.risk.market.OracleBatchStore;
import io.ballast.risk.market.OracleBatchStore.BatchState;
import io.ballast.risk.market.OracleBatchStore.BatchWrite;
import io.ballast.risk.market.OracleBatchStore.SourceTickWrite;
import io.ballast.risk.market.Tick;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.ballast.risk.tenancy.rls.RowSecurity.Write;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The price batch's transaction on the SQL client ({@link OracleBatchStore}, {@link
 * RowSecurity#acrossTenantsReadThenWrite}): the read and the write commit together, a failed write keeps nothing,
 * and after any failure the connection goes back to the pool with no transaction open, so that no later user of it
 * inherits the platform setting.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class OracleBatchStoreTest {

    @Inject
    OracleBatchStore store;

    @Inject
    Pool pool;

    private static final Instant START = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(120);

    @Test
    void theReadSeesEveryActiveTenantsAssetAndTheWriteIsCommittedWithTheAnswer() {
        Tenant a = TestTenants.onboard("batch-store-a");
        Tenant b = TestTenants.onboard("batch-store-b");
        UUID assetA = UUID.fromString(TestTenants.asset(a, "BSTORE"));
        UUID assetB = UUID.fromString(TestTenants.asset(b, "BSTORE"));
        List<BatchState> seen = new ArrayList<>();
        String answer = store.readThenWrite(List.of("BSTORE"), states -> {
            seen.addAll(states);
            return new BatchWrite<>(List.of(write(a, assetA, "10.5", 0), write(b, assetB, "11.5", 0)), List.of(),
                    OffsetDateTime.now(ZoneOffset.UTC), "written");
        }).await().indefinitely();
        assertThat(answer).isEqualTo("written");
        assertThat(seen).extracting(s -> s.asset().id).containsExactlyInAnyOrder(assetA, assetB);
        assertThat(seen).allSatisfy(s -> assertThat(s.latest()).isEmpty());

        Map<UUID, BatchState> after = read("BSTORE");
        assertThat(after.get(assetA).latest().get("batch-store-test").priceUsd()).isEqualByComparingTo("10.5");
        assertThat(after.get(assetB).latest().get("batch-store-test").priceUsd()).isEqualByComparingTo("11.5");
        assertThat(after.get(assetA).latest().get("batch-store-test").sourceTime()).isEqualTo(START);
    }

    @Test
    void aFailedWriteKeepsNothingAndLeavesNoTransactionOpen() {
        Tenant t = TestTenants.onboard("batch-store-fail");
        UUID asset = UUID.fromString(TestTenants.asset(t, "BSFAIL"));
        // the second row names an asset that does not exist: the statement fails on its foreign key
        SourceTickWrite unknown = new SourceTickWrite(UUID.fromString(t.id()), UUID.randomUUID(),
                new Tick("batch-store-test", "BSFAIL", BigDecimal.ONE, null, START));
        assertThatThrownBy(() -> store.readThenWrite(List.of("BSFAIL"), states -> new BatchWrite<>(
                        List.of(write(t, asset, "7", 1), unknown), List.of(), OffsetDateTime.now(ZoneOffset.UTC),
                        "never"))
                .await().indefinitely()).isInstanceOf(PgException.class);
        assertThat(read("BSFAIL").get(asset).latest()).as("nothing kept").isEmpty();
    }

    @Test
    void aFailureInMemoryOrOfTheReadRollsBackBeforeTheConnectionGoesBackToThePool() {
        String marker = "batch-store-" + UUID.randomUUID();
        IllegalStateException bug = new IllegalStateException("the guard failed");
        assertThatThrownBy(() -> RowSecurity.acrossTenantsReadThenWrite(pool, "select '" + marker + "' as m",
                Tuple.tuple(), rows -> {
                    throw bug;
                }).await().indefinitely()).isSameAs(bug);
        assertThat(openTransactionsAfter(marker)).as("after a failure in memory").isEmpty();

        String failing = "batch-store-" + UUID.randomUUID();
        assertThatThrownBy(() -> RowSecurity.acrossTenantsReadThenWrite(pool, "select 1 / (length($1) - length($1))"
                        + " as m /* " + failing + " */", Tuple.of(failing), rows -> Write.none("never"))
                .await().indefinitely()).isInstanceOf(PgException.class);
        assertThat(openTransactionsAfter(failing)).as("after a failed read").isEmpty();
    }

    /** The backends whose last statement carried the marker and that are still inside a transaction. */
    private List<String> openTransactionsAfter(String marker) {
        List<String> states = new ArrayList<>();
        for (Row r : pool.preparedQuery("select state from pg_stat_activity where query like $1 "
                        + "and pid <> pg_backend_pid()").execute(Tuple.of("%" + marker + "%"))
                .await().indefinitely()) {
            if (r.getString(0).startsWith("idle in transaction")) {
                states.add(r.getString(0));
            }
        }
        return states;
    }

    private Map<UUID, BatchState> read(String symbol) {
        Map<UUID, BatchState> out = new java.util.HashMap<>();
        store.readThenWrite(List.of(symbol), states -> {
            states.forEach(s -> out.put(s.asset().id, s));
            return new BatchWrite<>(List.of(), List.of(), OffsetDateTime.now(ZoneOffset.UTC), "read");
        }).await().indefinitely();
        return out;
    }

    private static SourceTickWrite write(Tenant t, UUID asset, String price, int seconds) {
        return new SourceTickWrite(UUID.fromString(t.id()), asset, new Tick("batch-store-test", "BSTORE",
                new BigDecimal(price), null, START.plusSeconds(seconds)));
    }
}
