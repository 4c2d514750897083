package io.ballast.margin.pricer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.product.OptionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Black76Test {

    private static final Black76 B = Black76.DEFAULT;

    @Test
    void normalCdfMatchesReferenceValues() {
        // the pricer's standard normal is Apache Commons Statistics' (one normal distribution in the code base); references: scipy.stats.norm.cdf
        assertThat(Black76.N.cumulativeProbability(0)).isEqualTo(0.5);
        assertThat(Black76.N.cumulativeProbability(1)).isCloseTo(0.8413447460685429, within(1e-14));
        assertThat(Black76.N.cumulativeProbability(-1)).isCloseTo(0.15865525393145707, within(1e-14));
        assertThat(Black76.N.cumulativeProbability(1.96)).isCloseTo(0.9750021048517795, within(1e-14));
        assertThat(Black76.N.cumulativeProbability(-3.5)).isCloseTo(0.00023262907903552502, within(1e-16));
        assertThat(Black76.N.cumulativeProbability(5)).isCloseTo(0.9999997133484281, within(1e-14));
        // deep tail, relative
        assertThat(Black76.N.cumulativeProbability(-8.2) / 1.2019351542735735e-16).isCloseTo(1.0, within(1e-7));
    }

    @Test
    void atTheMoneyCallByHand() {
        // F = K = 100, sigma = 20 %, T = 1: d1 = 0.1, d2 = -0.1, C = 100 (N(0.1) - N(-0.1)) = 100 (2 * 0.539827837277029 - 1)
        double byHand = 100 * (2 * 0.539827837277029 - 1);
        assertThat(byHand).isCloseTo(7.965567455405804, within(1e-12));
        assertThat(B.price(OptionType.CALL, 100, 100, 1, 0.2)).isCloseTo(byHand, within(1e-12));
        assertThat(B.price(OptionType.PUT, 100, 100, 1, 0.2)).isCloseTo(byHand, within(1e-12));
    }

    @Test
    void btcOptionsMatchReferenceValues() {
        // scipy-evaluated Black-76 with zero rates: F = 100,000, sigma = 60 %, T = 30/365
        double t = 30.0 / 365.0;
        assertThat(B.price(OptionType.CALL, 100_000, 110_000, t, 0.6)).isCloseTo(3270.260504709415, within(1e-8));
        assertThat(B.price(OptionType.PUT, 100_000, 110_000, t, 0.6)).isCloseTo(13270.260504709411, within(1e-8));
        assertThat(B.price(OptionType.PUT, 100_000, 90_000, t, 0.6)).isCloseTo(2691.568493274528, within(1e-8));
    }

    @ParameterizedTest
    @CsvSource({"100,100,1,0.2", "100000,110000,0.0821917808,0.6", "4000,2500,0.5,0.9", "50,80,2,0.35",
            "100000,60000,0.01,1.2"})
    void putCallParityHolds(double f, double k, double t, double vol) {
        double c = B.price(OptionType.CALL, f, k, t, vol);
        double p = B.price(OptionType.PUT, f, k, t, vol);
        assertThat(c - p).isCloseTo(f - k, within(1e-9 * Math.max(f, k)));
    }

    @ParameterizedTest
    @CsvSource({"CALL,100000,110000,0.0821917808,0.6", "PUT,100000,90000,0.0821917808,0.6",
            "CALL,4000,4000,0.5,0.8", "PUT,4000,4400,0.25,0.8", "CALL,100,70,1.5,0.3"})
    void greeksMatchFiniteDifferences(OptionType type, double f, double k, double t, double vol) {
        double hF = f * 1e-4;
        double up = B.price(type, f + hF, k, t, vol);
        double mid = B.price(type, f, k, t, vol);
        double down = B.price(type, f - hF, k, t, vol);
        assertThat(B.delta(type, f, k, t, vol)).isCloseTo((up - down) / (2 * hF), within(1e-7));
        assertThat(B.gamma(f, k, t, vol)).isCloseTo((up - 2 * mid + down) / (hF * hF),
                within(1e-4 * B.gamma(f, k, t, vol)));
        double hV = 1e-5;
        double vega = (B.price(type, f, k, t, vol + hV) - B.price(type, f, k, t, vol - hV)) / (2 * hV);
        assertThat(B.vega(f, k, t, vol)).isCloseTo(vega, within(1e-6 * Math.max(1, vega)));
        double hT = 1e-6;
        double theta = -(B.price(type, f, k, t + hT, vol) - B.price(type, f, k, t - hT, vol)) / (2 * hT);
        assertThat(B.theta(f, k, t, vol)).isCloseTo(theta, within(1e-5 * Math.max(1, Math.abs(theta))));
    }

    @Test
    void greekSignsAreConventional() {
        double t = 0.25;
        assertThat(B.delta(OptionType.CALL, 100, 100, t, 0.5)).isBetween(0.0, 1.0);
        assertThat(B.delta(OptionType.PUT, 100, 100, t, 0.5)).isBetween(-1.0, 0.0);
        assertThat(B.gamma(100, 100, t, 0.5)).isPositive();
        assertThat(B.vega(100, 100, t, 0.5)).isPositive();
        assertThat(B.theta(100, 100, t, 0.5)).isNegative();
    }

    /** At expiry (T = 0) the price is the payoff, delta its slope, and gamma, vega and theta vanish. */
    @Test
    void atExpiryThePriceIsTheIntrinsicValue() {
        assertThat(B.price(OptionType.CALL, 110, 100, 0, 0.5)).isEqualTo(10.0);
        assertThat(B.price(OptionType.CALL, 90, 100, 0, 0.5)).isEqualTo(0.0);
        assertThat(B.price(OptionType.PUT, 90, 100, 0, 0.5)).isEqualTo(10.0);
        assertThat(B.price(OptionType.PUT, 100, 100, 0, 0.5)).isEqualTo(0.0);
        assertThat(B.delta(OptionType.CALL, 110, 100, 0, 0.5)).isEqualTo(1.0);
        assertThat(B.delta(OptionType.PUT, 110, 100, 0, 0.5)).isEqualTo(0.0);
        assertThat(B.delta(OptionType.PUT, 90, 100, 0, 0.5)).isEqualTo(-1.0);
        assertThat(B.delta(OptionType.CALL, 100, 100, 0, 0.5)).isEqualTo(0.5);
        assertThat(B.gamma(100, 100, 0, 0.5)).isZero();
        assertThat(B.vega(100, 100, 0, 0.5)).isZero();
        assertThat(B.theta(100, 100, 0, 0.5)).isZero();
        // continuous with the last second before expiry
        double t = 1.0 / (365 * 86_400);
        assertThat(B.price(OptionType.CALL, 110, 100, t, 0.5)).isCloseTo(10.0, within(1e-9));
    }
}
