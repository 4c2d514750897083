package io.ballast.predictive.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiquidationSimulatorTest {

    private static List<ReplayBar> path(double[][] hlc) {
        return path(hlc, Instant.parse("2020-03-12T00:00:00Z"), 3600);
    }

    private static List<ReplayBar> dailyPath(double[][] hlc) {
        return path(hlc, Instant.parse("2020-03-09T00:00:00Z"), 86_400);
    }

    private static List<ReplayBar> path(double[][] hlc, Instant start, long stepSeconds) {
        List<ReplayBar> bars = new ArrayList<>();
        Instant t = start;
        for (double[] b : hlc) {
            bars.add(new ReplayBar(t, b[0], b[1], b[2]));
            t = t.plusSeconds(stepSeconds);
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
    void slippageFollowsTheSquareRootLawOfTheBarsVolatilityAndLiquidatedNotional() {
        // hourly bar 110 / 100, 1 M USD traded in the hour (24 M a day): Parkinson sigma at a daily rate
        // ln(1.1) / sqrt(4 ln 2) * sqrt(24) = 0.2804156; 6 M USD liquidated: 0.002 + 1 * 0.2804156 * sqrt(6 / 24)
        LiquidationModel m = LiquidationModel.defaults(2.0);
        ReplayBar bar = new ReplayBar(Instant.parse("2020-03-12T10:00:00Z"), 110, 100, 105, 1e6);
        assertThat(m.slippage(bar, 1, 6e6)).isCloseTo(0.14220780419970158, within(1e-12));
        // the same bar as a daily bar: the volume is a day's and the range a day's
        assertThat(m.slippage(bar, 24, 6e6)).isCloseTo(0.002 + 0.2804156083994 / Math.sqrt(24) * Math.sqrt(6),
            within(1e-9));
        // grows with the liquidated notional and the range, capped at 50 %
        assertThat(m.slippage(bar, 1, 24e6)).isGreaterThan(m.slippage(bar, 1, 6e6));
        assertThat(m.slippage(new ReplayBar(bar.time(), 130, 100, 105, 1e6), 1, 6e6))
            .isGreaterThan(m.slippage(bar, 1, 6e6));
        assertThat(m.slippage(bar, 1, 1e12)).isEqualTo(0.5);
        // without volume: the v1 rule on the liquidated notional
        assertThat(m.slippage(new ReplayBar(bar.time(), 110, 100, 105), 1, 4e6))
            .isCloseTo(0.002 + 0.005 * 2, within(1e-15));
    }

    @Test
    void accountsLiquidatedInTheSameBarShareItsImpactAndPositionsCanBeHeldFixed() {
        // two identical 10x longs of 1000 USD at 100 (openingImf 0.05 allows 20x): both triggered at bar 2 (low 92),
        // executed at bar 3's close 90 with 2 x 100 x 90 = 18,000 USD liquidated in that bar; volume 80,000 USD per
        // hour, range 91/89: slippage 0.002 + ln(91/89) / sqrt(4 ln 2) * sqrt(24) * sqrt(18,000 / 1,920,000)
        List<ReplayBar> bars = List.of(
            new ReplayBar(Instant.parse("2020-03-12T00:00:00Z"), 100, 100, 100, 8e4),
            new ReplayBar(Instant.parse("2020-03-12T01:00:00Z"), 100, 97, 98, 8e4),
            new ReplayBar(Instant.parse("2020-03-12T02:00:00Z"), 98, 92, 93, 8e4),
            new ReplayBar(Instant.parse("2020-03-12T03:00:00Z"), 91, 89, 90, 8e4));
        List<SyntheticAccount> two = List.of(new SyntheticAccount(0, true, 10, 1000),
            new SyntheticAccount(1, true, 10, 1000));
        LiquidationModel m = LiquidationModel.defaults(2.0);
        ReplayResult r = LiquidationSimulator.run(bars, t -> 0.025, two, m, 1, 0.05);
        double s = 0.002 + Math.log(91.0 / 89) / Math.sqrt(4 * Math.log(2)) * Math.sqrt(24) * Math.sqrt(1.8e4 / 1.92e6);
        double debtEach = -(1000 + 100 * (90 * (1 - s) - 100));
        assertThat(r.liquidated()).isEqualTo(2);
        assertThat(r.badDebtUsd()).isCloseTo(2 * debtEach, within(1e-9));
        assertThat(r.openInterestUsd()).isCloseTo(20_000, within(1e-9));
        assertThat(r.badDebtPerOpenInterest()).isCloseTo(2 * debtEach / 20_000, within(1e-12));
        // one account alone pays less slippage (half the liquidated notional)
        ReplayResult alone = LiquidationSimulator.run(bars, t -> 0.025, two.subList(0, 1), m, 1, 0.05);
        assertThat(alone.badDebtUsd()).isLessThan(debtEach);
        // positions held fixed: a policy with a higher opening MMF (0.2, IMF 0.4: 2.5x) would size the book smaller
        // on its own; with the opening IMF given, the open interest is the same
        assertThat(LiquidationSimulator.run(bars, t -> 0.2, two, m, 1, 0.05).openInterestUsd())
            .isCloseTo(20_000, within(1e-9));
        assertThat(LiquidationSimulator.run(bars, t -> 0.2, two, m, 1).openInterestUsd())
            .isCloseTo(5_000, within(1e-9));
    }

    @Test
    void seedsCombineIntoAMeanWithAStudentTInterval() {
        // 0.01, 0.02, 0.03: mean 0.02, sd 0.01, t(0.975, 2) = 4.3026527 (scipy): 0.02 +- 0.0248414, low floored at 0
        List<ReplayResult> seeds = List.of(
            new ReplayResult(10, 3, 30, 2, 1, 3000, 0.01, new double[] {0.01, 0.01}, 1),
            new ReplayResult(10, 4, 40, 2, 1, 2000, 0.02, new double[] {0.02, 0.02}, 1),
            new ReplayResult(10, 5, 90, 2, 1, 3000, 0.03, new double[] {0.03, 0.03}, 1));
        ReplayResult r = ReplayResult.overSeeds(seeds);
        assertThat(r.seeds()).isEqualTo(3);
        assertThat(r.badDebtPerOpenInterest()).isCloseTo(0.02, within(1e-15));
        assertThat(r.badDebtPerOpenInterestCi95()[0]).isZero();
        assertThat(r.badDebtPerOpenInterestCi95()[1]).isCloseTo(0.0448413771175033, within(1e-9));
        assertThat(r.openInterestUsd()).isCloseTo(8000.0 / 3, within(1e-9));
        // the counts and USD figures are the first seed's
        assertThat(r.liquidated()).isEqualTo(3);
        assertThat(r.badDebtUsd()).isEqualTo(30.0);
    }

    /**
     * A short on daily bars, leverage from the policy's own opening IMF (MMF 0.05 x 2 = 0.1: 10x allowed, 10x
     * wanted): 1000 USD at 100, so -100 units, open interest 10,000 USD. Bar 1 high 103: equity 700 below IM
     * 0.1 x 10,300 = 1,030 (margin call) but above MM 515. Bar 2 high 106: equity 400 below MM 530: triggered,
     * warned one bar (24 hours) before. With a 24-hour delay (one daily bar), executed at bar 3's close 110 plus 1 %
     * slippage = 111.1: equity 1000 - 100 x 11.1 = -110, bad debt 110, 0.011 of open interest.
     */
    @Test
    void handCheckedShortOnDailyBarsIsLiquidatedAtTheNextCloseAboveItWithWarningInHours() {
        List<ReplayBar> bars = dailyPath(new double[][] {{100, 100, 100}, {103, 100, 102}, {106, 101, 105},
            {112, 104, 110}});
        SyntheticAccount shortOne = new SyntheticAccount(0, false, 10, 1000);
        ReplayResult r = LiquidationSimulator.run(bars, t -> 0.05, List.of(shortOne),
            new LiquidationModel(24, 0.01, 0.0, 2.0), 24);
        assertThat(r.accounts()).isEqualTo(1);
        assertThat(r.liquidated()).isEqualTo(1);
        assertThat(r.badDebtUsd()).isCloseTo(110.0, within(1e-9));
        assertThat(r.warnedHoursAheadMedian()).isEqualTo(24.0);
        assertThat(r.barHours()).isEqualTo(24);
        assertThat(r.openInterestUsd()).isCloseTo(10_000, within(1e-9));
        assertThat(r.badDebtPerOpenInterest()).isCloseTo(0.011, within(1e-12));
        assertThat(r.badDebtPerOpenInterestCi95()).containsExactly(r.badDebtPerOpenInterest(),
            r.badDebtPerOpenInterest());
        assertThat(r.seeds()).isEqualTo(1);
        // triggered on the last bar: executed at that bar's close 105 (+1 %: 106.05), equity 395, no bad debt
        ReplayResult last = LiquidationSimulator.run(bars.subList(0, 3), t -> 0.05, List.of(shortOne),
            new LiquidationModel(24, 0.01, 0.0, 2.0), 24);
        assertThat(last.liquidated()).isEqualTo(1);
        assertThat(last.badDebtUsd()).isZero();
    }

    /**
     * 10x long of 1000 USD at 100 (opening IMF 0.1 given): 100 units. MMF 1/16: at a low of 96, equity 600 equals
     * maintenance 0.0625 x 9,600 = 600 exactly, which is not below it: no liquidation; a low of 95.99 is.
     */
    @Test
    void anAccountExactlyAtMaintenanceIsNotLiquidated() {
        SyntheticAccount longOne = new SyntheticAccount(0, true, 10, 1000);
        LiquidationModel m = new LiquidationModel(1, 0.0, 0.0, 2.0);
        ReplayResult at = LiquidationSimulator.run(path(new double[][] {{100, 100, 100}, {100, 96, 97}}),
            t -> 0.0625, List.of(longOne), m, 1, 0.1);
        assertThat(at.liquidated()).isZero();
        ReplayResult below = LiquidationSimulator.run(path(new double[][] {{100, 100, 100}, {100, 95.99, 97}}),
            t -> 0.0625, List.of(longOne), m, 1, 0.1);
        assertThat(below.liquidated()).isEqualTo(1);
    }

    @Test
    void anEmptyPopulationHasNoOpenInterestAndNoBadDebtPerUnitOfIt() {
        ReplayResult r = LiquidationSimulator.run(path(new double[][] {{100, 100, 100}, {100, 50, 60}}), t -> 0.1,
            List.of(), LiquidationModel.defaults(2.0), 1);
        assertThat(r.accounts()).isZero();
        assertThat(r.openInterestUsd()).isZero();
        assertThat(r.badDebtPerOpenInterest()).isZero();
        assertThat(r.warnedHoursAheadMedian()).isNaN();
    }

    @Test
    void invalidPathsMarginsAndOpeningMarginsAreRefused() {
        List<SyntheticAccount> one = List.of(new SyntheticAccount(0, true, 5, 1000));
        LiquidationModel m = LiquidationModel.defaults(2.0);
        List<ReplayBar> two = path(new double[][] {{100, 100, 100}, {100, 99, 99}});
        assertThatThrownBy(() -> LiquidationSimulator.run(two.subList(0, 1), t -> 0.1, one, m, 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("need at least 2 bars");
        assertThatThrownBy(() -> LiquidationSimulator.run(two, t -> 0.0, one, m, 1))
            .hasMessage("MMF at 2020-03-12T00:00:00Z is 0.0");
        assertThatThrownBy(() -> LiquidationSimulator.run(two, t -> Double.NaN, one, m, 1))
            .hasMessageEndingWith("is NaN");
        assertThatThrownBy(() -> LiquidationSimulator.run(two, t -> Double.POSITIVE_INFINITY, one, m, 1))
            .hasMessageEndingWith("is Infinity");
        assertThatThrownBy(() -> LiquidationSimulator.run(two, t -> 0.1, one, m, 1, 0.0))
            .hasMessage("opening IMF must be > 0: 0.0");
    }

    /**
     * 0.10, 0.11 and 0.12 of open interest over three seeds: mean 0.11, sd 0.01, t(0.975, 2) = 4.3026527 (scipy):
     * half-width 4.3026527 x 0.01 / sqrt(3) = 0.0248414, an interval that stays above 0; one seed gives [x, x].
     */
    @Test
    void theSeedsIntervalIsNotFlooredWhenItStaysPositiveAndOneSeedIsItsOwnInterval() {
        List<ReplayResult> seeds = List.of(
            new ReplayResult(10, 1, 5, 2, 24, 1000, 0.10, new double[] {0.10, 0.10}, 1),
            new ReplayResult(10, 2, 6, 3, 24, 1000, 0.11, new double[] {0.11, 0.11}, 1),
            new ReplayResult(10, 3, 7, 4, 24, 1000, 0.12, new double[] {0.12, 0.12}, 1));
        ReplayResult r = ReplayResult.overSeeds(seeds);
        assertThat(r.badDebtPerOpenInterest()).isCloseTo(0.11, within(1e-15));
        assertThat(r.badDebtPerOpenInterestCi95()[0]).isCloseTo(0.11 - 0.0248413771175033, within(1e-9));
        assertThat(r.badDebtPerOpenInterestCi95()[1]).isCloseTo(0.11 + 0.0248413771175033, within(1e-9));
        assertThat(r.accounts()).isEqualTo(10);
        assertThat(r.warnedHoursAheadMedian()).isEqualTo(2.0);
        assertThat(r.barHours()).isEqualTo(24);
        ReplayResult one = ReplayResult.overSeeds(seeds.subList(1, 2));
        assertThat(one.seeds()).isEqualTo(1);
        assertThat(one.badDebtPerOpenInterestCi95()).containsExactly(0.11, 0.11);
        assertThat(one.openInterestUsd()).isEqualTo(1000.0);
    }

    @Test
    void aReplayResultKeepsItsIntervalAndAOneSeedUsdResultHasNoOpenInterest() {
        double[] ci = {0.1, 0.2};
        ReplayResult r = new ReplayResult(10, 1, 5, 2, 1, 1000, 0.15, ci, 3);
        ci[0] = 9;
        r.badDebtPerOpenInterestCi95()[1] = 9;
        assertThat(r.badDebtPerOpenInterestCi95()).containsExactly(0.1, 0.2);
        ReplayResult usd = new ReplayResult(10, 1, 5, 2, 1);
        assertThat(usd.openInterestUsd()).isNaN();
        assertThat(usd.badDebtPerOpenInterest()).isNaN();
        assertThat(usd.badDebtPerOpenInterestCi95()[0]).isNaN();
        assertThat(usd.badDebtPerOpenInterestCi95()[1]).isNaN();
        assertThat(usd.seeds()).isEqualTo(1);
    }

    @Test
    void populationIsReproducibleFromItsSeed() {
        assertThat(AccountPopulation.generate(7, 500)).isEqualTo(AccountPopulation.generate(7, 500));
        assertThat(AccountPopulation.generate(7, 500)).isNotEqualTo(AccountPopulation.generate(8, 500));
        long longs = AccountPopulation.generate(7, 10_000).stream().filter(SyntheticAccount::isLong).count();
        assertThat(longs).isBetween(5800L, 6200L);
    }
}
