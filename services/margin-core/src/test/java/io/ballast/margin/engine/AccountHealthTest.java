package io.ballast.margin.engine;

import static io.ballast.margin.Fixtures.BTC_PERP;
import static io.ballast.margin.Fixtures.ETH_PERP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.measure.HealthStatus;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.measure.WhatIfResult;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.HypotheticalChange;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.MarginPool;
import io.ballast.margin.product.Position;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountHealthTest {

    private static final MarginEngine ENGINE = MarginEngine.DEFAULT;

    @Test
    void isolatedPoolIsNotRescuedByCrossCollateral() {
        // cross: 100,000 USDC with long 10 ETH-PERP; isolated: long 3 BTC-PERP bought at 110,000 with 40,000 USDC
        MarginPool cross = MarginPool.cross(List.of(Position.of(ETH_PERP, 10, 4_000)),
                List.of(CollateralBalance.of("USDC", "100000")));
        MarginPool iso = MarginPool.isolated("iso-btc", List.of(Position.of(BTC_PERP, 3, 110_000)),
                List.of(CollateralBalance.of("USDC", "40000")));
        MarginResult split = ENGINE.compute(new AccountInput("H", MarginMethod.PORTFOLIO, List.of(cross, iso)),
                Fixtures.market(), Fixtures.params());
        // isolated: equity 40,000 - 30,000 = 10,000 < MM 3 * 15,750 + 1,500 = 48,750
        PoolMargin isoMargin = split.pool("iso-btc");
        assertThat(isoMargin.equityUsd()).isCloseTo(10_000, within(1e-6));
        assertThat(isoMargin.maintenanceMarginUsd()).isCloseTo(48_750, within(1e-6));
        assertThat(isoMargin.status()).isEqualTo(HealthStatus.LIQUIDATABLE);
        assertThat(split.pool("cross").status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(split.status()).isEqualTo(HealthStatus.LIQUIDATABLE);
        assertThat(split.freeCollateralUsd()).isEqualTo(split.pool("cross").freeCollateralUsd());
        // the same positions and collateral in one cross pool are healthy
        MarginPool all = MarginPool.cross(List.of(Position.of(ETH_PERP, 10, 4_000), Position.of(BTC_PERP, 3, 110_000)),
                List.of(CollateralBalance.of("USDC", "140000")));
        MarginResult pooled = ENGINE.compute(new AccountInput("H", MarginMethod.PORTFOLIO, List.of(all)),
                Fixtures.market(), Fixtures.params());
        // pooled: equity 140,000 - 30,000 = 110,000; MM = 47,250 + 6,300 + 1,500 + 200 = 55,250; IM = 71,825
        assertThat(pooled.maintenanceMarginUsd()).isCloseTo(55_250, within(1e-6));
        assertThat(pooled.initialMarginUsd()).isCloseTo(71_825, within(1e-6));
        assertThat(pooled.status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(split.pool("cross").maintenanceMarginUsd()).isCloseTo(6_500, within(1e-6));
        assertThat(pooled.equityUsd()).isCloseTo(split.equityUsd(), within(1e-6));
    }

    @Test
    void liquidationPriceIsWhereEquityMeetsMaintenance() {
        AccountInput account = AccountInput.cross("L", MarginMethod.PORTFOLIO,
                List.of(Position.of(BTC_PERP, -2, 100_000), Position.of(ETH_PERP, 1, 4_000)),
                List.of(CollateralBalance.of("USDC", "60000")));
        PoolMargin pool = ENGINE.compute(account, Fixtures.market(), Fixtures.params()).pool("cross");
        assertThat(pool.status()).isEqualTo(HealthStatus.HEALTHY);
        double above = pool.liquidationPrice().orElseThrow().aboveUsd().orElseThrow();
        assertThat(above).isGreaterThan(100_000);
        PoolMargin at = ENGINE.compute(account, Fixtures.market().withPrice("BTC", above * 1.000001),
                Fixtures.params()).pool("cross");
        PoolMargin justBefore = ENGINE.compute(account, Fixtures.market().withPrice("BTC", above * 0.999999),
                Fixtures.params()).pool("cross");
        assertThat(at.status()).isEqualTo(HealthStatus.LIQUIDATABLE);
        assertThat(justBefore.status()).isNotEqualTo(HealthStatus.LIQUIDATABLE);
    }

    @Test
    void aPortfolioWithOptionsOnTwoUnderlyingsHasItsLiquidationPricesWhereEquityMeetsMaintenance() {
        // the search re-prices only the dominant underlying's instruments at each trial price and keeps the others'
        // arrays: the prices it finds must be where a fresh computation at that price crosses maintenance
        var ethCall = io.ballast.margin.product.EuropeanOption.of("ETH", Fixtures.IN_30_DAYS, 4_200,
                io.ballast.margin.product.OptionType.CALL);
        var ethPut = io.ballast.margin.product.EuropeanOption.of("ETH", Fixtures.IN_30_DAYS, 3_800,
                io.ballast.margin.product.OptionType.PUT);
        AccountInput account = AccountInput.cross("O", MarginMethod.PORTFOLIO,
                List.of(Position.of(BTC_PERP, 0.5, 100_000), Position.of(Fixtures.btcPut(95_000, Fixtures.IN_30_DAYS),
                        -2, 2_000), Position.of(Fixtures.btcCall(110_000, Fixtures.IN_30_DAYS), -2, 1_500),
                        Position.of(ETH_PERP, -3, 4_000), Position.of(ethCall, -4, 150), Position.of(ethPut, 5, 120)),
                List.of(CollateralBalance.of("USDC", "110000")));
        PoolMargin pool = ENGINE.compute(account, Fixtures.market(), Fixtures.params()).pool("cross");
        assertThat(pool.status()).isEqualTo(HealthStatus.HEALTHY);
        var lp = pool.liquidationPrice().orElseThrow();
        assertThat(lp.underlying()).isEqualTo("BTC");
        double below = lp.belowUsd().orElseThrow();
        double above = lp.aboveUsd().orElseThrow();
        assertThat(below).isLessThan(100_000);
        assertThat(above).isGreaterThan(100_000);
        for (double[] side : new double[][] {{below, 0.999999, 1.000001}, {above, 1.000001, 0.999999}}) {
            PoolMargin past = ENGINE.computeRequirements(account, Fixtures.market().withPrice("BTC",
                    side[0] * side[1]), Fixtures.params()).pool("cross");
            PoolMargin before = ENGINE.computeRequirements(account, Fixtures.market().withPrice("BTC",
                    side[0] * side[2]), Fixtures.params()).pool("cross");
            PoolMargin at = ENGINE.computeRequirements(account, Fixtures.market().withPrice("BTC", side[0]),
                    Fixtures.params()).pool("cross");
            assertThat(past.status()).isEqualTo(HealthStatus.LIQUIDATABLE);
            assertThat(before.status()).isNotEqualTo(HealthStatus.LIQUIDATABLE);
            assertThat(at.equityUsd() - at.maintenanceMarginUsd()).isCloseTo(0.0, within(1e-6));
        }
    }

    @Test
    void noLiquidationPriceWithoutADominantUnderlying() {
        AccountInput account = AccountInput.cross("N", MarginMethod.STANDARD,
                List.of(Position.of(BTC_PERP, 1, 100_000), Position.of(ETH_PERP, 25, 4_000),
                        Position.of(io.ballast.margin.product.PerpetualFuture.of("SOL"), 0, 0)),
                List.of(CollateralBalance.of("USDC", "60000")));
        var params = Fixtures.params().withMarket("SOL", Fixtures.params().market("BTC"));
        PoolMargin pool = ENGINE.compute(account, Fixtures.market().withPrice("SOL", 150), params).pool("cross");
        // BTC 100,000 and ETH 100,000 of gross notional: neither has more than half
        assertThat(pool.liquidationPrice()).isEmpty();
    }

    @Test
    void whatIfHedgeReducesRiskAndChangesNothing() {
        AccountInput account = AccountInput.cross("W", MarginMethod.PORTFOLIO,
                List.of(Position.of(BTC_PERP, 2, 100_000)), List.of(CollateralBalance.of("USDC", "35000")));
        MarginResult now = ENGINE.compute(account, Fixtures.market(), Fixtures.params());
        assertThat(now.status()).isEqualTo(HealthStatus.MARGIN_CALL); // 35,000 < IM 42,250, >= MM 32,500

        WhatIfResult hedge = ENGINE.whatIf(account, new HypotheticalChange.Trade("cross", BTC_PERP, -1, 100_000),
                Fixtures.market(), Fixtures.params());
        assertThat(hedge.reducesRisk()).isTrue();
        assertThat(hedge.acceptable()).isTrue();
        assertThat(hedge.before()).isEqualTo(now);
        assertThat(hedge.after().maintenanceMarginUsd()).isCloseTo(16_250, within(1e-6));
        assertThat(hedge.after().initialMarginUsd()).isCloseTo(21_125, within(1e-6));
        assertThat(hedge.after().status()).isEqualTo(HealthStatus.HEALTHY);

        WhatIfResult more = ENGINE.whatIf(account, new HypotheticalChange.Trade("cross", BTC_PERP, 1, 100_000),
                Fixtures.market(), Fixtures.params());
        assertThat(more.reducesRisk()).isFalse();
        assertThat(more.acceptable()).isFalse();

        WhatIfResult withdraw = ENGINE.whatIf(account,
                new HypotheticalChange.Transfer("cross", "USDC", new BigDecimal("-5000")), Fixtures.market(),
                Fixtures.params());
        assertThat(withdraw.after().equityUsd()).isCloseTo(30_000, within(1e-9));
        assertThat(withdraw.after().status()).isEqualTo(HealthStatus.LIQUIDATABLE);
        assertThat(withdraw.acceptable()).isFalse();

        WhatIfResult deposit = ENGINE.whatIf(account,
                new HypotheticalChange.Transfer("cross", "USDC", new BigDecimal("10000")), Fixtures.market(),
                Fixtures.params());
        assertThat(deposit.after().status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(deposit.acceptable()).isTrue();
        assertThat(deposit.reducesRisk()).isFalse();

        assertThat(ENGINE.compute(account, Fixtures.market(), Fixtures.params())).isEqualTo(now);
    }
}
