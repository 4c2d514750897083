package io.ballast.predictive.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiquidationSimulatorTest {

    private static List<ReplayBar> path(double[][] hlc) {
        List<ReplayBar> bars = new ArrayList<>();
        Instant t = Instant.parse("2020-03-12T00:00:00Z");
        for (double[] b : hlc) {
            bars.add(new ReplayBar(t, b[0], b[1], b[2]));
            t = t.plusSeconds(3600);
        }
        return bars;
    }

    /**
     * One long, equity 1000, leverage 10 (allowed: IMF 0.05 caps at 20x), entry 100 so 100 units. MMF 0.025.
     * Bar 3 low 94: equity 400 < IM 0.05 * 9400 = 470 -> margin call; above MM 235.
     * Bar 4 low 92: equity 200 < MM 0.025 * 9200 = 230 -> liquidation triggered, warned 1 hour before.
     * Executed one bar later at bar 5's close 90 minus 1 % slippage = 89.1: equity 1000 + 100 * (89.1 - 100) = -90.
     */
    @Test
    void handCheckedLongIsLiquidatedOneBarLateWithSlippageAndBadDebt() {
        List<ReplayBar> bars = path(new double[][] {
            {100, 100, 100}, {100, 99, 99.5}, {99.5, 95, 96}, {96, 94, 94.5}, {94.5, 92, 93}, {93, 89, 90},
            {91, 90, 91}});
        SyntheticAccount longOne = new SyntheticAccount(0, true, 10, 1000);
        LiquidationModel model = new LiquidationModel(1, 0.01, 0.0, 2.0);
        ReplayResult r = LiquidationSimulator.run(bars, t -> 0.025, List.of(longOne), model, 1);
        assertThat(r.liquidated()).isEqualTo(1);
        assertThat(r.badDebtUsd()).isCloseTo(90.0, within(1e-9));
        assertThat(r.warnedHoursAheadMedian()).isEqualTo(1.0);
    }

    @Test
    void shortInAFallingMarketAndCappedLeverageSurvive() {
        List<ReplayBar> bars = path(new double[][] {{100, 100, 100}, {100, 80, 81}, {81, 79, 80}});
        SyntheticAccount shortOne = new SyntheticAccount(0, false, 40, 1000);
        // a long that wants 40x but IMF 0.5 caps it at 2x: a 21 % fall leaves equity 580 of notional 1580 > MM 158
        SyntheticAccount cappedLong = new SyntheticAccount(1, true, 40, 1000);
        ReplayResult r = LiquidationSimulator.run(bars, t -> 0.1, List.of(shortOne, cappedLong),
            new LiquidationModel(1, 0.0, 0.0, 5.0), 1);
        assertThat(r.liquidated()).isZero();
        assertThat(r.badDebtUsd()).isZero();
        assertThat(r.warnedHoursAheadMedian()).isNaN();
    }

    @Test
    void liquidationWithoutDelayClosesAtTheWorstPriceAndLeavesNoBadDebtWhenEquityRemains() {
        List<ReplayBar> bars = path(new double[][] {{100, 100, 100}, {100, 95, 99}});
        // 5x long of 1000 equity: 50 units; low 95: equity 750 < MM 0.2 * 4750 = 950 -> closed at 95: equity 750
        ReplayResult r = LiquidationSimulator.run(bars, t -> 0.2, List.of(new SyntheticAccount(0, true, 5, 1000)),
            new LiquidationModel(0, 0.0, 0.0, 1.0), 1);
        assertThat(r.liquidated()).isEqualTo(1);
        assertThat(r.badDebtUsd()).isZero();
        assertThat(r.warnedHoursAheadMedian()).isZero();
    }

    @Test
    void populationIsReproducibleFromItsSeed() {
        assertThat(AccountPopulation.generate(7, 500)).isEqualTo(AccountPopulation.generate(7, 500));
        assertThat(AccountPopulation.generate(7, 500)).isNotEqualTo(AccountPopulation.generate(8, 500));
        long longs = AccountPopulation.generate(7, 10_000).stream().filter(SyntheticAccount::isLong).count();
        assertThat(longs).isBetween(5800L, 6200L);
    }
}
