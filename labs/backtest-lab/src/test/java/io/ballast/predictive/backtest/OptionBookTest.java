package io.ballast.predictive.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OptionBookTest {

    @Test
    void atTheMoneyStraddleIsAboutPoint8SigmaRootT() {
        // Brenner-Subrahmanyam: ATM straddle ~ 2 * 0.3989 * S * sigma * sqrt(T)
        double v = OptionBook.straddle(100, 100, 30, 0.6);
        assertThat(v).isCloseTo(2 * 0.398942 * 100 * 0.6 * Math.sqrt(30 / 365.0), within(0.05));
    }

    @Test
    void requirementGrowsWithTheScanRangeAndTheVolShock() {
        double small = OptionBook.requirement(0.6, 0.05, 0.1, 0.07, 2);
        double wide = OptionBook.requirement(0.6, 0.15, 0.1, 0.07, 2);
        double shocked = OptionBook.requirement(0.6, 0.05, 0.5, 0.07, 2);
        assertThat(small).isPositive();
        assertThat(wide).isGreaterThan(small);
        assertThat(shocked).isGreaterThan(small);
        // a scan range beyond 100 % stays finite (the down move is floored at 0.1 % of spot)
        assertThat(OptionBook.requirement(0.6, 1.6, 3.2, 0.9, 2)).isFinite().isGreaterThan(wide);
    }

    @Test
    void shortStraddleGainsItsThetaWhenNothingMovesAndLosesOnABigMove() {
        assertThat(OptionBook.realizedLoss(100, 100, 0.6, 0.6, 2)).isNegative();
        assertThat(OptionBook.realizedLoss(100, 80, 0.6, 0.9, 2)).isGreaterThan(0.1);
    }

    @Test
    void impliedVolProxyIsTheAnnualisedTrailingRms() {
        double[] r = new double[40];
        java.util.Arrays.fill(r, 0.02);
        double[] iv = OptionBook.impliedVolProxy(r);
        assertThat(iv[29]).isNaN();
        assertThat(iv[35]).isCloseTo(0.02 * Math.sqrt(365), within(1e-12));
    }
}
