package io.ballast.predictive.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.predictive.ParameterMapper;
import org.junit.jupiter.api.Test;

class CoverageTestTest {

    private static final double CHI2_1_CRITICAL = 3.841;

    @Test
    void kupiecAcceptanceRangesMatchTheMethodologyAt99Percent() {
        // risk-methodology.md section 4: T=250 accepts 1..6, T=500 accepts 2..9, T=1000 accepts 5..16
        int[][] cases = {{250, 1, 6}, {500, 2, 9}, {1000, 5, 16}};
        for (int[] c : cases) {
            int days = c[0];
            for (int x = 0; x <= c[2] + 3; x++) {
                boolean accepted = CoverageTest.kupiecLr(x, days, 0.01) < CHI2_1_CRITICAL;
                assertThat(accepted).as("T=%d x=%d", days, x).isEqualTo(x >= c[1] && x <= c[2]);
            }
        }
    }

    @Test
    void kupiecRatioMatchesAHandComputedValue() {
        // x=5, T=250, p=0.01: -2[245 ln .99 + 5 ln .01] + 2[245 ln .98 + 5 ln .02] = 1.956810 (computed by hand in python)
        assertThat(CoverageTest.kupiecLr(5, 250, 0.01)).isCloseTo(1.956810, within(1e-5));
        assertThat(CoverageTest.kupiecLr(0, 250, 0.01)).isCloseTo(5.025, within(1e-3));
    }

    @Test
    void trafficLightAt250DaysIsGreenUpTo4YellowUpTo9RedFrom10() {
        assertThat(CoverageTest.zone(0, 250, 0.01)).isEqualTo(CoverageTest.Zone.GREEN);
        assertThat(CoverageTest.zone(4, 250, 0.01)).isEqualTo(CoverageTest.Zone.GREEN);
        assertThat(CoverageTest.zone(5, 250, 0.01)).isEqualTo(CoverageTest.Zone.YELLOW);
        assertThat(CoverageTest.zone(9, 250, 0.01)).isEqualTo(CoverageTest.Zone.YELLOW);
        assertThat(CoverageTest.zone(10, 250, 0.01)).isEqualTo(CoverageTest.Zone.RED);
    }

    @Test
    void clusteredExceptionsRejectIndependenceAndConditionalCoverage() {
        boolean[] e = new boolean[250];
        for (int d : new int[] {10, 11, 12, 100, 200}) {
            e[d] = true;
        }
        CoverageTest c = CoverageTest.of(e, 0.01);
        // transitions n00=241, n01=3, n10=3, n11=2; LR_ind = 9.894654 by hand from the section 4 formula
        assertThat(c.exceptions()).isEqualTo(5);
        assertThat(c.independenceLr()).isCloseTo(9.894654, within(1e-5));
        assertThat(c.independenceP()).isCloseTo(0.00166, within(2e-5));
        assertThat(c.conditionalCoverageLr()).isCloseTo(9.894654 + 1.956810, within(1e-5));
        assertThat(c.conditionalCoverageP()).isCloseTo(Math.exp(-(9.894654 + 1.956810) / 2), within(1e-6));
        assertThat(c.kupiecP()).isGreaterThan(0.05);
        assertThat(c.conditionalCoverageP()).isLessThan(0.05);
    }

    @Test
    void evenlySpacedExceptionsPassIndependence() {
        boolean[] e = new boolean[250];
        for (int d : new int[] {10, 60, 110, 160, 210}) {
            e[d] = true;
        }
        CoverageTest c = CoverageTest.of(e, 0.01);
        assertThat(c.independenceLr()).isCloseTo(0.204932, within(1e-5));
        assertThat(c.independenceP()).isGreaterThan(0.05);
        assertThat(c.conditionalCoverageP()).isGreaterThan(0.05);
    }

    @Test
    void greenWindowShareCountsOnlyWindowsWithAtMostFourExceptions() {
        boolean[] e = new boolean[300];
        for (int d = 100; d < 105; d++) {
            e[d] = true; // five exceptions in a row: every window holding all five is yellow
        }
        // windows start 0..50; those holding days 100..104 entirely are starts 0..50 except none: start <= 100 and
        // start + 249 >= 104 -> all 51 windows hold all five
        assertThat(CoverageTest.greenWindowShare(e, 250, 0.01)).isEqualTo(0.0);
        e[100] = false;
        assertThat(CoverageTest.greenWindowShare(e, 250, 0.01)).isEqualTo(1.0);
        assertThat(CoverageTest.greenWindowShare(new boolean[100], 250, 0.01)).isNaN();
    }

    @Test
    void distributionsMatchTableValues() {
        // Commons Statistics distributions as the mapping and the coverage tests use them (the hand-written ones are gone)
        assertThat(ParameterMapper.twoSidedZ(0.99)).isCloseTo(2.5758293, within(1e-6));
        assertThat(ParameterMapper.twoSidedZ(0.98)).isCloseTo(2.3263479, within(1e-6));
        assertThatThrownBy(() -> ParameterMapper.twoSidedZ(1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(CoverageTest.chiSquaredSurvival(3.841459, 1)).isCloseTo(0.05, within(1e-6));
        assertThat(CoverageTest.chiSquaredSurvival(5.991465, 2)).isCloseTo(0.05, within(1e-7));
        assertThat(CoverageTest.chiSquaredSurvival(-1e-12, 1)).isEqualTo(1.0);
        assertThat(CoverageTest.binomialCdf(4, 250, 0.01)).isCloseTo(0.8921876269, within(1e-9)); // exact sum in python
    }
}
