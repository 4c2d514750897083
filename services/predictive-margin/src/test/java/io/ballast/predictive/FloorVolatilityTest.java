package io.ballast.predictive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.data.DailyBar;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The art. 28 floor volatilities against sums worked out by hand. */
class FloorVolatilityTest {

    @Test
    void logReturnsAreCloseToCloseWithZeroFirst() {
        List<DailyBar> bars = new ArrayList<>();
        double[] closes = {100, 110, 99, 99};
        for (int i = 0; i < closes.length; i++) {
            bars.add(new DailyBar(LocalDate.of(2024, 1, 1).plusDays(i), closes[i], closes[i], closes[i], closes[i], 1));
        }
        double[] r = FloorVolatility.logReturns(bars);
        assertThat(r).hasSize(4);
        assertThat(r[0]).isZero();
        assertThat(r[1]).isCloseTo(Math.log(1.1), within(1e-15));
        assertThat(r[2]).isCloseTo(Math.log(0.9), within(1e-15));
        assertThat(r[3]).isZero();
    }

    @Test
    void longLookbackIsTheRootMeanSquareOverTheWindowOnceEnoughReturnsExist() {
        double[] r = {0.01, -0.02, 0.03, -0.04, 0.05};
        double[] v = FloorVolatility.longLookback(r, 3, 2);
        assertThat(v[0]).isNaN(); // one return, two needed
        assertThat(v[1]).isCloseTo(Math.sqrt((1e-4 + 4e-4) / 2), within(1e-15));
        assertThat(v[2]).isCloseTo(Math.sqrt((1e-4 + 4e-4 + 9e-4) / 3), within(1e-15));
        // the window slides: day 3 uses r[1..3], day 4 r[2..4]
        assertThat(v[3]).isCloseTo(Math.sqrt((4e-4 + 9e-4 + 16e-4) / 3), within(1e-15));
        assertThat(v[4]).isCloseTo(Math.sqrt((9e-4 + 16e-4 + 25e-4) / 3), within(1e-15));
        // exactly the minimum count gives a value
        assertThat(FloorVolatility.longLookback(r, 10, 5)[4])
            .isCloseTo(Math.sqrt((1e-4 + 4e-4 + 9e-4 + 16e-4 + 25e-4) / 5), within(1e-15));
        assertThat(FloorVolatility.longLookback(r, 10, 5)[3]).isNaN();
    }

    @Test
    void stressedPeriodKeepsTheWorst250DayWindowSeenSoFar() {
        int n = 600;
        double[] r = new double[n];
        for (int t = 0; t < n; t++) {
            // 0.01 throughout except a stressed block of 0.05 on days 100..149 (inside the windows ending 149..349)
            r[t] = t >= 100 && t < 150 ? 0.05 : 0.01;
        }
        double[] v = FloorVolatility.stressedPeriod(r);
        assertThat(v[248]).isNaN();
        // first complete window 0..249: 200 days of 1e-4 and 50 of 25e-4
        double stressed = Math.sqrt((200 * 1e-4 + 50 * 25e-4) / 250);
        assertThat(v[249]).isCloseTo(stressed, within(1e-15));
        // the block leaves the window at day 350, but the worst window is remembered
        assertThat(v[599]).isCloseTo(stressed, within(1e-12));
        // while the long lookback forgets it over a 250-day lookback
        assertThat(FloorVolatility.longLookback(r, 250, 250)[599]).isCloseTo(0.01, within(1e-12));
    }

    @Test
    void aStressedPeriodAfterTheFirstWindowReplacesTheCalmOne() {
        double[] r = new double[700];
        for (int t = 0; t < r.length; t++) {
            r[t] = t >= 500 && t < 550 ? 0.04 : 0.01;
        }
        double[] v = FloorVolatility.stressedPeriod(r);
        assertThat(v[499]).isCloseTo(0.01, within(1e-12));
        // windows ending 549 .. 699 hold the whole block: 200 days of 1e-4 and 50 of 16e-4
        assertThat(v[699]).isCloseTo(Math.sqrt((200 * 1e-4 + 50 * 16e-4) / 250), within(1e-12));
    }

    @Test
    void theModeChoosesStressedOrTheTenYearLookbackWithAYearOfReturns() {
        double[] r = new double[400];
        for (int t = 0; t < r.length; t++) {
            r[t] = t % 2 == 0 ? 0.02 : -0.02;
        }
        double[] stressed = FloorVolatility.forMode(GuardrailSettings.FloorMode.STRESSED_PERIOD, r);
        assertThat(stressed[248]).isNaN();
        assertThat(stressed[249]).isCloseTo(0.02, within(1e-15));
        double[] lookback = FloorVolatility.forMode(GuardrailSettings.FloorMode.LONG_LOOKBACK, r);
        assertThat(lookback[363]).isNaN(); // 364 returns
        assertThat(lookback[364]).isCloseTo(0.02, within(1e-12));
        assertThat(FloorVolatility.forMode(GuardrailSettings.FloorMode.NONE, r)[364]).isCloseTo(0.02, within(1e-12));
        assertThat(FloorVolatility.TEN_YEARS_DAYS).isEqualTo(3650);
    }
}
