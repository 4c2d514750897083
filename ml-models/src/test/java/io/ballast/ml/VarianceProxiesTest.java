package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.proxy.VarianceProxies;
import org.junit.jupiter.api.Test;

/**
 * The range estimators on bars whose logs are round numbers, so every expected value is worked out by hand from the
 * published formulas (risk-methodology.md; Parkinson 1980, Garman-Klass 1980, Rogers-Satchell 1991, Yang-Zhang 2000).
 */
class VarianceProxiesTest {

    private static final double E = Math.E;
    private static final double LN2 = Math.log(2);

    @Test
    void closeToCloseIsTheSquaredLogReturnPerDayOfItsSpan() {
        // ln(e^0.1) = 0.1: 0.01 over one day, 0.005 per day over two
        assertThat(VarianceProxies.closeToClose(100, 100 * Math.exp(0.1), 1)).isCloseTo(0.01, within(1e-15));
        assertThat(VarianceProxies.closeToClose(100, 100 * Math.exp(-0.1), 2)).isCloseTo(0.005, within(1e-15));
    }

    @Test
    void parkinsonIsTheSquaredLogRangeOverFourLnTwo() {
        // ln(H/L) = 0.2: 0.04 / (4 ln 2) = 0.0144270
        assertThat(VarianceProxies.parkinson(Math.exp(0.1), Math.exp(-0.1))).isCloseTo(0.04 / (4 * LN2), within(1e-15));
        assertThat(VarianceProxies.parkinson(0.04 / (4 * LN2), 1)).isGreaterThan(0);
        assertThat(VarianceProxies.parkinson(5, 5)).isZero();
    }

    @Test
    void garmanKlassSubtractsTheDriftTermAndIsFlooredAtZero() {
        // u = 0.1, d = -0.1, c = 0.05: 0.5 * 0.04 - (2 ln 2 - 1) * 0.0025 = 0.02 - 0.386294 * 0.0025
        double gk = VarianceProxies.garmanKlass(1, Math.exp(0.1), Math.exp(-0.1), Math.exp(0.05));
        assertThat(gk).isCloseTo(0.02 - (2 * LN2 - 1) * 0.0025, within(1e-15));
        assertThat(gk).isCloseTo(0.019034264, within(1e-9));
        // a bar that closes at its high with a tiny range: 0.5 * 0.0001 - 0.386 * 0.0001 > 0
        assertThat(VarianceProxies.garmanKlass(1, Math.exp(0.01), 1, Math.exp(0.01)))
            .isCloseTo(0.5e-4 - (2 * LN2 - 1) * 1e-4, within(1e-15));
        // an impossible bar (close far outside a zero range) would go negative: floored at exactly 0
        assertThat(VarianceProxies.garmanKlass(1, 1, 1, E)).isZero();
    }

    @Test
    void rogersSatchellIsDriftFree() {
        // u = 0.1, d = -0.05, c = 0.02: 0.1 * 0.08 + (-0.05) * (-0.07) = 0.008 + 0.0035 = 0.0115
        assertThat(VarianceProxies.rogersSatchell(1, Math.exp(0.1), Math.exp(-0.05), Math.exp(0.02)))
            .isCloseTo(0.0115, within(1e-15));
        // a trending bar with no wicks (open at the low, close at the high) has zero RS variance
        assertThat(VarianceProxies.rogersSatchell(1, Math.exp(0.1), 1, Math.exp(0.1))).isCloseTo(0, within(1e-18));
    }

    @Test
    void yangZhangCombinesOvernightOpenToCloseAndRogersSatchellWithTheWeightK() {
        // three bars after a previous close of 1; logs chosen by hand
        double[] open = {1, Math.exp(0.01), Math.exp(0.0), Math.exp(0.03)};
        double[] close = {1, Math.exp(0.03), Math.exp(-0.02), Math.exp(0.05)};
        double[] high = {1, Math.exp(0.04), Math.exp(0.01), Math.exp(0.06)};
        double[] low = {1, Math.exp(0.0), Math.exp(-0.03), Math.exp(0.02)};
        // overnight o_i = ln(O_i / C_{i-1}): 0.01, -0.03, 0.05 -> mean 0.01, deviations 0, -0.04, 0.04
        double vo = (0 + 0.0016 + 0.0016) / 2;
        // open-to-close c_i: 0.02, -0.02, 0.02 -> mean 0.02/3, deviations 0.04/3, -0.08/3, 0.04/3
        double vc = (Math.pow(0.04 / 3, 2) + Math.pow(0.08 / 3, 2) + Math.pow(0.04 / 3, 2)) / 2;
        // RS per bar (u, d, c relative to the open): (0.03, -0.01, 0.02) -> 0.03*0.01 + (-0.01)(-0.03) = 0.0006;
        // (0.01, -0.03, -0.02) -> 0.01*0.03 + (-0.03)(-0.01) = 0.0006; (0.03, -0.01, 0.02) -> 0.0006
        double rs = 0.0006;
        double k = 0.34 / (1.34 + 4.0 / 2.0);
        double yz = VarianceProxies.yangZhang(open, high, low, close, 3, 3);
        assertThat(yz).isCloseTo(vo + k * vc + (1 - k) * rs, within(1e-15));
        assertThat(k).isCloseTo(0.101796, within(1e-6));
        // two bars ending at index 2 use closes 0 and 1 as previous closes: overnight 0.01, -0.03 (dev +-0.02),
        // open-to-close 0.02, -0.02 (dev +-0.02), RS 0.0006 each; k = 0.34 / (1.34 + 3)
        double k2 = 0.34 / (1.34 + 3.0);
        assertThat(VarianceProxies.yangZhang(open, high, low, close, 2, 2))
            .isCloseTo(0.0008 + k2 * 0.0008 + (1 - k2) * 0.0006, within(1e-15));
    }

    @Test
    void yangZhangNeedsTwoBarsAndAPreviousClose() {
        double[] x = {1, 1, 1};
        assertThatThrownBy(() -> VarianceProxies.yangZhang(x, x, x, x, 2, 1)).hasMessageContaining("n >= 2");
        assertThatThrownBy(() -> VarianceProxies.yangZhang(x, x, x, x, 1, 2)).hasMessageContaining("previous close");
        assertThat(VarianceProxies.yangZhang(x, x, x, x, 2, 2)).isZero();
    }
}
