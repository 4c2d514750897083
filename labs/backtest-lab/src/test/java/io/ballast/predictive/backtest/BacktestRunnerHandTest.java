package io.ballast.predictive.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.api.ForecastSeries;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.HourlyBar;
import io.ballast.predictive.ChampionSchedule;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.RegimeSettings;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The backtest on a price path built so that every margin, exception and frontier point can be worked out by hand:
 * daily log returns alternate +-3 % in 2019 and +-2.5 % from 2020 on, with one +15 % jump on 2020-06-01 and the row
 * of 2020-08-10 missing; the forecasts are constant (EWMA sigma 0.9 %, champion 1.2 %) except an implausibly low
 * champion (0.2 %) on 2020-01-01 and 2020-07-01. K = z(99.5 %) * 1.26 = 2.5758293 * 1.26.
 */
class BacktestRunnerHandTest {

    private static final double K = 2.5758293 * 1.26;
    private static final LocalDate OOS = LocalDate.of(2020, 1, 1);
    private static final LocalDate JUMP = LocalDate.of(2020, 6, 1);
    private static final LocalDate MISSING = LocalDate.of(2020, 8, 10);
    private static final LocalDate LOW_CHAMPION = LocalDate.of(2020, 7, 1);
    /** Two larger moves in the calibration year (+6 %, +5 %): the 1 % allowance (3 of 358) passes over them. */
    private static final Map<LocalDate, Double> JUMPS_2019 = Map.of(LocalDate.of(2019, 5, 1), 0.06,
        LocalDate.of(2019, 9, 1), 0.05);
    private static final LocalDate HIGH_CHAMPION = LocalDate.of(2020, 12, 20);

    static List<DailyBar> bars(LocalDate last) {
        List<DailyBar> out = new ArrayList<>();
        double close = 100;
        int i = 0;
        for (LocalDate d = LocalDate.of(2019, 1, 1); !d.isAfter(last); d = d.plusDays(1), i++) {
            double a = d.isBefore(OOS) ? 0.03 : 0.025;
            double r = d.equals(JUMP) ? 0.15 : JUMPS_2019.getOrDefault(d, i % 2 == 0 ? a : -a);
            double open = close;
            close = open * Math.exp(r);
            if (!d.equals(MISSING)) {
                out.add(new DailyBar(d, open, Math.max(open, close) * 1.001, Math.min(open, close) * 0.999, close, 10));
            }
        }
        return out;
    }

    /** Constant forecasts from each bar on or after oosStart: EWMA sigma 0.009, champion 0.012 (0.002 on two days). */
    static ForecastSource forecasts(List<DailyBar> bars) {
        return forecasts(bars, null);
    }

    /** The same with a champion of sigma 0.05 (5.6x EWMA's, above the 4x sanity bound) on {@code high}. */
    static ForecastSource forecasts(List<DailyBar> bars, LocalDate high) {
        return (model, h, oos) -> {
            List<DailyBar> from = bars.stream().filter(b -> !b.date().isBefore(oos)).toList();
            LocalDate[] dates = from.stream().map(DailyBar::date).toArray(LocalDate[]::new);
            double[] v = new double[dates.length];
            for (int k = 0; k < v.length; k++) {
                boolean low = dates[k].equals(OOS) || dates[k].equals(LOW_CHAMPION);
                double sigma = model.equals("EWMA") ? 0.009 : low ? 0.002 : dates[k].equals(high) ? 0.05 : 0.012;
                v[k] = sigma * sigma * h;
            }
            return new ForecastSeries("HAND", model.equals("EWMA") ? "EWMA" : "CONST", h, dates, v);
        };
    }

    /** Flat hourly bars at each day's close over the 2020-03-12 replay window (2020-03-05 .. 2020-03-15). */
    static List<HourlyBar> hourly(List<DailyBar> bars) {
        return hourly(bars, Integer.MAX_VALUE);
    }

    /** The first {@code limit} of those hourly bars. */
    static List<HourlyBar> hourly(List<DailyBar> bars, int limit) {
        List<HourlyBar> out = new ArrayList<>();
        for (DailyBar b : bars) {
            if (!b.date().isBefore(LocalDate.of(2020, 3, 5)) && !b.date().isAfter(LocalDate.of(2020, 3, 15))) {
                for (int hr = 0; hr < 24 && out.size() < limit; hr++) {
                    out.add(new HourlyBar(b.date().atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600L * hr),
                        b.close(), b.close(), b.close(), b.close(), 1));
                }
            }
        }
        return out;
    }

    /** Default guardrails without floor and without the regime features, so the daily cap's path is hand-countable. */
    static BacktestConfig config(LocalDate oos) {
        BacktestConfig d = BacktestConfig.defaults();
        return new BacktestConfig(0.99, oos, Double.NaN, d.mapping(),
            GuardrailSettings.defaults().withFloorMode(GuardrailSettings.FloorMode.NONE)
                .withRegime(RegimeSettings.off()), 7, 200, d.liquidation(),
            new double[] {0.8, 1.0, 1.2});
    }

    private static int indexOf(PolicyResult p, LocalDate d) {
        return java.util.Arrays.asList(p.dates()).indexOf(d);
    }

    @Test
    void everyPolicyMarginExceptionAndFrontierPointMatchesTheHandCount() {
        List<DailyBar> bars = bars(LocalDate.of(2020, 12, 31));
        List<String> progress = new ArrayList<>();
        BacktestResult r = new BacktestRunner("HAND", bars, hourly(bars), forecasts(bars), "champion", config(OOS),
            progress::add).run();
        // static: the 4th largest of the 358 moves of 2019-01-08 .. 2019-12-31 (3 allowed at 1 %): an up move e^0.03 - 1
        assertThat(r.staticMmf()).isCloseTo(Math.exp(0.03) - 1, within(1e-12));
        assertThat(r.oosStart()).isEqualTo(OOS);
        assertThat(r.championModel()).isEqualTo("CONST");
        // 366 days of 2020 less the missing row, less 2020-08-09 (its next row is missing) and 2020-12-31 (no next)
        PolicyResult st = r.policies().get("static");
        assertThat(st.dates()).hasSize(363);
        assertThat(st.dates()[0]).isEqualTo(OOS);
        assertThat(List.of(st.dates())).doesNotContain(LocalDate.of(2020, 8, 9), MISSING, LocalDate.of(2020, 12, 31))
            .contains(LocalDate.of(2020, 8, 11), LocalDate.of(2020, 12, 30));
        int beforeJump = indexOf(st, JUMP.minusDays(1));
        assertThat(st.absMove()[beforeJump]).isCloseTo(Math.exp(0.15) - 1, within(1e-12));
        // every policy misses the jump; only that day for static and ewma
        for (String p : BacktestRunner.POLICIES) {
            assertThat(r.policies().get(p).exception()[beforeJump]).as(p).isTrue();
        }
        assertThat(st.coverage().exceptions()).isEqualTo(1);
        assertThat(st.avgMargin()).isCloseTo(Math.exp(0.03) - 1, within(1e-12));

        PolicyResult ewma = r.policies().get("ewma");
        assertThat(ewma.coverage().exceptions()).isEqualTo(1);
        assertThat(ewma.avgMargin()).isCloseTo(K * 0.009, within(1e-6));
        assertThat(ewma.medianMargin()).isCloseTo(K * 0.009, within(1e-6));
        // static-equivalent with one exception: the second largest move, an up move of e^0.025 - 1
        assertThat(ewma.staticEquivalent()).isCloseTo(Math.exp(0.025) - 1, within(1e-12));

        // predictive takes the low champion as it is: exceptions on 2020-01-01 and 2020-07-01 too
        PolicyResult pred = r.policies().get("predictive");
        assertThat(pred.margin()[0]).isCloseTo(K * 0.002, within(1e-7));
        assertThat(pred.margin()[1]).isCloseTo(K * 0.012, within(1e-7));
        assertThat(pred.coverage().exceptions()).isEqualTo(3);
        assertThat(pred.exception()[indexOf(pred, LOW_CHAMPION)]).isTrue();
        assertThat(pred.fallbackDays()).isZero();

        // guarded: EWMA instead of the low champion; +14.87 % a day from K 0.009 to K 0.012; on 2020-07-01 the
        // fallback is smoothed down (0.3 * 0.009 + 0.7 * 0.012 = 0.0111, within the -10 % cap)
        PolicyResult g = r.policies().get("guarded");
        double up = Math.pow(2, 0.2);
        assertThat(g.margin()[0]).isCloseTo(K * 0.009, within(1e-7));
        assertThat(g.margin()[1]).isCloseTo(K * 0.009 * up, within(1e-7));
        assertThat(g.margin()[2]).isCloseTo(K * 0.009 * up * up, within(1e-7));
        assertThat(g.margin()[3]).isCloseTo(K * 0.012, within(1e-7));
        assertThat(g.margin()[indexOf(g, LOW_CHAMPION)]).isCloseTo(K * 0.0111, within(1e-7));
        assertThat(g.margin()[indexOf(g, LOW_CHAMPION) + 1]).isCloseTo(K * 0.012, within(1e-7));
        assertThat(g.coverage().exceptions()).isEqualTo(1);
        assertThat(g.fallbackDays()).isEqualTo(2);
        // proposals: the first day (nothing live), the two capped rises, the fallback day
        assertThat(g.proposalDays()).isEqualTo(4);
        assertThat(g.clippedDays()).isZero();
        assertThat(g.maxIncrease1d()).isCloseTo(up, within(1e-9));

        // frontier: at 0.8 every move of +-2.5 % beats static and ewma (0.8 * 0.03045 = 0.0244 < 0.0247);
        // predictive and guarded add their low days to the jump
        assertThat(r.frontier().get("static")).extracting(BacktestResult.FrontierPoint::exceptions)
            .containsExactly(363, 1, 1);
        assertThat(r.frontier().get("static").get(0).avgMargin()).isCloseTo(0.8 * (Math.exp(0.03) - 1),
            within(1e-12));
        assertThat(r.frontier().get("ewma")).extracting(BacktestResult.FrontierPoint::exceptions)
            .containsExactly(363, 1, 1);
        assertThat(r.frontier().get("predictive")).extracting(BacktestResult.FrontierPoint::exceptions)
            .containsExactly(3, 3, 3);
        assertThat(r.frontier().get("guarded")).extracting(BacktestResult.FrontierPoint::exceptions)
            .containsExactly(2, 1, 1);
        assertThat(r.frontier().get("guarded")).extracting(BacktestResult.FrontierPoint::days)
            .containsOnly(363);

        // the only event inside 2020 is replayed on the hourly bars; flat prices liquidate nobody
        assertThat(r.events()).containsExactly(Map.entry(CrashEvent.STANDARD.get(0), 1));
        assertThat(g.crashes()).containsOnlyKeys("2020-03-12");
        assertThat(g.crashes().get("2020-03-12").barHours()).isEqualTo(1);
        assertThat(g.crashes().get("2020-03-12").liquidated()).isZero();
        assertThat(progress).contains("HAND: champion forecasts h=1 from 2020-01-01",
            "HAND: champion is CONST; EWMA forecasts h=1", "HAND: 363 days 2020-01-01 .. 2020-12-30, static MMF 0.0305",
            "HAND: policy static", "HAND: policy guarded", "HAND: event 2021-05-19 outside the margined days, skipped",
            "HAND:   replay guarded 2020-03-12 (hourly bars, 20 seeds): seed 7 0 liquidated, bad debt 0 USD; bad debt / "
                + "open interest 0.000e+00 [0.000e+00, 0.000e+00]");
        assertThat(g.crashes().get("2020-03-12").seeds()).isEqualTo(20);
        // option book: every margined day whose 2-day MPOR end exists (not 2020-08-08, whose end is missing, nor
        // 2020-12-30, whose end is after the data)
        for (String p : BacktestRunner.POLICIES) {
            assertThat(r.policies().get(p).optionBook().coverage().days()).as(p).isEqualTo(361);
        }
    }

    @Test
    void withTooFewHourlyBarsTheReplayUsesDailyBarsAndAHighChampionIsClipped() {
        List<DailyBar> bars = bars(LocalDate.of(2020, 12, 31));
        List<String> progress = new ArrayList<>();
        // 250 of the window's 264 hours: below the 95 % (250.8) needed for an hourly replay
        BacktestResult r = new BacktestRunner("HAND", bars, hourly(bars, 250), forecasts(bars, HIGH_CHAMPION),
            "champion", config(OOS), progress::add).run();
        assertThat(r.events()).containsExactly(Map.entry(CrashEvent.STANDARD.get(0), 24));
        assertThat(r.policies().get("static").crashes().get("2020-03-12").accounts()).isEqualTo(200);
        assertThat(progress).anyMatch(l -> l.startsWith("HAND:   replay static 2020-03-12 (daily bars, 20 seeds): "));
        // the champion's 0.05 is clipped to 4 x 0.009 = 0.036, then the daily cap: K 0.012 * 2^(1/5)
        PolicyResult g = r.policies().get("guarded");
        assertThat(g.clippedDays()).isEqualTo(1);
        assertThat(g.margin()[indexOf(g, HIGH_CHAMPION)]).isCloseTo(K * 0.012 * Math.pow(2, 0.2), within(1e-7));
        assertThat(r.policies().get("predictive").margin()[indexOf(g, HIGH_CHAMPION)]).isCloseTo(K * 0.05,
            within(1e-7));
        // 251 hours are enough
        BacktestResult enough = new BacktestRunner("HAND", bars, hourly(bars, 251), forecasts(bars), "champion",
            config(OOS), l -> { }).run();
        assertThat(enough.events()).containsExactly(Map.entry(CrashEvent.STANDARD.get(0), 1));
    }

    @Test
    void tooShortHistoriesAreClearErrors() {
        List<DailyBar> bars = bars(LocalDate.of(2020, 12, 31));
        // 2019-04-17 leaves 99 calibration moves (2019-01-08 .. 2019-04-16): one short of 100
        LocalDate early = LocalDate.of(2019, 4, 17);
        assertThatThrownBy(() -> new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "champion",
            config(early), l -> { }).run()).hasMessageContaining("only 99 days before 2019-04-17");
        // 2020-06-30 as the last bar leaves 181 margined days from 2020-01-01: below 250
        List<DailyBar> half = bars(LocalDate.of(2020, 6, 30));
        assertThatThrownBy(() -> new BacktestRunner("HAND", half, List.of(), forecasts(half), "champion",
            config(OOS), l -> { }).run()).hasMessageContaining("only 181 backtest days");
        assertThatThrownBy(() -> new BacktestRunner("HAND", bars.subList(0, 399), List.of(), forecasts(bars),
            "champion", config(OOS), l -> { })).hasMessageContaining("at least 400 daily bars, got 399");
        assertThat(new BacktestRunner("HAND", bars.subList(0, 400), List.of(), forecasts(bars), "champion",
            config(OOS), l -> { })).isNotNull();
    }

    @Test
    void exactlyAHundredCalibrationMovesAndExactly250DaysAreEnough() {
        List<DailyBar> bars = bars(LocalDate.of(2020, 12, 31));
        // 2019-04-18: 100 calibration moves of +-3 %; the 1 % allowance is one move: the 2nd largest, an up move
        BacktestResult r = new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "champion",
            config(LocalDate.of(2019, 4, 18)), l -> { }).run();
        assertThat(r.staticMmf()).isCloseTo(Math.exp(0.03) - 1, within(1e-12));
        // bars to 2020-09-09: 252 rows from 2020-01-01, less the last and 2020-08-09: 250 margined days
        List<DailyBar> short250 = bars(LocalDate.of(2020, 9, 9));
        BacktestResult s = new BacktestRunner("HAND", short250, List.of(), forecasts(short250), "champion",
            config(OOS), l -> { }).run();
        assertThat(s.policies().get("static").dates()).hasSize(250);
    }
    @Test
    void theWeeklyChampionSummaryCountsWeeksAndNamesEveryChange() {
        ChampionSchedule.Week har = week(LocalDate.of(2020, 1, 4), "HAR");
        ChampionSchedule.Week garch = week(LocalDate.of(2020, 1, 11), "GARCH");
        ChampionSchedule.Week back = week(LocalDate.of(2020, 1, 18), "HAR");
        assertThat(BacktestRunner.championSummary(List.of(har, garch, back))).isEqualTo("3 weekly champion "
            + "decisions: {HAR=2, GARCH=1}; 2 changes: 2020-01-11 HAR -> GARCH, 2020-01-18 GARCH -> HAR");
        assertThat(BacktestRunner.championSummary(List.of(har, week(LocalDate.of(2020, 1, 11), "HAR"))))
            .isEqualTo("2 weekly champion decisions: {HAR=2}; 0 changes");
        assertThat(BacktestRunner.championSummary(List.of())).isEqualTo("0 weekly champion decisions: {}; 0 changes");
    }

    private static ChampionSchedule.Week week(LocalDate saturday, String champion) {
        return new ChampionSchedule.Week(saturday, saturday, champion, "test", 0.5, Map.of(champion, 0.4), Map.of());
    }
}
