package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.eval.Evaluation;
import io.ballast.ml.eval.Metrics;
import io.ballast.ml.model.Progress;
import io.ballast.ml.proxy.VarianceProxies;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The walk-forward evaluation on a synthetic series (2015-01-01 .. 2020-06-22) with the fast baselines: the dates and
 * targets it scores, its windows and losses recomputed from its own forecasts by the textbook formulas, its DM pairs
 * and its champion.
 */
class EvaluationTest {

    private static final List<DailyBar> BARS = Synthetic.bars(2000, 17);
    private static final DailySeries S = DailySeries.of(BARS);
    private static final LocalDate OOS = LocalDate.of(2020, 1, 1);
    private static final List<String> MODELS = List.of("EWMA", "HAR", "HAR_LEVEL");

    private static double gk(int seriesIndex) {
        DailyBar b = BARS.get(seriesIndex + DailySeries.LISTING_DAYS_DROPPED);
        return VarianceProxies.garmanKlass(b.open(), b.high(), b.low(), b.close());
    }

    @Test
    void scoresEveryDayFromTheStartWhoseTargetIsCompleteWithTheTextbookLosses() {
        int h = 2;
        Evaluation.HorizonResult r = Evaluation.run(S, OOS, h, MODELS, Progress.NONE);
        int from = S.indexOnOrAfter(OOS);
        int n = S.size() - h - from;
        assertThat(r.h()).isEqualTo(2);
        assertThat(r.dates()).hasSize(n);
        assertThat(r.dates()[0]).isEqualTo(OOS);
        assertThat(r.dates()[n - 1]).isEqualTo(BARS.get(BARS.size() - 1 - h).date());
        // the target of the first day is the Garman-Klass proxy of the next two days
        assertThat(r.realized()[0]).isCloseTo(gk(from + 1) + gk(from + 2), within(1e-15));
        assertThat(r.forecasts().keySet()).containsExactly("EWMA", "HAR", "HAR_LEVEL");
        assertThat(r.seconds().keySet()).containsExactly("EWMA", "HAR", "HAR_LEVEL");
        for (String m : MODELS) {
            double[] f = r.forecasts().get(m);
            assertThat(f).hasSize(n);
            double ql = 0;
            double se = 0;
            for (int i = 0; i < n; i++) {
                double q = r.realized()[i] / f[i];
                ql += q - Math.log(q) - 1;
                se += Math.pow(r.realized()[i] - f[i], 2);
            }
            Evaluation.Score full = r.windows().get("full").get(m);
            assertThat(full.n()).isEqualTo(n);
            assertThat(full.qlike()).isCloseTo(ql / n, within(1e-12));
            assertThat(full.mse()).isCloseTo(se / n, within(1e-18));
            Metrics.MincerZarnowitz mz = Metrics.mincerZarnowitz(r.realized(), f);
            assertThat(full.mzB()).isCloseTo(mz.b(), within(1e-12));
            assertThat(full.mzA()).isCloseTo(mz.a(), within(1e-15));
            assertThat(full.mzR2()).isCloseTo(mz.r2(), within(1e-12));
        }
        // March 2020 is a stress window with its 31 forecast dates
        assertThat(r.windows().get("2020-03").get("HAR").n()).isEqualTo(31);
        assertThat(r.windows()).doesNotContainKey("2021-05");
        // the champion is the champion policy's on the validation losses before the out-of-sample start
        Map<String, double[]> val = new java.util.LinkedHashMap<>();
        int days = Math.min(io.ballast.ml.model.ChampionPolicy.EVALUATION_DAYS, S.indexOnOrAfter(OOS) - h - 70);
        for (String m : MODELS) {
            val.put(m, io.ballast.ml.model.Models.validationLosses(S, m, h, S.indexOnOrAfter(OOS), days));
            assertThat(r.validationQlike().get(m)).isCloseTo(Metrics.mean(val.get(m)), within(1e-15));
        }
        assertThat(r.champion()).isEqualTo(io.ballast.ml.model.ChampionPolicy.choose(val).champion());
        assertThat(r.mcs().included()).isNotEmpty();
        assertThat(r.validationQlike()).hasSize(3).allSatisfy((k, v) -> assertThat(v).isPositive());
    }

    @Test
    void calmIsTheThirdOfDaysWithTheLowestTrailingMonthAndDmRunsAgainstThePresentBaselines() {
        Evaluation.HorizonResult r = Evaluation.run(S, OOS, 1, MODELS, Progress.NONE);
        int from = S.indexOnOrAfter(OOS);
        int n = r.dates().length;
        double[] trailing = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int k = 0; k < 30; k++) {
                sum += gk(from + i - k);
            }
            trailing[i] = sum / 30;
        }
        double[] sorted = trailing.clone();
        Arrays.sort(sorted);
        double cut = sorted[n / 3];
        double ql = 0;
        int calm = 0;
        double[] f = r.forecasts().get("EWMA");
        for (int i = 0; i < n; i++) {
            if (trailing[i] <= cut) {
                calm++;
                ql += Metrics.qlike(r.realized()[i], f[i]);
            }
        }
        assertThat(calm).isEqualTo(n / 3 + 1); // distinct values: the cut and everything below it
        assertThat(r.windows().get("calm").get("EWMA").n()).isEqualTo(calm);
        assertThat(r.windows().get("calm").get("EWMA").qlike()).isCloseTo(ql / calm, within(1e-12));
        // DM of each model against each baseline present (GARCH was not run), never against itself
        assertThat(r.dm().get("full").keySet()).containsExactlyInAnyOrder("EWMA_vs_HAR", "HAR_vs_EWMA",
            "HAR_LEVEL_vs_EWMA", "HAR_LEVEL_vs_HAR");
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Metrics.qlike(r.realized()[i], r.forecasts().get("HAR_LEVEL")[i])
                - Metrics.qlike(r.realized()[i], r.forecasts().get("HAR")[i]);
        }
        Metrics.DieboldMariano dm = Metrics.dieboldMariano(d, 1);
        assertThat(r.dm().get("full").get("HAR_LEVEL_vs_HAR").stat()).isCloseTo(dm.stat(), within(1e-12));
        assertThat(r.dm().get("full").get("HAR_vs_EWMA").stat())
            .isCloseTo(-r.dm().get("full").get("EWMA_vs_HAR").stat(), within(1e-9));
    }

    @Test
    void windowsWithFewerThanThreeForecastsAreNotScoredAndTooShortAPeriodIsRefused() {
        // from 2020-03-30: March holds two forecast dates, too few to score
        Evaluation.HorizonResult r = Evaluation.run(S, LocalDate.of(2020, 3, 30), 1, List.of("EWMA", "HAR"),
            Progress.NONE);
        assertThat(r.windows().get("2020-03")).isEmpty();
        assertThat(r.windows().get("full").get("EWMA").n()).isEqualTo(r.dates().length);
        // 2020-05-25 leaves 28 complete 1-day targets before 2020-06-22: refused; 2020-05-22 leaves 31: accepted
        assertThatThrownBy(() -> Evaluation.run(S, LocalDate.of(2020, 5, 25), 1, List.of("EWMA", "HAR"),
            Progress.NONE)).hasMessageContaining("fewer than 30");
        assertThat(Evaluation.run(S, LocalDate.of(2020, 5, 23), 1, List.of("EWMA", "HAR"), Progress.NONE)
            .dates()).hasSize(30);
    }

    @Test
    void progressNamesEachModelsPeriodAndTimeAndOnlyChampionCandidatesAreScoredForTheChampion() {
        List<String> lines = new java.util.ArrayList<>();
        long t0 = System.nanoTime();
        Evaluation.HorizonResult r = Evaluation.run(S, OOS, 1, List.of("EWMA", "HAR", "OLS"), lines::add);
        double wall = (System.nanoTime() - t0) / 1e9;
        int n = r.dates().length;
        for (String m : List.of("EWMA", "HAR", "OLS")) {
            assertThat(lines).contains(String.format(java.util.Locale.ROOT, "h=1 %s: out-of-sample %s..%s (%d forecasts)",
                m, r.dates()[0], r.dates()[n - 1], n));
            assertThat(lines).anyMatch(l -> l.startsWith("h=1 " + m + ": done in ") && l.endsWith(String.format(
                java.util.Locale.ROOT, "s, validation QLIKE %.4f", r.validationQlike().get(m))));
            // a measured duration of the model's own walk-forward: within the run's wall time
            assertThat(r.seconds().get(m)).isBetween(0.0, wall);
        }
        // OLS is an evaluation reference: forecast and scored, but not a champion candidate
        assertThat(r.forecasts()).containsKey("OLS");
        assertThat(r.windows().get("full")).containsKey("OLS");
        assertThat(r.validationQlike().get("OLS")).isNaN();
        assertThat(r.validationQlike().get("HAR")).isPositive();
        assertThat(r.champion()).isIn("EWMA", "HAR");
        // the confidence set is built on each model's daily full-window QLIKE
        for (String m : List.of("EWMA", "HAR", "OLS")) {
            assertThat(r.mcs().meanLoss().get(m)).isCloseTo(r.windows().get("full").get(m).qlike(), within(1e-12));
        }
        assertThat(r.mcs().included()).isNotEmpty();
    }

    @Test
    void aCandidateTheValidationYearCannotFitIsLeftOutOfTheChampionChoiceAndSaidSo() {
        // forecasts from series day 600: SGD is tuned there on a fit to day 419; the champion's year starts at day
        // 234, whose tuning fit (to day 53) leaves 15 rows before its calibration block, fewer than 100
        LocalDate oos = S.date(600);
        List<String> lines = new java.util.ArrayList<>();
        Evaluation.HorizonResult r = Evaluation.run(S, oos, 1, List.of("EWMA", "HAR", "SGD"), lines::add);
        assertThat(r.forecasts()).containsKey("SGD");
        assertThat(r.validationQlike().get("SGD")).isNaN();
        assertThat(lines).anyMatch(l -> l.startsWith("h=1 SGD left out of the champion choice: too little history"));
        assertThat(r.champion()).isIn("EWMA", "HAR");
    }
}
