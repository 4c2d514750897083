package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.eval.Metrics;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.ml.MlConfig;
import io.ballast.ml.ml.TrainedRegressor;
import io.ballast.ml.ml.TribuoForecaster;
import io.ballast.ml.model.Progress;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Tribuo forecaster (linear SGD, pure Java) on a series whose variance is perfectly predictable: flat closes and a
 * daily range cycling through 2 %, 3 %, 5 %, 4 %, so the Garman-Klass proxy of day t is 0.5 * range^2 and the next
 * h days' sum is known from the phase. The log-HAR base fits the four phases exactly, the residual model learns
 * nothing and the Duan smearing factor is 1: every forecast must equal the realized h-day proxy sum (to 1 %: SGD
 * and the calibration leave errors of a few 1e-4; a broken step is off by orders of magnitude).
 */
class TribuoForecasterTest {

    private static final double[] RANGE = {0.02, 0.03, 0.05, 0.04};

    private static List<DailyBar> cyclingBars(int n) {
        List<DailyBar> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double s = RANGE[i % 4];
            out.add(new DailyBar(LocalDate.of(2016, 1, 1).plusDays(i), 100, 100 * Math.exp(s / 2),
                100 * Math.exp(-s / 2), 100, 10));
        }
        return out;
    }

    /** The h-day sum of 0.5 * range^2 after series index i (the series starts at bar 7). */
    private static double expected(int i, int h) {
        double sum = 0;
        for (int k = 1; k <= h; k++) {
            double s = RANGE[(i + k + DailySeries.LISTING_DAYS_DROPPED) % 4];
            sum += 0.5 * s * s;
        }
        return sum;
    }

    @Test
    void aPerfectlyPredictableSeriesIsForecastExactlyOverSeveralRefits() {
        DailySeries s = DailySeries.of(cyclingBars(700));
        assertThat(s.proxy(100)).isCloseTo(expected(99, 1), within(1e-15));
        TribuoForecaster sgd = new TribuoForecaster("SGD");
        assertThat(sgd.name()).isEqualTo("SGD");
        for (int h : new int[] {1, 2}) {
            int from = 400;
            int to = 470; // three refits: at 400, 430 and 460
            double[] f = sgd.forecast(s, h, from, to, Progress.NONE);
            assertThat(f).hasSize(to - from);
            for (int i = from; i < to; i++) {
                assertThat(f[i - from]).as("h=%d, index %d", h, i).isCloseTo(expected(i, h),
                    within(1e-2 * expected(i, h)));
            }
        }
    }

    @Test
    void fitNeedsAHundredRowsBeforeItsCalibrationBlock() {
        DailySeries s = DailySeries.of(cyclingBars(400));
        double[][] x = FeatureBuilder.matrix(s, s.size());
        MlConfig c = MlConfig.grid("SGD").get(0);
        // trainEnd 180, h = 1: calibration (180 - 30 - 1) / 3 = 49 rows from 131, 131 - 1 - 30 = 100 rows before it
        TrainedRegressor ok = TribuoForecaster.fit(c, s, x, 1, 180);
        assertThat(ok.biasLog()).isCloseTo(0.0, within(1e-2));
        assertThat(ok.predictVariance(List.of(x[180]))[0])
            .isCloseTo(expected(180, 1), within(1e-2 * expected(180, 1)));
        // trainEnd 179: 99 rows, refused, naming the day
        assertThatThrownBy(() -> TribuoForecaster.fit(c, s, x, 1, 179))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("too little history to train SGD before " + s.date(179));
        // h = 2 purges one more row: trainEnd 181 gives (181 - 32) / 3 = 49, 132 - 2 - 30 = 100: accepted; 180 not
        assertThat(TribuoForecaster.fit(c, s, x, 2, 181).predictVariance(List.of(x[181]))[0])
            .isCloseTo(expected(181, 2), within(1e-2 * expected(181, 2)));
        assertThatThrownBy(() -> TribuoForecaster.fit(c, s, x, 2, 180)).hasMessageContaining("too little history");
    }

    @Test
    void tuningPicksAConfigurationOfTheGridAndReportsEachOne() {
        DailySeries s = DailySeries.of(cyclingBars(500));
        double[][] x = FeatureBuilder.matrix(s, s.size());
        List<String> lines = new ArrayList<>();
        MlConfig best = new TribuoForecaster("SGD").tune(s, x, 1, 450, lines::add);
        assertThat(MlConfig.grid("SGD")).contains(best);
        assertThat(lines).hasSize(MlConfig.grid("SGD").size()).allMatch(l -> l.startsWith("  tune SGD h=1"));
        assertThatThrownBy(() -> new TribuoForecaster("LSTM")).hasMessageContaining("unknown ML kind");
    }

    // ---- a noisy series (GARCH returns): the grid points differ, so the tuning's choice can be worked out ----

    private static final DailySeries NOISY = DailySeries.of(Synthetic.bars(900, 29));
    private static final double[][] NOISY_X = FeatureBuilder.matrix(NOISY, NOISY.size());

    private static List<double[]> rows(int from, int to) {
        return Arrays.asList(NOISY_X).subList(from, to);
    }

    private static double[] logTargets(int from, int to, int h) {
        double[] y = new double[to - from];
        for (int t = from; t < to; t++) {
            y[t - from] = Math.log(NOISY.realized(t, h));
        }
        return y;
    }

    @Test
    void tuningScoresEveryGridPointOnItsPurgedValidationBlockAndKeepsTheLowest() {
        int h = 2;
        int from = 500;
        // the block: the 180 rows whose 2-day targets end by day 500, [319, 499); fits on rows before 319 - 2
        int valEnd = from - h + 1;
        int valStart = valEnd - 180;
        Map<MlConfig, Double> expected = new LinkedHashMap<>();
        for (MlConfig c : MlConfig.grid("SGD")) {
            double[] f = TribuoForecaster.fit(c, NOISY, NOISY_X, h, valStart - h).predictVariance(rows(valStart, valEnd));
            double loss = 0;
            for (int t = valStart; t < valEnd; t++) {
                loss += Metrics.qlike(NOISY.realized(t, h), f[t - valStart]) / 180;
            }
            expected.put(c, loss);
        }
        List<Double> losses = new ArrayList<>(expected.values());
        assertThat(Math.abs(losses.get(0) - losses.get(1))).as("grid points must differ on this series: %s", expected)
            .isGreaterThan(1e-4);
        MlConfig lowest = expected.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();

        List<String> lines = new ArrayList<>();
        MlConfig best = new TribuoForecaster("SGD").tune(NOISY, NOISY_X, h, from, lines::add);
        assertThat(best).isEqualTo(lowest);
        List<MlConfig> grid = MlConfig.grid("SGD");
        assertThat(lines).hasSize(grid.size());
        for (int k = 0; k < grid.size(); k++) {
            assertThat(lines.get(k)).isEqualTo(String.format(Locale.ROOT, "  tune SGD h=2 %-34s validation QLIKE %.6f",
                grid.get(k).describe(), expected.get(grid.get(k))));
        }
    }

    @Test
    void aFitIsTheTrainerOnItsRowsScaledByTheSmearingOfItsCalibrationBlock() {
        int h = 2;
        int trainEnd = 400;
        MlConfig c = MlConfig.grid("SGD").get(1);
        // calibration: min(365, (400 - 30 - 2) / 3) = 122 rows [278, 400), predicted by a fit on [30, 276)
        assertThat(TribuoForecaster.calibrationStart(30, trainEnd, h, "SGD", NOISY)).isEqualTo(278);
        assertThat(TribuoForecaster.calibrationStart(30, 2000, 1, "SGD", NOISY)).isEqualTo(2000 - 365);
        TrainedRegressor cal = TrainedRegressor.train(c, rows(30, 276), logTargets(30, 276, h), "calibration");
        double[] p = cal.predictLog(rows(278, 400));
        double smear = 0;
        for (int t = 278; t < 400; t++) {
            smear += Math.exp(Math.log(NOISY.realized(t, h)) - p[t - 278]) / 122;
        }
        TrainedRegressor whole = TrainedRegressor.train(c, rows(30, 400), logTargets(30, 400, h), "all");
        TrainedRegressor fit = TribuoForecaster.fit(c, NOISY, NOISY_X, h, trainEnd);
        assertThat(fit.biasLog()).isCloseTo(Math.log(smear), within(1e-12));
        assertThat(Math.abs(fit.biasLog())).as("a real correction on noisy data").isGreaterThan(1e-3);
        assertThat(fit.predictLog(rows(400, 420))).containsExactly(whole.predictLog(rows(400, 420)));
        assertThat(fit.range()).containsExactly(whole.range());
        assertThat(TribuoForecaster.smearing(NOISY, h, 278, 400, p)).isEqualTo(fit.biasLog());
    }

    @Test
    void eachRefitBlockIsForecastByTheTunedModelOnTheRowsWhoseTargetIsComplete() {
        int h = 2;
        int from = 500;
        int to = from + 12 * 30 + 1; // thirteen refits: progress at the first and the thirteenth
        TribuoForecaster sgd = new TribuoForecaster("SGD");
        MlConfig best = sgd.tune(NOISY, NOISY_X, h, from, Progress.NONE);
        List<String> lines = new ArrayList<>();
        double[] f = sgd.forecast(NOISY, h, from, to, lines::add);
        assertThat(f).hasSize(to - from);
        for (int r = from; r < to; r += 30) {
            TrainedRegressor m = TribuoForecaster.fit(best, NOISY, NOISY_X, h, r - h + 1);
            double[] v = m.predictVariance(rows(r, Math.min(to, r + 30)));
            for (int i = 0; i < v.length; i++) {
                assertThat(f[r - from + i]).as("forecast at %d", r + i).isEqualTo(v[i]);
            }
            if (r == from || r == from + 360) {
                assertThat(lines).contains(String.format(Locale.ROOT, "  SGD h=2 refit at %s (%d rows, bias %.3f)",
                    NOISY.date(r), r - h + 1 - 30, m.biasLog()));
            }
        }
        assertThat(lines.stream().filter(l -> l.contains("refit at"))).hasSize(2);
    }
}
