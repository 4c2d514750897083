package io.ballast.margin.engine;

import static io.ballast.margin.Fixtures.BTC_PERP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.HypotheticalChange;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.MarginPool;
import io.ballast.margin.product.Position;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The most collateral a pool can give up: equity after = initial margin, haircuts counted. */
class MaxTransferOutTest {

    private static final MarginEngine ENGINE = MarginEngine.DEFAULT;

    private static AccountInput account(MarginPool... pools) {
        return new AccountInput("W", MarginMethod.STANDARD, List.of(pools));
    }

    private static PoolMargin after(AccountInput a, String pool, String asset, double units) {
        AccountInput changed = ENGINE.apply(a, new HypotheticalChange.Transfer(pool, asset,
                BigDecimal.valueOf(-units)));
        return ENGINE.computeRequirements(changed, Fixtures.market(), Fixtures.params()).pool(pool);
    }

    @Test
    void aStablecoinCanLeaveDownToTheInitialMargin() {
        // long 1 BTC-PERP at the index 100,000: IM = 100,000 x (0.02 + 0.00005) = 2,005; 10,000 USDC (no haircut)
        AccountInput a = account(MarginPool.cross(List.of(Position.of(BTC_PERP, 1, 100_000)),
                List.of(CollateralBalance.of("USDC", "10000"))));
        double max = ENGINE.maxTransferOut(a, "cross", "USDC", Fixtures.market(), Fixtures.params());
        assertThat(max).isCloseTo(7_995, within(1e-9));
        assertThat(after(a, "cross", "USDC", max).equityUsd()).isCloseTo(2_005, within(1e-9));
        assertThat(after(a, "cross", "USDC", max + 0.01).freeCollateralUsd()).isNegative();
    }

    @Test
    void aHaircutAssetCountsAtItsHaircutValueWithASizeSlope() {
        // 1,000 USDC and 0.05 BTC (haircut 5 % + 0.1 % per BTC: 0.05005, value 4,749.75): equity 5,749.75, IM 2,005,
        // free 3,744.75. USDC can all go; of BTC a value of 1,005 must stay: y * 100,000 * (0.95 - 0.001 y) = 1,005,
        // y = 0.0201 / (0.95 + sqrt(0.9025 - 0.0000402)) = 0.0105790..., so 0.0394209... BTC can go
        AccountInput a = account(MarginPool.cross(List.of(Position.of(BTC_PERP, 1, 100_000)),
                List.of(CollateralBalance.of("USDC", "1000"), CollateralBalance.of("BTC", "0.05"))));
        assertThat(ENGINE.maxTransferOut(a, "cross", "USDC", Fixtures.market(), Fixtures.params())).isEqualTo(1_000);
        double max = ENGINE.maxTransferOut(a, "cross", "BTC", Fixtures.market(), Fixtures.params());
        double keep = 0.0201 / (0.95 + Math.sqrt(0.95 * 0.95 - 4 * 0.001 * 0.01005));
        assertThat(max).isCloseTo(0.05 - keep, within(1e-12));
        PoolMargin p = after(a, "cross", "BTC", max);
        assertThat(p.equityUsd()).isCloseTo(p.initialMarginUsd(), within(1e-7));
        assertThat(after(a, "cross", "BTC", max + 1e-6).freeCollateralUsd()).isNegative();
    }

    @Test
    void aPoolWithoutPositionsGivesUpEverythingAndOneBelowInitialMarginNothing() {
        MarginPool empty = MarginPool.isolated("iso-eth", List.of(), List.of(CollateralBalance.of("USDC", "250")));
        // 1,500 USDC against IM 2,005: MARGIN_CALL, nothing can leave
        MarginPool thin = MarginPool.cross(List.of(Position.of(BTC_PERP, 1, 100_000)),
                List.of(CollateralBalance.of("USDC", "1500")));
        AccountInput a = account(thin, empty);
        assertThat(ENGINE.maxTransferOut(a, "iso-eth", "USDC", Fixtures.market(), Fixtures.params())).isEqualTo(250);
        assertThat(ENGINE.maxTransferOut(a, "cross", "USDC", Fixtures.market(), Fixtures.params())).isZero();
        assertThat(ENGINE.maxTransferOut(a, "cross", "BTC", Fixtures.market(), Fixtures.params())).isZero();
    }
}
