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
 * out of order, and the index moves are kept per step: the polls the ticks came in, those received within the
 * replay's conflation taken together (one move per asset and step, as a live batch, or a busy live book, conflates
 * them), in order, one price row each, so that the new owner's book sees each step's move on its own.
 */
@QuarkusTest
@QuarkusTestResource(BallastServersResource.class)
class OracleReplayTest {

    @Inject
    OracleService oracle;

    @Inject
    Pool pool;

    @Inject
    io.ballast.risk.live.LiveSettings settings;

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

        // the replay: one the old owner applied (s0 + 1 s, refused) and an older one (refused), in poll 1; then four
        // nobody did: 101 alone in poll 2, then 100 and 99 in poll 3, then 99 again in poll 4 (a later tick at the
        // same price still moves the index's time)
        List<Tick> ticks = List.of(tick(symbol, "100", s0.plusSeconds(1)), tick(symbol, "98", s0),
                tick(symbol, "101", s0.plusSeconds(2)), tick(symbol, "100", s0.plusSeconds(3)),
                tick(symbol, "99", s0.plusSeconds(4)), tick(symbol, "99", s0.plusSeconds(5)));
        long[] polls = {1, 1, 2, 3, 3, 4};
        List<RecentTicks.Received> received = new ArrayList<>();
        for (int i = 0; i < ticks.size(); i++) {
            received.add(new RecentTicks.Received(ticks.get(i), ticks.get(i).sourceTime().plusMillis(20 + i),
                    polls[i]));
        }
        BatchOutcome replayed = oracle.replay(received, tenant::equals, settings.replayConflation()).await()
                .indefinitely();

        assertThat(replayed.ticks()).extracting(o -> o.outcomes().get(0).verdict().accepted() ? "accepted"
                        : o.outcomes().get(0).verdict().reason())
                .containsExactly("out-of-order", "out-of-order", "accepted", "accepted", "accepted", "accepted");
        assertThat(replayed.moves()).as("one move per poll that moved the index (its last level), in order")
                .extracting(m -> m.price().indexPriceUsd.stripTrailingZeros().toPlainString())
                .containsExactly("101", "99", "99");
        assertThat(replayed.moves()).extracting(m -> m.price().createdAt.toInstant())
                .containsExactly(received.get(2).receivedAt(), received.get(4).receivedAt(),
                        received.get(5).receivedAt());
        assertThat(replayed.moves()).extracting(m -> m.index().observedAt())
                .containsExactly(s0.plusSeconds(2), s0.plusSeconds(4), s0.plusSeconds(5));
        assertThat(replayed.moves()).extracting(TenantOutcome::assetId).containsOnly(asset);
        assertThat(replayed.steps()).as("the moves kept per step (polls 1 s apart; poll 1 moved nothing)")
                .extracting(List::size)
                .containsExactly(1, 1, 1);

        // the history has each move's row; the price in force is the last
        List<String> history = new ArrayList<>();
        for (Row r : RowSecurity.query(pool, TenantId.of(tenant), "select index_price_usd from market_price "
                + "where asset_id = $1 order by observed_at", Tuple.of(asset)).await().indefinitely()) {
            history.add(r.getBigDecimal(0).stripTrailingZeros().toPlainString());
        }
        assertThat(history).containsExactly("100", "101", "99", "99");
        List<UUID> ids = new ArrayList<>();
        for (Row r : RowSecurity.query(pool, TenantId.of(tenant), "select id from market_price where asset_id = $1 "
                + "order by observed_at", Tuple.of(asset)).await().indefinitely()) {
            ids.add(r.getUUID(0));
        }
        assertThat(ids).as("time-ordered ids (version 7), so that each row lands at the end of the primary key's index")
                .allSatisfy(id -> assertThat(id.version()).isEqualTo(7)).isSorted();
        Row latest = RowSecurity.query(pool, TenantId.of(tenant), "select index_price_usd, observed_at "
                + "from market_price_latest where asset_id = $1", Tuple.of(asset)).await().indefinitely().iterator()
                .next();
        assertThat(latest.getBigDecimal(0)).isEqualByComparingTo("99");
        assertThat(latest.getOffsetDateTime(1).toInstant()).isEqualTo(s0.plusSeconds(5));

        // replayed again (the next owner's takeover): every tick is refused as applied, nothing moves
        BatchOutcome again = oracle.replay(received, tenant::equals, settings.replayConflation()).await()
                .indefinitely();
        assertThat(again.moves()).isEmpty();
    }

    @Test
    void pollsReceivedWithinTheConflationAreOneStepAtTheirLastLevel() {
        Tenant t = TestTenants.onboard("conflated");
        String symbol = "RC" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        TestTenants.asset(t, symbol);
        UUID tenant = UUID.fromString(t.id());
        Instant s0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(10);
        oracle.applyAll(List.of(tick(symbol, "100", s0)), tenant::equals, s0.plusMillis(10)).await().indefinitely();

        // polls 1-4 received 40 ms apart, then poll 5 received 150 ms after poll 1
        String[] prices = {"101", "102", "99", "98", "97"};
        long[] receivedMs = {0, 40, 80, 120, 150};
        List<RecentTicks.Received> received = new ArrayList<>();
        for (int i = 0; i < prices.length; i++) {
            received.add(new RecentTicks.Received(tick(symbol, prices[i], s0.plusSeconds(1 + i)),
                    s0.plusSeconds(6).plusMillis(receivedMs[i]), i + 1));
        }
        assertThat(settings.replayConflation()).isEqualTo(java.time.Duration.ofMillis(100));

        BatchOutcome conflated = oracle.replay(received, tenant::equals, java.time.Duration.ofMillis(100)).await()
                .indefinitely();
        assertThat(conflated.steps()).as("polls 1-3 (0-80 ms) one step at 99, polls 4-5 (120-150 ms) one at 97")
                .extracting(step -> step.get(0).price().indexPriceUsd.stripTrailingZeros().toPlainString())
                .containsExactly("99", "97");
        assertThat(conflated.moves()).extracting(m -> m.price().createdAt.toInstant())
                .containsExactly(received.get(2).receivedAt(), received.get(4).receivedAt());

        // replayed poll by poll (no conflation) to another tenant: every poll is a step
        Tenant other = TestTenants.onboard("unconflated");
        UUID otherId = UUID.fromString(other.id());
        TestTenants.asset(other, symbol);
        oracle.applyAll(List.of(tick(symbol, "100", s0)), otherId::equals, s0.plusMillis(10)).await().indefinitely();
        BatchOutcome perPoll = oracle.replay(received, otherId::equals, java.time.Duration.ZERO).await()
                .indefinitely();
        assertThat(perPoll.steps()).extracting(step -> step.get(0).price().indexPriceUsd.stripTrailingZeros()
                .toPlainString()).containsExactly("101", "102", "99", "98", "97");
    }

    private static Tick tick(String symbol, String priceUsd, Instant sourceTime) {
        return new Tick("feed", symbol, new BigDecimal(priceUsd), null, sourceTime);
    }
}
