package io.ballast.risk.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.param.CollateralParameters;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.PerpetualFuture;
import io.ballast.margin.product.Position;
import io.ballast.risk.service.MarginInputs;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Liquidation plans of a standard-margin account, hand-computed: long 1 BTC-PERP entered at 60,000 (MM 5 %) and long
 * 5 ETH-PERP entered at 2,000 (MM 10 %), BTC now 52,000, ETH 2,000. MM = 2,600 + 1,000 = 3,600; BTC contributes
 * most, so it is reduced first; buffer 10 %.
 */
class LiquidationPlannerTest {

    private static MarginInputs.Built account(String usdt) {
        RiskParameterSet params = RiskParameterSet.of(MarginInputs.PRICE_STEPS, MarginInputs.IM_MULTIPLIER,
                MarginInputs.CROSS_UNDERLYING_CORRELATION, MarginInputs.MIN_ANNUAL_VOL,
                Map.of("BTC", MarketRiskParameters.defaults().toBuilder().imf(0.1, 0).mmf(0.05, 0).build(),
                        "ETH", MarketRiskParameters.defaults().toBuilder().imf(0.2, 0).mmf(0.1, 0).build()),
                Map.of("USDT", CollateralParameters.of(0, 0)));
        AccountInput a = AccountInput.cross("a", MarginMethod.STANDARD, List.of(
                Position.of(new PerpetualFuture("ETH-PERP", "ETH"), 5, 2000),
                Position.of(new PerpetualFuture("BTC-PERP", "BTC"), 1, 60000)),
                List.of(CollateralBalance.of("USDT", new BigDecimal(usdt))));
        MarketSnapshot m = MarketSnapshot.of(Instant.parse("2026-12-01T00:00:00Z"),
                Map.of("BTC", 52000.0, "ETH", 2000.0, "USDT", 1.0), Map.of());
        return new MarginInputs.Built(a, m, params, List.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps(Map<String, Object> plan) {
        return (List<Map<String, Object>>) plan.get("steps");
    }

    @Test
    void reducesTheLargestContributorOnlyAsFarAsNeeded() {
        MarginInputs.Built b = account("10000");
        MarginResult r = MarginEngine.DEFAULT.computeRequirements(b.account(), b.market(), b.params());
        // equity 10,000 - 8,000 = 2,000 < MM 3,600
        assertThat(r.maintenanceMarginUsd()).isCloseTo(3600, within(1e-9));
        Map<String, Object> plan = LiquidationPlanner.plan(b, r, 0.1, null);
        assertThat(plan.get("sufficient")).isEqualTo(true);
        assertThat(steps(plan)).hasSize(1);
        assertThat(steps(plan).get(0).get("instrument")).isEqualTo("BTC-PERP");
        // 2,600 q + 1,000 <= 2,000 / 1.1  ->  q <= 0.314685...; reduce 0.685315 BTC
        double keep = (2000 / 1.1 - 1000) / 2600;
        assertThat(Double.parseDouble((String) steps(plan).get(0).get("reduceContracts")))
                .isCloseTo(-(1 - keep), within(1e-5));
        assertThat((double) plan.get("maintenanceAfterUsd") * 1.1).isLessThanOrEqualTo(2000.0);
    }

    @Test
    void closesTheLargestContributorAndThenReducesTheNext() {
        MarginInputs.Built b = account("9000");
        MarginResult r = MarginEngine.DEFAULT.computeRequirements(b.account(), b.market(), b.params());
        // equity 1,000: closing BTC leaves MM 1,000 (1,100 with the buffer) > 1,000; then ETH: 200 q <= 909.09
        Map<String, Object> plan = LiquidationPlanner.plan(b, r, 0.1, null);
        assertThat(plan.get("sufficient")).isEqualTo(true);
        assertThat(steps(plan)).extracting(s -> s.get("instrument")).containsExactly("BTC-PERP", "ETH-PERP");
        assertThat((double) steps(plan).get(0).get("fraction")).isEqualTo(1.0);
        assertThat(Double.parseDouble((String) steps(plan).get(1).get("reduceContracts")))
                .isCloseTo(-(5 - 1000 / 1.1 / 200), within(1e-4));
    }
}
