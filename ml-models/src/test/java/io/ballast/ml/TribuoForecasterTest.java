package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.ml.MlConfig;
import io.ballast.ml.ml.TrainedRegressor;
import io.ballast.ml.ml.TribuoForecaster;
import io.ballast.ml.model.Progress;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
}
