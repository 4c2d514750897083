package io.ballast.margin.engine;

import static io.ballast.margin.Fixtures.BTC_PERP;
import static io.ballast.margin.Fixtures.IN_30_DAYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.measure.HealthStatus;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.measure.PositionLine;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The standard-margin worked examples of docs/margin.md, asserted number by number. */
class StandardMarginTest {

    private static final MarginEngine ENGINE = MarginEngine.DEFAULT;
    private static final double CALL_110K_30D_MARK = 3270.260504709415;
    private static final double PUT_90K_30D_MARK = 2691.568493274528;

    @Test
    void workedExampleLinearPerpWithCollateral() {
        // long 10 BTC-PERP entered at 95,000, index 100,000; collateral 20,000 USDC + 0.5 BTC
        AccountInput account = AccountInput.cross("A", MarginMethod.STANDARD,
                List.of(Position.of(BTC_PERP, 10, 95_000)),
                List.of(CollateralBalance.of("USDC", "20000"), CollateralBalance.of("BTC", "0.5")));
        MarginResult r = ENGINE.compute(account, Fixtures.market(), Fixtures.params());
        PoolMargin pool = r.pool("cross");
        // IMF(10) = 0.02 + 0.00005 * 10 = 0.0205; IM = 10 * 100,000 * 0.0205
        assertThat(pool.initialMarginUsd()).isCloseTo(20_500, within(1e-6));
        // MMF(10) = 0.01 + 0.00005 * 10 = 0.0105; MM = 10 * 100,000 * 0.0105
        assertThat(pool.maintenanceMarginUsd()).isCloseTo(10_500, within(1e-6));
        // uPnL = 10 * (100,000 - 95,000)
        assertThat(pool.unrealizedPnlUsd()).isCloseTo(50_000, within(1e-6));
        // BTC haircut = 0.05 + 0.001 * 0.5 = 0.0505; 0.5 * 100,000 * 0.9495 = 47,475; + 20,000 USDC
        assertThat(pool.breakdown().collateral().get(1).haircut()).isCloseTo(0.0505, within(1e-12));
        assertThat(pool.collateralValueUsd()).isCloseTo(67_475, within(1e-6));
        assertThat(pool.equityUsd()).isCloseTo(117_475, within(1e-6));
        assertThat(pool.freeCollateralUsd()).isCloseTo(96_975, within(1e-6));
        assertThat(pool.marginRatio()).isCloseTo(10_500.0 / 117_475.0, within(1e-12));
        assertThat(pool.status()).isEqualTo(HealthStatus.HEALTHY);
        // liquidation: 20,000 + 0.47475 x + 10 (x - 95,000) = 0.105 x  =>  x = 930,000 / 10.36975
        assertThat(pool.liquidationPrice()).isPresent();
        assertThat(pool.liquidationPrice().get().underlying()).isEqualTo("BTC");
        assertThat(pool.liquidationPrice().get().belowUsd().getAsDouble())
                .isCloseTo(930_000 / 10.36975, within(1e-6));
        assertThat(pool.liquidationPrice().get().aboveUsd()).isEmpty();
    }

    @Test
    void workedExampleShortOptionsFollowTheOtmAdjustedRule() {
        AccountInput account = AccountInput.cross("B", MarginMethod.STANDARD, List.of(
                Position.of(Fixtures.btcCall(110_000, IN_30_DAYS), -2, 0),
                Position.of(Fixtures.btcPut(90_000, IN_30_DAYS), -1, 0),
                Position.of(Fixtures.btcCall(100_000, IN_30_DAYS), -1, 0),
                Position.of(Fixtures.btcCall(110_000, Fixtures.IN_90_DAYS), 1, 0)), List.of());
        List<PositionLine> lines = ENGINE.compute(account, Fixtures.market(), Fixtures.params()).pool("cross")
                .breakdown().positions();
        // short 2 calls K 110,000: OTM 10,000 = 0.10 of S; max(0.15 - 0.10, 0.10) = 0.10
        // IM = 2 * (0.10 * 100,000 + mark); MM = 2 * (0.075 * 100,000 + mark)
        assertThat(lines.get(0).markPriceUsd()).isCloseTo(CALL_110K_30D_MARK, within(1e-8));
        assertThat(lines.get(0).initialUsd()).isCloseTo(2 * (10_000 + CALL_110K_30D_MARK), within(1e-6));
        assertThat(lines.get(0).maintenanceUsd()).isCloseTo(2 * (7_500 + CALL_110K_30D_MARK), within(1e-6));
        // short put K 90,000: OTM 10,000; IM = 10,000 + mark; MM = max(7,500, 0.075 * mark) + mark
        assertThat(lines.get(1).initialUsd()).isCloseTo(10_000 + PUT_90K_30D_MARK, within(1e-6));
        assertThat(lines.get(1).maintenanceUsd()).isCloseTo(7_500 + PUT_90K_30D_MARK, within(1e-6));
        // short ATM call: OTM 0, max(0.15, 0.10) = 0.15: IM = 15,000 + mark
        assertThat(lines.get(2).initialUsd()).isCloseTo(15_000 + lines.get(2).markPriceUsd(), within(1e-6));
        // long call: premium for both
        assertThat(lines.get(3).initialUsd()).isCloseTo(lines.get(3).markPriceUsd(), within(1e-9));
        assertThat(lines.get(3).maintenanceUsd()).isCloseTo(lines.get(3).markPriceUsd(), within(1e-9));
    }

    @Test
    void deepItmShortPutInitialIsAtLeastItsMaintenance() {
        // put K 200,000 is 100,000 ITM: IM formula floor 0.10 * S + mark, MM = max(0.075 S, 0.075 mark) + mark
        var put = Fixtures.btcPut(200_000, IN_30_DAYS);
        PositionLine line = ENGINE.compute(AccountInput.cross("C", MarginMethod.STANDARD,
                List.of(Position.of(put, -1, 0)), List.of()), Fixtures.market(), Fixtures.params())
                .pool("cross").breakdown().positions().get(0);
        assertThat(line.initialUsd()).isGreaterThanOrEqualTo(line.maintenanceUsd());
        // deep ITM the mark (~100,152) makes 0.075 * mark (~7,511) the larger term
        assertThat(0.075 * line.markPriceUsd()).isGreaterThan(7_500);
        assertThat(line.maintenanceUsd()).isCloseTo(1.075 * line.markPriceUsd(), within(1e-6));
    }

    @Test
    void statusThresholdsAreEquityAgainstImAndMm() {
        // long 1 BTC-PERP at the mark: IM = 100,000 * 0.02005 = 2,005, MM = 100,000 * 0.01005 = 1,005
        assertThat(statusWith("2005.01")).isEqualTo(HealthStatus.HEALTHY);
        assertThat(statusWith("2004.99")).isEqualTo(HealthStatus.MARGIN_CALL);
        assertThat(statusWith("1005.01")).isEqualTo(HealthStatus.MARGIN_CALL);
        assertThat(statusWith("1004.99")).isEqualTo(HealthStatus.LIQUIDATABLE);
    }

    private static HealthStatus statusWith(String usdc) {
        return ENGINE.compute(AccountInput.cross("D", MarginMethod.STANDARD,
                List.of(Position.of(BTC_PERP, 1, 100_000)), List.of(CollateralBalance.of("USDC", usdc))),
                Fixtures.market(), Fixtures.params()).status();
    }
}
