package io.ballast.risk.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.market.OracleService.BatchOutcome;
import io.ballast.risk.market.OracleService.TenantOutcome;
import io.ballast.risk.support.BallastServersResource;
import io.ballast.risk.support.TestTenants;
import io.ballast.risk.support.TestTenants.Tenant;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A takeover's replay in one transaction ({@link OracleService#replay}) on real PostgreSQL: each tick is guarded with
 * the clock of its receipt against what the ticks before it left, a tick the previous owner applied is refused as
 * out of order, and every index move is kept in order, one price row each (where a live batch conflates its moves
 * into one per asset), so that the new owner's book sees each move on its own.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class OracleReplayTest {

    @Inject
    OracleService oracle;

    @Inject
    Pool pool;

    @Test
    void aReplayKeepsEveryMoveInOrderWithItsReceiptAndRefusesWhatWasAppliedBefore() {
        Tenant t = TestTenants.onboard("replay");
        String symbol = "RP" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        UUID asset = UUID.fromString(TestTenants.asset(t, symbol));
        UUID tenant = UUID.fromString(t.id());
        Instant s0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(10);

        // the previous owner applied the tick at s0 + 1 s (100)
        BatchOutcome applied = oracle.applyAll(List.of(tick(symbol, "100", s0.plusSeconds(1))), tenant::equals,
                s0.plusSeconds(1).plusMillis(50)).await().indefinitely();
        assertThat(applied.moves()).hasSize(1);

        // the replay: one the old owner applied (s0 + 1 s, refused), an older one (refused), then three nobody did,
        // the last of them at the price of the one before (no move)
        List<Tick> ticks = List.of(tick(symbol, "100", s0.plusSeconds(1)), tick(symbol, "98", s0),
                tick(symbol, "101", s0.plusSeconds(2)), tick(symbol, "99", s0.plusSeconds(3)),
                tick(symbol, "99", s0.plusSeconds(4)));
        List<Instant> received = new ArrayList<>();
        for (int i = 0; i < ticks.size(); i++) {
            received.add(ticks.get(i).sourceTime().plusMillis(20 + i));
        }
        BatchOutcome replayed = oracle.replay(ticks, received, tenant::equals).await().indefinitely();

        assertThat(replayed.ticks()).extracting(o -> o.outcomes().get(0).verdict().accepted() ? "accepted"
                        : o.outcomes().get(0).verdict().reason())
                .containsExactly("out-of-order", "out-of-order", "accepted", "accepted", "accepted");
        assertThat(replayed.moves()).as("one move per tick that moved the index, in order")
                .extracting(m -> m.price().indexPriceUsd.stripTrailingZeros().toPlainString())
                .containsExactly("101", "99", "99");
        assertThat(replayed.moves()).extracting(m -> m.price().createdAt.toInstant())
                .containsExactly(received.get(2), received.get(3), received.get(4));
        assertThat(replayed.moves()).extracting(m -> m.index().observedAt())
                .containsExactly(s0.plusSeconds(2), s0.plusSeconds(3), s0.plusSeconds(4));
        assertThat(replayed.moves()).extracting(TenantOutcome::assetId).containsOnly(asset);

        // the history has each move's row; the price in force is the last
        List<String> history = new ArrayList<>();
        for (Row r : RowSecurity.query(pool, TenantId.of(tenant), "select index_price_usd from market_price "
                + "where asset_id = $1 order by observed_at", Tuple.of(asset)).await().indefinitely()) {
            history.add(r.getBigDecimal(0).stripTrailingZeros().toPlainString());
        }
        assertThat(history).containsExactly("100", "101", "99", "99");
        Row latest = RowSecurity.query(pool, TenantId.of(tenant), "select index_price_usd, observed_at "
                + "from market_price_latest where asset_id = $1", Tuple.of(asset)).await().indefinitely().iterator()
                .next();
        assertThat(latest.getBigDecimal(0)).isEqualByComparingTo("99");
        assertThat(latest.getOffsetDateTime(1).toInstant()).isEqualTo(s0.plusSeconds(4));

        // replayed again (the next owner's takeover): every tick is refused as applied, nothing moves
        BatchOutcome again = oracle.replay(ticks, received, tenant::equals).await().indefinitely();
        assertThat(again.moves()).isEmpty();
    }

    private static Tick tick(String symbol, String priceUsd, Instant sourceTime) {
        return new Tick("feed", symbol, new BigDecimal(priceUsd), null, sourceTime);
    }
}
