package io.ballast.risk.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.market.OracleService.TenantOutcome;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Conflation of a tenant's waiting index moves (one slot per asset; a newer price replaces an older one). */
class PendingMovesTest {

    private static final UUID BTC = UUID.randomUUID();
    private static final UUID ETH = UUID.randomUUID();
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private static PendingMoves.Move move(UUID asset, String price, int secondsAfter) {
        MarketPrice p = new MarketPrice();
        p.assetId = asset;
        p.indexPriceUsd = new BigDecimal(price);
        p.observedAt = OffsetDateTime.ofInstant(T0.plusSeconds(secondsAfter), ZoneOffset.UTC);
        TenantOutcome o = new TenantOutcome(null, asset == BTC ? "BTC" : "ETH", asset, null, null, p);
        return new PendingMoves.Move(o, T0.plusSeconds(secondsAfter), T0.plusSeconds(secondsAfter));
    }

    private static String price(PendingMoves.Move m) {
        return m.outcome().price().indexPriceUsd.toPlainString();
    }

    @Test
    void theFirstOfferStartsAnEvaluationAndLaterOnesWaitForIt() {
        PendingMoves pending = new PendingMoves();
        assertThat(pending.offer(move(BTC, "100", 1))).isTrue();
        assertThat(pending.offer(move(ETH, "10", 1))).isFalse();
        List<PendingMoves.Move> taken = pending.take();
        assertThat(taken).extracting(PendingMovesTest::price).containsExactly("100", "10");
        // still running until a take finds nothing: an offer now must not start a second evaluation
        assertThat(pending.offer(move(BTC, "101", 2))).isFalse();
        assertThat(pending.take()).extracting(PendingMovesTest::price).containsExactly("101");
        assertThat(pending.take()).isNull();
        // the evaluation ended: the next offer starts one again
        assertThat(pending.offer(move(BTC, "102", 3))).isTrue();
    }

    @Test
    void aNewerMoveOfTheSameAssetReplacesTheWaitingOneAndCountsIt() {
        PendingMoves pending = new PendingMoves();
        pending.offer(move(BTC, "100", 1));
        pending.take(); // an evaluation is running
        pending.offer(move(BTC, "101", 2));
        pending.offer(move(ETH, "10", 2));
        pending.offer(move(BTC, "102", 3));
        pending.offer(move(BTC, "103", 4));
        List<PendingMoves.Move> taken = pending.take();
        assertThat(taken).extracting(PendingMovesTest::price).containsExactly("103", "10");
        assertThat(taken.get(0).superseded()).isEqualTo(2);
        assertThat(taken.get(0).tickSourceTime()).isEqualTo(T0.plusSeconds(4));
        assertThat(taken.get(1).superseded()).isZero();
    }

    @Test
    void anOlderPriceDoesNotReplaceANewerWaitingOne() {
        PendingMoves pending = new PendingMoves();
        pending.offer(move(BTC, "100", 1));
        pending.take();
        pending.offer(move(BTC, "105", 5));
        pending.offer(move(BTC, "103", 3)); // a replay's older tick
        List<PendingMoves.Move> taken = pending.take();
        assertThat(taken).extracting(PendingMovesTest::price).containsExactly("105");
        assertThat(taken.get(0).superseded()).isEqualTo(1);
        assertThat(taken.get(0).tickSourceTime()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void aMoveWithTheSamePriceTimeReplacesTheWaitingOne() {
        PendingMoves pending = new PendingMoves();
        pending.offer(move(BTC, "100", 1));
        pending.take();
        pending.offer(move(BTC, "101", 2));
        pending.offer(move(BTC, "102", 2));
        assertThat(pending.take()).extracting(PendingMovesTest::price).containsExactly("102");
    }
}
