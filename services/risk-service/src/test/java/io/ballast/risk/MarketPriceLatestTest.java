package io.ballast.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.market.OracleBatchStore;
import io.ballast.risk.market.OracleBatchStore.BatchWrite;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The price in force ({@code market_price_latest}), kept by the statement-level trigger on {@code market_price}
 * (migration V82): it moves to a statement's latest row per asset, never back to an older one, by one version per
 * statement; and a price row must name an asset of its own tenant (the asset reference, now that the separate
 * reference to the tenant is gone).
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class MarketPriceLatestTest {

    @Inject
    OracleBatchStore store;

    @Inject
    Pool pool;

    private static final Instant START = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);

    @Test
    void thePriceInForceMovesToEachAssetsLatestRowOfAStatementAndNeverBack() {
        Tenant t = TestTenants.onboard("latest-price");
        UUID x = UUID.fromString(TestTenants.asset(t, "LPX"));
        UUID y = UUID.fromString(TestTenants.asset(t, "LPY"));

        // one statement: two rows of X, the later one first, and two of Y, the later one last: the time decides, not
        // the insertion order, and the statement moves each asset once (one version, where a trigger per row would
        // have moved Y twice)
        MarketPrice x10 = price(t, x, "110", 10);
        MarketPrice x5 = price(t, x, "105", 5);
        MarketPrice y3 = price(t, y, "3", 3);
        MarketPrice y7 = price(t, y, "7", 7);
        insert(x10, x5, y3, y7);
        assertThat(inForce(t, x)).isEqualTo(new InForce(x10.id, "110", 1));
        assertThat(inForce(t, y)).as("one version a statement").isEqualTo(new InForce(y7.id, "7", 1));

        // an older row is history only
        MarketPrice x3 = price(t, x, "103", 3);
        insert(x3);
        assertThat(inForce(t, x)).as("an older row does not move it back")
                .isEqualTo(new InForce(x10.id, "110", 1));

        // a later one moves it, with the version; Y's row of the same statement is older than Y's price in force
        MarketPrice x20 = price(t, x, "120", 20);
        MarketPrice y1 = price(t, y, "1", 1);
        insert(x20, y1);
        assertThat(inForce(t, x)).isEqualTo(new InForce(x20.id, "120", 2));
        assertThat(inForce(t, y)).isEqualTo(new InForce(y7.id, "7", 1));
        assertThat(historyRows(t, x)).as("every row is kept in the history").isEqualTo(4);
    }

    @Test
    void aPriceRowNamingAnotherTenantsAssetIsRefusedAndKeepsNothing() {
        Tenant mine = TestTenants.onboard("latest-price-mine");
        Tenant other = TestTenants.onboard("latest-price-other");
        UUID own = UUID.fromString(TestTenants.asset(mine, "LPOWN"));
        UUID foreign = UUID.fromString(TestTenants.asset(other, "LPFOREIGN"));
        MarketPrice valid = price(mine, own, "5", 1);
        MarketPrice crossed = price(mine, foreign, "6", 1);
        assertThatThrownBy(() -> insert(valid, crossed)).isInstanceOf(PgException.class)
                .hasMessageContaining("market_price_tenant_id_asset_id_fkey");
        assertThat(historyRows(mine, own)).isZero();
        assertThat(RowSecurity.query(pool, TenantId.of(UUID.fromString(mine.id())),
                "select count(*) from market_price_latest where asset_id = $1", Tuple.of(own))
                .await().indefinitely().iterator().next().getLong(0)).isZero();
    }

    /** The price in force of an asset: the history row's id, the price and the version. */
    private record InForce(UUID id, String priceUsd, long version) {
    }

    private InForce inForce(Tenant t, UUID asset) {
        Row r = RowSecurity.query(pool, TenantId.of(UUID.fromString(t.id())),
                "select id, index_price_usd, version from market_price_latest where asset_id = $1", Tuple.of(asset))
                .await().indefinitely().iterator().next();
        return new InForce(r.getUUID(0), r.getBigDecimal(1).stripTrailingZeros().toPlainString(), r.getLong(2));
    }

    private long historyRows(Tenant t, UUID asset) {
        return RowSecurity.query(pool, TenantId.of(UUID.fromString(t.id())),
                "select count(*) from market_price where asset_id = $1", Tuple.of(asset))
                .await().indefinitely().iterator().next().getLong(0);
    }

    /** Inserts the rows in ONE statement: the price batch's write. */
    private void insert(MarketPrice... rows) {
        store.readThenWrite(List.of("LP-NONE"), states -> new BatchWrite<>(List.of(), List.of(rows),
                OffsetDateTime.now(ZoneOffset.UTC), "written")).await().indefinitely();
    }

    private static MarketPrice price(Tenant t, UUID asset, String usd, int seconds) {
        MarketPrice p = new MarketPrice();
        p.id = UUID.randomUUID();
        p.tenantId = UUID.fromString(t.id());
        p.assetId = asset;
        p.indexPriceUsd = new BigDecimal(usd);
        p.observedAt = OffsetDateTime.ofInstant(START.plusSeconds(seconds), ZoneOffset.UTC);
        p.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        p.source = "oracle";
        return p;
    }
}
