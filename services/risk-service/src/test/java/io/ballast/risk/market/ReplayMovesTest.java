package io.ballast.risk.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.market.OracleService.TenantOutcome;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How a takeover's replay groups its moves ({@link PriceFeedConsumer#byStepAndTenant}): per step, one move of each
 * tenant's book holding every asset the step moved for it, as the live batch moves it.
 */
class ReplayMovesTest {

    private static final OffsetDateTime T0 = OffsetDateTime.of(2026, 12, 6, 9, 0, 0, 0, ZoneOffset.UTC);
    private final UUID btc = UUID.randomUUID();
    private final UUID eth = UUID.randomUUID();
    private final TenantId a = new TenantId(UUID.randomUUID());
    private final TenantId b = new TenantId(UUID.randomUUID());

    @Test
    void aPollsMovesAreOneMovePerTenantHoldingEachOfItsAssets() {
        List<List<List<TenantOutcome>>> polls = PriceFeedConsumer.byStepAndTenant(List.of(
                List.of(move(a, btc, 0), move(b, btc, 0), move(a, eth, 0)),
                List.of(move(a, btc, 1)),
                List.of(move(b, eth, 2), move(b, btc, 2))));
        assertThat(polls).extracting(this::describe).containsExactly(
                List.of("A: BTC+ETH", "B: BTC"),
                List.of("A: BTC"),
                List.of("B: ETH+BTC"));
    }

    @Test
    void stepsReceivedAtTheSameInstantStayApart() {
        // the steps are the replay's own (OracleService.replay), not inferred from the price rows' receipt
        List<List<List<TenantOutcome>>> polls = PriceFeedConsumer.byStepAndTenant(List.of(
                List.of(move(a, btc, 0), move(a, eth, 0)), List.of(move(a, eth, 0))));
        assertThat(polls).extracting(this::describe).containsExactly(List.of("A: BTC+ETH"), List.of("A: ETH"));
    }

    private List<String> describe(List<List<TenantOutcome>> poll) {
        return poll.stream().map(ms -> (ms.get(0).tenant().equals(a) ? "A" : "B") + ": "
                + String.join("+", ms.stream().map(TenantOutcome::underlying).toList())).toList();
    }

    private TenantOutcome move(TenantId tenant, UUID asset, int poll) {
        io.ballast.risk.domain.MarketPrice price = new io.ballast.risk.domain.MarketPrice();
        price.createdAt = T0.plusNanos(poll * 5_000_000L);
        return new TenantOutcome(tenant, asset.equals(btc) ? "BTC" : "ETH", asset, null, null, price);
    }
}
