package io.ballast.predictive.backtest;

import static io.ballast.predictive.backtest.BacktestRunnerHandTest.bars;
import static io.ballast.predictive.backtest.BacktestRunnerHandTest.config;
import static io.ballast.predictive.backtest.BacktestRunnerHandTest.forecasts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.HourlyBar;
import io.ballast.ml.model.Models;
import io.ballast.predictive.ChampionSchedule;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.ParameterMapper;
import io.ballast.predictive.Preset;
import io.ballast.predictive.RecommendedParameters;
import io.ballast.predictive.RegimeSettings;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The backtest's less travelled paths on the hand-built price path of {@link BacktestRunnerHandTest} (daily log returns
 * +-3 % in 2019, +-2.5 % from 2020 with a +15 % jump on 2020-06-01, the row of 2020-08-10 missing; EWMA sigma 0.9 %,
 * champion 1.2 %): the measured window, the option book, the regime's exception trigger, the
 * intraday re-margining from hourly bars, and the champion re-decided on the service's weekly schedule.
 */
class BacktestRunnerPathsTest {

    private static final double K = 2.5758293 * 1.26;
    private static final LocalDate OOS = LocalDate.of(2020, 1, 1);
    /** The trailing 30-day realized volatility of +-2.5 % days, annualised with 365 days: the option book's IV. */
    private static final double IV_2020 = 0.025 * Math.sqrt(365);

    private static int indexOf(PolicyResult p, LocalDate d) {
        return Arrays.asList(p.dates()).indexOf(d);
    }

    /** The highest margin any policy set at the close of 2020-03-04 (the replay's opening bar) times IMF / MMF. */
    private static double openingImf(BacktestResult r, LiquidationModel model) {
        double opening = 0;
        for (String p : BacktestRunner.POLICIES) {
            PolicyResult x = r.policies().get(p);
            opening = Math.max(opening, x.margin()[indexOf(x, LocalDate.of(2020, 3, 4))] * model.imMultiplier());
        }
        return opening;
    }

    /** The replay of the populations of seeds 7 .. 26 (200 accounts each), combined as the backtest reports it. */
    private static ReplayResult overSeeds(List<ReplayBar> path, java.util.function.ToDoubleFunction<java.time.Instant>
        mmfAt, LiquidationModel model, int barHours, double opening) {
        List<ReplayResult> seeds = new ArrayList<>();
        for (int seed = 7; seed < 27; seed++) {
            seeds.add(LiquidationSimulator.run(path, mmfAt, AccountPopulation.generate(seed, 200), model, barHours,
                opening));
        }
        return ReplayResult.overSeeds(seeds);
    }

    /** The runner's replay is the one rebuilt, liquidating someone with bad debt. */
    private static void assertSameReplay(ReplayResult replay, ReplayResult expected) {
        assertThat(expected.liquidated()).isPositive();
        assertThat(expected.badDebtUsd()).isPositive();
        assertThat(replay.liquidated()).isEqualTo(expected.liquidated());
        assertThat(replay.badDebtUsd()).isEqualTo(expected.badDebtUsd());
        assertThat(replay.openInterestUsd()).isEqualTo(expected.openInterestUsd());
        assertThat(replay.badDebtPerOpenInterest()).isEqualTo(expected.badDebtPerOpenInterest());
        assertThat(replay.badDebtPerOpenInterestCi95()).containsExactly(expected.badDebtPerOpenInterestCi95());
    }

    @Test
    void aFixedModelIgnoresTheWeeklyScheduleAndTheChampionNeedsOneForThePerpMpor() {
        List<DailyBar> bars = bars(LocalDate.of(2020, 12, 31));
        ChampionSchedule twoDays = new ChampionSchedule("HAND", bars, 2, List.of("EWMA", "HAR"), Models::byName,
            l -> { });
        assertThat(new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "HAR", config(OOS), l -> { },
            twoDays)).isNotNull();
        assertThatThrownBy(() -> new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "champion",
            config(OOS), l -> { }, twoDays))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("the champion schedule's horizon 2 is not the perp MPOR 1");
    }

    /**
     * Only the days of the evaluation window are measured, but the margins are those of the run from the out-of-sample
     * start (the guardrail state is carried through the days before): 2020-03-01 .. 2020-11-30 is 275 days less
     * 2020-08-09 (no MPOR end) and the missing 2020-08-10.
     */
    @Test
    void theEvaluationWindowMeasuresItsDaysOnTheMarginsOfTheWholeRun() {
        List<DailyBar> bars = bars(LocalDate.of(2020, 12, 31));
        LocalDate from = LocalDate.of(2020, 3, 1);
        LocalDate to = LocalDate.of(2020, 11, 30);
        BacktestResult all = new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "champion", config(OOS),
            l -> { }).run();
        BacktestResult window = new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "champion",
            config(OOS).withWindow(from, to), l -> { }).run();
        PolicyResult g = window.policies().get("guarded");
        assertThat(g.dates()).hasSize(273);
        assertThat(g.dates()[0]).isEqualTo(from);
        assertThat(g.dates()[g.dates().length - 1]).isEqualTo(to);
        PolicyResult whole = all.policies().get("guarded");
        for (int k = 0; k < g.dates().length; k++) {
            assertThat(g.margin()[k]).as("%s", g.dates()[k]).isEqualTo(whole.margin()[indexOf(whole, g.dates()[k])]);
        }
    }

    /**
     * The option book of the static and EWMA policies on the days whose 30-day IV window holds only +-2.5 % days (most
     * of 2020, so the median): static's scan range is the 2-day calibration quantile, e^0.03 - 1 (the 4th largest of
     * 358 two-day moves of 2019, where consecutive +-3 % days cancel and only the +6 % and +5 % days leave moves of
     * e^0.08 - 1 twice and e^0.03 - 1 twice), with the mapping's vol shocks per unit of scan; EWMA's are the mapper's
     * for the option MPOR's sigma, sqrt(2) x 0.9 %. The short straddle loses more than either margin over the two
     * 2-day windows that hold the +15 % jump (margined at the closes of 2020-05-30 and 2020-05-31) and on no other day;
     * the IM fraction of the unguarded policies is the MMF's multiple, constant here.
     */
    @Test
    void theOptionBookUsesEachPolicysScanAndVolShocks() {
        List<DailyBar> bars = bars(LocalDate.of(2020, 12, 31));
        BacktestResult r = new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "champion", config(OOS),
            l -> { }).run();
        MappingSettings map = config(OOS).mapping();
        double scan = Math.exp(0.03) - 1;
        OptionBookResult st = r.policies().get("static").optionBook();
        assertThat(st.medianMargin()).isCloseTo(OptionBook.requirement(IV_2020, scan, map.volShockUpPerScan() * scan,
            Math.min(0.9, map.volShockDownPerScan() * scan), 2), within(1e-9));
        RecommendedParameters p = ParameterMapper.DEFAULT.map(0.009, 0.009 * Math.sqrt(2), map);
        OptionBookResult ew = r.policies().get("ewma").optionBook();
        assertThat(ew.medianMargin()).isCloseTo(OptionBook.requirement(IV_2020, p.scanRange(), p.volShockUp(),
            p.volShockDown(), 2), within(1e-9));
        assertThat(st.coverage().exceptions()).isEqualTo(2);
        assertThat(ew.coverage().exceptions()).isEqualTo(2);
        assertThat(r.policies().get("static").imfMaxIncrease5d()).isEqualTo(1.0);
        assertThat(r.policies().get("ewma").imfMaxIncrease5d()).isCloseTo(1.0, within(1e-12));
    }

    /**
     * With the exception trigger on (and no intraday trigger or update), the only close whose 1-day move exceeds the
     * margin in force is the +15 % jump of 2020-06-01: one stressed day.
     */
    @Test
    void theExceptionTriggerDeclaresStressOnTheJumpOnly() {
        List<DailyBar> bars = bars(LocalDate.of(2020, 12, 31));
        GuardrailSettings g = config(OOS).guardrails().withRegime(
            new RegimeSettings(Double.POSITIVE_INFINITY, true, 1.0, Double.POSITIVE_INFINITY, true));
        PolicyResult guarded = new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "champion",
            config(OOS).withGuardrails(g), l -> { }).run().policies().get("guarded");
        assertThat(guarded.stressDays()).isEqualTo(1);
        assertThat(guarded.intradayRaisedDays()).isZero();
    }

    /**
     * Hourly bars over the 2020-03-12 replay window, flat at the previous day's close (nothing realised since the
     * close), except 2020-03-12, which falls 10 % at 03:00 UTC and stays there, and has only 20 bars (00:00 .. 19:00,
     * the fewest from which a close's realised variance is taken from hourly bars).
     */
    private static List<HourlyBar> intradayCrash(List<DailyBar> bars) {
        List<HourlyBar> out = new ArrayList<>();
        for (int i = 1; i < bars.size(); i++) {
            LocalDate d = bars.get(i).date();
            if (d.isBefore(LocalDate.of(2020, 3, 5)) || d.isAfter(LocalDate.of(2020, 3, 15))) {
                continue;
            }
            double p = bars.get(i - 1).close();
            boolean crash = d.equals(LocalDate.of(2020, 3, 12));
            for (int hr = 0; hr < (crash ? 20 : 24); hr++) {
                double c = crash && hr >= 3 ? 0.9 * p : p;
                out.add(new HourlyBar(d.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600L * hr), c,
                    c * 1.001, c * 0.999, c, 1000));
            }
        }
        return out;
    }

    /**
     * The intraday re-margining with no caps or smoothing (every step goes to its target) and the intraday stress
     * trigger at k = 2 (exceptions do not trigger). During 2020-03-12 (margined at the close of 2020-03-11) the 10 %
     * fall at 03:00 moves the forecast towards the realised daily rate and raises the margin once: one raised day. At
     * a close the realised variance only feeds the trigger: the close of 2020-03-12 counts its 20 hourly bars, (ln 0.9)^2
     * over the day, a sigma of 0.105, 8.8 times the forecast's 0.012 (the daily bar's Garman-Klass sigma, 0.011,
     * would not trigger); the close of the +15 % jump (2020-06-01, no hourly bars) counts its daily bar's
     * Garman-Klass variance, 0.5 x 0.152^2 - (2 ln 2 - 1) x 0.15^2 = 0.00286, a sigma of 0.0535, 4.5 times the
     * forecast's. So two stressed days at k = 2 and none at k = 10; the margins at the closes stay K x 1.2 %.
     */
    @Test
    void anIntradayCrashRaisesMarginWithinTheDayAndTheHourlyVarianceFeedsTheTriggerAtTheClose() {
        List<DailyBar> bars = bars(LocalDate.of(2020, 12, 31));
        List<HourlyBar> hourly = intradayCrash(bars);
        BacktestResult r = new BacktestRunner("HAND", bars, hourly, forecasts(bars), "champion",
            config(OOS).withGuardrails(uncapped(2.0)), l -> { }).run();
        PolicyResult guarded = r.policies().get("guarded");
        assertThat(guarded.intradayRaisedDays()).isEqualTo(1);
        assertThat(guarded.stressDays()).isEqualTo(2);
        for (String day : List.of("2020-03-11", "2020-03-12", "2020-03-13")) {
            assertThat(guarded.margin()[indexOf(guarded, LocalDate.parse(day))]).as(day).isCloseTo(K * 0.012,
                within(1e-7));
        }
        assertThat(r.events()).containsExactly(java.util.Map.entry(CrashEvent.STANDARD.get(0), 1));
        // the static policy's replay of that window, rebuilt: its constant MMF e^0.03 - 1, the hourly bars with their
        // volume in USD, the populations of seeds 7 .. 26, positions capped by the highest margin any policy had in
        // force at the opening bar (set at the close of 2020-03-04) times the IM multiplier
        LiquidationModel model = config(OOS).liquidation();
        double opening = openingImf(r, model);
        List<ReplayBar> path = hourly.stream().map(b -> new ReplayBar(b.time(), b.high(), b.low(), b.close(),
            b.volume() * b.close())).toList();
        ReplayResult expected = overSeeds(path, t -> Math.exp(0.03) - 1, model, 1, opening);
        assertSameReplay(r.policies().get("static").crashes().get("2020-03-12"), expected);
        // the guarded replay, rebuilt: the margin set at the previous close, and from 04:00 on 2020-03-12 (the end of the
        // 03:00 bar) until that day ends the intraday raise: the mapping's K x sigma with sigma^2 moved 0.4 of the way
        // from 0.012^2 to the daily rate 6 (ln 0.9)^2, 0.53, held to the guardrails' largest MMF, 0.5
        double lnDrop2 = Math.log(0.9) * Math.log(0.9);
        double target = guarded.margin()[indexOf(guarded, LocalDate.of(2020, 3, 11))] / 0.012
            * Math.sqrt(0.012 * 0.012 + 0.4 * (6 * lnDrop2 - 0.012 * 0.012));
        assertThat(target).isCloseTo(0.53, within(0.005));
        double raised = Math.min(0.5, target);
        java.time.Instant from = java.time.Instant.parse("2020-03-12T04:00:00Z");
        java.time.Instant to = java.time.Instant.parse("2020-03-13T00:00:00Z");
        ReplayResult guardedExpected = overSeeds(path, t -> {
            double daily = guarded.margin()[indexOf(guarded, LocalDate.ofInstant(t, ZoneOffset.UTC).minusDays(1))];
            return !t.isBefore(from) && t.isBefore(to) ? Math.max(daily, raised) : daily;
        }, model, 1, opening);
        ReplayResult guardedReplay = guarded.crashes().get("2020-03-12");
        assertThat(guardedReplay.liquidated()).isEqualTo(guardedExpected.liquidated());
        assertThat(guardedReplay.badDebtUsd()).isCloseTo(guardedExpected.badDebtUsd(), within(1e-6));
        assertThat(guardedReplay.warnedHoursAheadMedian()).isEqualTo(guardedExpected.warnedHoursAheadMedian());
        assertThat(guardedReplay.badDebtPerOpenInterest()).isCloseTo(guardedExpected.badDebtPerOpenInterest(),
            within(1e-12));
        PolicyResult atTen = new BacktestRunner("HAND", bars, hourly, forecasts(bars), "champion",
            config(OOS).withGuardrails(uncapped(10.0)), l -> { }).run().policies().get("guarded");
        assertThat(atTen.stressDays()).isZero();
        assertThat(atTen.intradayRaisedDays()).isEqualTo(1);
    }

    /** No floor, daily caps or smoothing; the intraday update (half weight after 6 h) and trigger k; no buffer. */
    private static GuardrailSettings uncapped(double k) {
        return config(OOS).guardrails()
            .withRegime(new RegimeSettings(k, false, Double.POSITIVE_INFINITY, 6.0, true))
            .withMaxDailyChange(Double.POSITIVE_INFINITY, 1.0).withSmoothing(1.0, 1.0);
    }

    /**
     * Without hourly bars the 2020-03-12 replay runs on the daily bars of its window, 2020-03-05 .. 2020-03-15, with
     * their volume in USD: here 1e9 units a day, a low 20 % under the open on 2020-03-12 that triggers the leveraged
     * longs, and a close of 2020-03-13 (where they are executed, one bar later) as low, so that bad debt and its
     * slippage count. Rebuilt for the static policy as in the hourly case, with 24-hour bars.
     */
    @Test
    void withoutHourlyBarsTheReplayRunsOnTheWindowsDailyBars() {
        List<DailyBar> bars = new ArrayList<>();
        double crashOpen = Double.NaN;
        for (DailyBar b : bars(LocalDate.of(2020, 12, 31))) {
            boolean window = !b.date().isBefore(LocalDate.of(2020, 3, 5)) && !b.date().isAfter(LocalDate.of(2020, 3, 15));
            if (b.date().equals(LocalDate.of(2020, 3, 12))) {
                crashOpen = b.open();
                bars.add(new DailyBar(b.date(), b.open(), b.high(), 0.8 * b.open(), b.close(), 1e9));
            } else if (b.date().equals(LocalDate.of(2020, 3, 13))) {
                bars.add(new DailyBar(b.date(), b.open(), b.high(), 0.8 * crashOpen * 0.999, 0.8 * crashOpen, 1e9));
            } else {
                bars.add(window ? new DailyBar(b.date(), b.open(), b.high(), b.low(), b.close(), 1e9) : b);
            }
        }
        BacktestResult r = new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "champion", config(OOS),
            l -> { }).run();
        assertThat(r.events()).containsExactly(java.util.Map.entry(CrashEvent.STANDARD.get(0), 24));
        LiquidationModel model = config(OOS).liquidation();
        double opening = openingImf(r, model);
        List<ReplayBar> path = bars.stream()
            .filter(b -> !b.date().isBefore(LocalDate.of(2020, 3, 5)) && !b.date().isAfter(LocalDate.of(2020, 3, 15)))
            .map(b -> new ReplayBar(b.date().atStartOfDay(ZoneOffset.UTC).toInstant(), b.high(), b.low(), b.close(),
                b.volume() * b.close())).toList();
        assertThat(path).hasSize(11);
        ReplayResult expected = overSeeds(path, t -> Math.exp(0.03) - 1, model, 24, opening);
        assertSameReplay(r.policies().get("static").crashes().get("2020-03-12"), expected);
    }

    /**
     * Under the literal EMIR mapping (perp and option MPOR both 2 days) the EWMA policy's option parameters are the
     * mapper's for the 2-day sigma itself, 0.009 x sqrt(2), not scaled again.
     */
    @Test
    void underTheEmirMappingTheOptionSigmaIsThePerpsTwoDaySigma() {
        List<DailyBar> bars = bars(LocalDate.of(2020, 12, 31));
        BacktestConfig hand = config(OOS);
        BacktestConfig emir = new BacktestConfig(0.99, OOS, Double.NaN, Preset.EMIR.mapping(), hand.guardrails(), 7,
            200, hand.liquidation(), new double[] {1.0});
        MappingSettings map = emir.mapping();
        assertThat(map.mporPerpDays()).isEqualTo(2);
        assertThat(map.mporOptionDays()).isEqualTo(2);
        OptionBookResult ew = new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "champion", emir, l -> { })
            .run().policies().get("ewma").optionBook();
        double sigma = 0.009 * Math.sqrt(2);
        RecommendedParameters p = ParameterMapper.DEFAULT.map(sigma, sigma, map);
        assertThat(ew.medianMargin()).isCloseTo(OptionBook.requirement(IV_2020, p.scanRange(), p.volShockUp(),
            p.volShockDown(), 2), within(1e-9));
    }

    /**
     * With the champion re-decided every week (the service's retraining replayed by {@link ChampionSchedule}), the
     * predictive margins are K times the schedule's forecast sigma of each day, the decisions reported are those in
     * force on the measured days (the first made on Saturday 2020-06-27 for Wednesday 2020-07-01), and the summary
     * line names them.
     */
    @Test
    void theWeeklyChampionScheduleSetsThePredictiveForecastsAndIsReported() {
        List<DailyBar> bars = bars(LocalDate.of(2021, 6, 30));
        LocalDate oos = LocalDate.of(2020, 7, 1);
        ChampionSchedule schedule = new ChampionSchedule("HAND", bars, 1, List.of("EWMA", "HAR"), Models::byName,
            l -> { });
        List<String> progress = new ArrayList<>();
        BacktestResult r = new BacktestRunner("HAND", bars, List.of(), forecasts(bars), "champion", config(oos),
            progress::add, schedule).run();
        PolicyResult pred = r.policies().get("predictive");
        assertThat(pred.dates()[0]).isEqualTo(oos);
        for (int k = 0; k < pred.dates().length; k++) {
            double sigma = Math.sqrt(schedule.forecastAt(pred.dates()[k]).variance());
            assertThat(pred.margin()[k]).as("%s", pred.dates()[k]).isCloseTo(K * sigma, within(1e-9));
        }
        assertThat(r.championWeeks()).isNotEmpty();
        assertThat(r.championWeeks().get(0).decided()).isEqualTo(LocalDate.of(2020, 6, 27));
        assertThat(progress).contains("HAND: champion h=1 re-decided at every weekly retraining (the bars up to "
            + "each Saturday's close, as the risk service), forecasts from 2020-07-01",
            "HAND: " + BacktestRunner.championSummary(r.championWeeks()));
    }
}
