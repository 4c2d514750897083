package io.ballast.predictive.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The liquidation delay is a time, not a number of bars: on daily bars a one-hour delay executes within the trigger
 * bar, at its worst price. Counted in bars it executed at the next day's close, 24-48 hours late, and on LTC's
 * 2020-03-12 replay the guarded policy, whose MMF was above static's on every day, ended with more bad debt.
 */
class DailyBarLiquidationTest {

    /** LTC/USDT daily bars 2020-03-05 .. 2020-03-15 (high, low, close, base volume) of ../shared/data/market. */
    private static final double[][] LTC_2020_03 = {
        {63.29, 60.33, 62.06, 556909.07976}, {63.84, 61.18, 63.22, 469519.29565},
        {63.89, 59.86, 60.46, 444270.53508}, {60.47, 50.41, 51.00, 945026.27128},
        {52.27, 46.57, 50.39, 1426145.50164}, {51.39, 48.86, 50.26, 727732.90911},
        {50.74, 45.47, 48.53, 799984.95798}, {48.76, 28.65, 29.83, 2239777.98028},
        {39.92, 24.00, 37.52, 3435572.20926}, {37.65, 33.80, 34.40, 1181175.59196},
        {38.73, 34.04, 36.38, 1040322.30282}};

    /**
     * The guarded policy's MMF in force on each day of that window (`--model HAR --window all`, crypto preset, the
     * replay's progress line), and static's 0.1543; the opening IMF 0.3965 is the highest of the four policies' on
     * 2020-03-05 (2 x the guarded 0.1983), so every account is capped at 2.522x.
     */
    private static final double[] GUARDED = {0.1983, 0.1856, 0.1734, 0.1682, 0.1933, 0.2143, 0.2008, 0.2162, 0.3662,
        0.5000, 0.4500};
    private static final double STATIC = 0.1543;
    private static final double OPENING_IMF = 0.3965;

    private static List<ReplayBar> ltc() {
        List<ReplayBar> bars = new ArrayList<>();
        Instant t = Instant.parse("2020-03-05T00:00:00Z");
        for (double[] b : LTC_2020_03) {
            bars.add(new ReplayBar(t, b[0], b[1], b[2], b[3] * b[2]));
            t = t.plusSeconds(86_400);
        }
        return bars;
    }

    private static double guardedAt(Instant t) {
        return GUARDED[(int) (LocalDate.ofInstant(t, ZoneOffset.UTC).toEpochDay()
            - LocalDate.parse("2020-03-05").toEpochDay())];
    }

    private static List<ReplayBar> daily(double[][] hlc) {
        List<ReplayBar> bars = new ArrayList<>();
        Instant t = Instant.parse("2020-03-09T00:00:00Z");
        for (double[] b : hlc) {
            bars.add(new ReplayBar(t, b[0], b[1], b[2]));
            t = t.plusSeconds(86_400);
        }
        return bars;
    }

    @Test
    void theDelayCountsWholeBarsOfItsHours() {
        assertThat(LiquidationModel.defaults(2.0).delayHours()).isEqualTo(1);
        assertThat(LiquidationModel.defaults(2.0).delayBars(1)).isEqualTo(1);
        assertThat(LiquidationModel.defaults(2.0).delayBars(24)).isZero();
        assertThat(new LiquidationModel(24, 0, 0, 2.0).delayBars(24)).isEqualTo(1);
        assertThat(new LiquidationModel(47, 0, 0, 2.0).delayBars(24)).isEqualTo(1);
        assertThat(new LiquidationModel(48, 0, 0, 2.0).delayBars(24)).isEqualTo(2);
        assertThat(new LiquidationModel(0, 0, 0, 2.0).delayBars(1)).isZero();
        assertThatThrownBy(() -> LiquidationModel.defaults(2.0).delayBars(0))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("barHours must be >= 1, got 0");
        assertThatThrownBy(() -> new LiquidationModel(-1, 0, 0, 2.0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid liquidation model -1, ");
    }

    /**
     * A 10x long of 1000 USD at 100 (opening IMF 0.1): 100 units, MMF 0.05. Day 1 low 85: equity -500, below
     * maintenance: triggered. With a one-hour delay it executes within that day at its low 85 less 1 % = 84.15:
     * equity 1000 + 100 x (84.15 - 100) = -585, bad debt 585. With a 24-hour delay it executes at day 2's close 99
     * less 1 % = 98.01: equity 801, no bad debt (the rebound the one-hour engine never waits for).
     */
    @Test
    void aOneHourDelayOnDailyBarsExecutesWithinTheTriggerDayAtItsWorstPrice() {
        List<ReplayBar> bars = daily(new double[][] {{100, 100, 100}, {101, 85, 95}, {100, 94, 99}});
        SyntheticAccount longOne = new SyntheticAccount(0, true, 10, 1000);
        ReplayResult hour = LiquidationSimulator.run(bars, t -> 0.05, List.of(longOne),
            new LiquidationModel(1, 0.01, 0.0, 2.0), 24, 0.1);
        assertThat(hour.liquidated()).isEqualTo(1);
        assertThat(hour.badDebtUsd()).isCloseTo(585.0, within(1e-9));
        assertThat(hour.badDebtPerOpenInterest()).isCloseTo(0.0585, within(1e-12));
        ReplayResult day = LiquidationSimulator.run(bars, t -> 0.05, List.of(longOne),
            new LiquidationModel(24, 0.01, 0.0, 2.0), 24, 0.1);
        assertThat(day.liquidated()).isEqualTo(1);
        assertThat(day.badDebtUsd()).isZero();
        // on hourly bars one hour is still one bar: executed at the next bar's close
        ReplayResult hourly = LiquidationSimulator.run(
            List.of(new ReplayBar(Instant.parse("2020-03-12T00:00:00Z"), 100, 100, 100),
                new ReplayBar(Instant.parse("2020-03-12T01:00:00Z"), 101, 85, 95),
                new ReplayBar(Instant.parse("2020-03-12T02:00:00Z"), 100, 94, 99)),
            t -> 0.05, List.of(longOne), new LiquidationModel(1, 0.01, 0.0, 2.0), 1, 0.1);
        assertThat(hourly.badDebtUsd()).isZero();
    }

    /**
     * LTC 2020-03-12 with the default model (one-hour delay, square-root-law slippage), seed 42, 2,000 accounts:
     * the guarded MMF is above static's on every day, so its accounts are liquidated no later and at no lower a
     * price, and its bad debt per unit of open interest must not exceed static's. With the delay counted in bars,
     * 1,024 capped longs triggered on 03-11 (low 45.47) executed at 03-12's close 29.83, below their bankruptcy
     * price 37.45 (guarded 9.2e-2 of open interest), while static's triggered on 03-12 and executed at 03-13's
     * rebound close 37.52 (2.8e-2, slippage only).
     */
    @Test
    void onLtcsCovidCrashAMaintenanceAboveStaticOnEveryDayHasNoMoreBadDebt() {
        List<ReplayBar> bars = ltc();
        for (ReplayBar b : bars) {
            assertThat(guardedAt(b.time())).isGreaterThan(STATIC);
        }
        List<SyntheticAccount> population = AccountPopulation.generate(42, 2000);
        LiquidationModel model = LiquidationModel.defaults(2.0);
        ReplayResult guarded = LiquidationSimulator.run(bars, DailyBarLiquidationTest::guardedAt, population, model,
            24, OPENING_IMF);
        ReplayResult stat = LiquidationSimulator.run(bars, t -> STATIC, population, model, 24, OPENING_IMF);
        assertThat(guarded.openInterestUsd()).isEqualTo(stat.openInterestUsd());
        assertThat(stat.badDebtPerOpenInterest()).isGreaterThan(0.05);
        assertThat(guarded.badDebtPerOpenInterest()).isLessThan(0.01);
        assertThat(guarded.badDebtPerOpenInterest()).isLessThan(stat.badDebtPerOpenInterest() / 10);
    }

    /**
     * Executing within the trigger bar makes bad debt non-increasing in the MMF (a higher MMF triggers on the same or
     * an earlier day, whose worst price is no lower): flat MMF 0.10 .. 0.30 on the LTC path, one book (opening IMF
     * 0.6, 1.67x at most), fixed slippage so that only the execution price moves.
     */
    @Test
    void onDailyBarsBadDebtNeverRisesWithTheMaintenanceFraction() {
        List<ReplayBar> bars = ltc();
        List<SyntheticAccount> population = AccountPopulation.generate(7, 500);
        LiquidationModel model = new LiquidationModel(1, 0.05, 0.0, 2.0);
        double previous = Double.POSITIVE_INFINITY;
        Map<Double, Double> seen = new java.util.TreeMap<>();
        for (double m = 0.10; m <= 0.30 + 1e-9; m += 0.02) {
            double mmf = m;
            double badDebt = LiquidationSimulator.run(bars, t -> mmf, population, model, 24, 0.6).badDebtUsd();
            seen.put(m, badDebt);
            assertThat(badDebt).as("bad debt at MMF %s after %s", m, seen).isLessThanOrEqualTo(previous);
            previous = badDebt;
        }
        assertThat(seen.get(0.10)).isGreaterThan(0);
    }
}
