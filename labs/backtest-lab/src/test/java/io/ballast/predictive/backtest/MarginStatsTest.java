package io.ballast.predictive.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MarginStatsTest {

    @Test
    void procyclicalityMeasuresOnAHandSeries() {
        double[] m = {0.10, 0.05, 0.06, 0.15, 0.12, 0.10, 0.30};
        assertThat(MarginStats.peakToTrough(m)).isCloseTo(6.0, within(1e-12));
        assertThat(MarginStats.maxIncrease(m, 1)).isCloseTo(3.0, within(1e-12)); // 0.10 -> 0.30 (0.06 -> 0.15 is 2.5)
        assertThat(MarginStats.maxIncrease(m, 5)).isCloseTo(6.0, within(1e-12)); // 0.05 -> 0.30
        assertThat(MarginStats.maxIncrease(new double[] {3, 2, 1}, 1)).isEqualTo(1.0);
        assertThat(MarginStats.median(m)).isEqualTo(0.10);
    }

    @Test
    void staticEquivalentIsTheMoveAllowingTheSameExceptionCount() {
        double[] moves = {0.01, 0.20, 0.03, 0.15, 0.02, 0.08};
        assertThat(MarginStats.staticEquivalent(moves, 0)).isEqualTo(0.20);
        assertThat(MarginStats.staticEquivalent(moves, 2)).isEqualTo(0.08); // 0.20 and 0.15 exceed 0.08
        assertThat(MarginStats.staticEquivalent(moves, 6)).isEqualTo(0.0);
    }
}
