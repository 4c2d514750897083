package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.eval.Metrics;
import java.util.Random;
import org.apache.commons.statistics.distribution.TDistribution;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void qlikeIsZeroOnlyAtAPerfectForecastAndPenalisesUnderPredictionMore() {
        assertThat(Metrics.qlike(2e-4, 2e-4)).isEqualTo(0.0);
        assertThat(Metrics.qlike(2e-4, 1e-4)).isGreaterThan(Metrics.qlike(2e-4, 4e-4));
        assertThat(Metrics.qlike(2.0, 1.0)).isCloseTo(2 - Math.log(2) - 1, within(1e-15));
    }

    @Test
    void studentTDistributionOfCommonsStatisticsMatchesScipy() {
        // scipy.stats.t.cdf(2.0, 10), t.cdf(-1.7, 2000), t.cdf(-0.3, 5) with scipy 1.17.1: the p-values of the DM test
        assertThat(TDistribution.of(10).cumulativeProbability(2.0)).isCloseTo(0.9633059826146299, within(1e-12));
        assertThat(TDistribution.of(2000).cumulativeProbability(-1.7)).isCloseTo(0.044643204608558126, within(1e-12));
        assertThat(TDistribution.of(5).cumulativeProbability(-0.3)).isCloseTo(0.38812452113163726, within(1e-12));
    }

    @Test
    void neweyWestVarianceAndAutomaticLagMatchAHandComputedExample() {
        // T = 12, mean 0.2333..: g0 = 0.2172222, g1 = 0.1204630, g2 = -0.0001852 (sums of products / T, by hand).
        // Pilot lags floor(4 (12/100)^(2/9)) = 2: s0 = g0 + 2 (g1 + g2) = 0.4577778, s1 = 2 (g1 + 2 g2) = 0.2401852,
        // gamma = 1.1447 ((s1/s0)^2)^(1/3) = 0.74465, lag = floor(gamma 12^(1/3)) = floor(1.7046) = 1;
        // long-run variance with Bartlett weight 1/2 on lag 1: g0 + g1 = 0.3376852.
        double[] d = {0.9, 0.7, 0.8, 0.2, -0.1, 0.3, 0.6, 0.5, -0.4, -0.6, -0.2, 0.1};
        assertThat(Metrics.neweyWestLag(d)).isEqualTo(1);
        assertThat(Metrics.neweyWestVariance(d, 0)).isCloseTo(0.21722222222222223, within(1e-15));
        assertThat(Metrics.neweyWestVariance(d, 1)).isCloseTo(0.3376851851851852, within(1e-15));
        assertThat(Metrics.neweyWestVariance(d, 2)).isCloseTo(0.21722222222222223 + 2 * (2.0 / 3) * 0.12046296296296294
            + 2 * (1.0 / 3) * -0.0001851851851851702, within(1e-15));
        // DM at h = 1 now uses that lag (the no-lag DM of v1 used g0 only): stat and p from numpy / scipy 1.17.1
        Metrics.DieboldMariano dm = Metrics.dieboldMariano(d, 1);
        assertThat(dm.lags()).isEqualTo(1);
        assertThat(dm.stat()).isCloseTo(1.3317328846310277, within(1e-12));
        assertThat(dm.p()).isCloseTo(0.895057575917375, within(1e-12));
        assertThatThrownBy(() -> Metrics.neweyWestVariance(d, 12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Metrics.neweyWestLag(new double[] {1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theAutomaticLagKeepsTheSizeOfDmOnAutocorrelatedLossesWhereNoLagOverRejects() {
        // AR(1) loss differentials with phi = 0.6 and mean 0: the long-run variance is 4x the variance, so a DM with
        // no lag rejects "A better" at 5 % about 12 % of the time (P(Z < -1.645 / 2)); with the automatic lag near 5 %.
        Random rnd = new Random(11);
        int noLag = 0;
        int auto = 0;
        for (int k = 0; k < 400; k++) {
            double[] d = new double[500];
            double x = 0;
            for (int i = 0; i < d.length; i++) {
                x = 0.6 * x + rnd.nextGaussian();
                d[i] = x;
            }
            noLag += Metrics.dieboldMariano(d, 1, 0).p() < 0.05 ? 1 : 0;
            auto += Metrics.dieboldMariano(d, 1).p() < 0.05 ? 1 : 0;
        }
        assertThat(noLag).isGreaterThan(60);
        assertThat(auto).isBetween(8, 45);
    }

    @Test
    void mincerZarnowitzRecoversAnExactLinearRelation() {
        double[] f = {1, 2, 3, 4, 5};
        double[] p = {0.5 + 2 * 1, 0.5 + 2 * 2, 0.5 + 2 * 3, 0.5 + 2 * 4, 0.5 + 2 * 5};
        Metrics.MincerZarnowitz mz = Metrics.mincerZarnowitz(p, f);
        assertThat(mz.a()).isCloseTo(0.5, within(1e-12));
        assertThat(mz.b()).isCloseTo(2.0, within(1e-12));
        assertThat(mz.r2()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void dieboldMarianoWithHlnCorrectionMatchesTheFormulaByHand() {
        double[] d = {-0.5, 0.1, -0.3, -0.2, 0.4, -0.6, -0.1, -0.4};
        int n = d.length;
        int h = 2;
        double m = -0.2;
        double g0 = 0;
        double g1 = 0;
        for (int i = 0; i < n; i++) {
            g0 += (d[i] - m) * (d[i] - m) / n;
            if (i >= 1) {
                g1 += (d[i] - m) * (d[i - 1] - m) / n;
            }
        }
        double lrv = g0 + 2 * 0.5 * g1;
        double stat = m / Math.sqrt(lrv / n) * Math.sqrt((n + 1 - 2.0 * h + h * (h - 1.0) / n) / n);
        Metrics.DieboldMariano dm = Metrics.dieboldMariano(d, h, h - 1);
        assertThat(dm.stat()).isCloseTo(stat, within(1e-12));
        assertThat(dm.p()).isCloseTo(TDistribution.of(n - 1).cumulativeProbability(stat), within(1e-15));
        assertThat(dm.p()).isLessThan(0.5);
    }

    @Test
    void dieboldMarianoDoesNotRejectEqualForecastsTooOften() {
        Random rnd = new Random(5);
        int rejections = 0;
        for (int k = 0; k < 400; k++) {
            double[] d = new double[300];
            for (int i = 0; i < d.length; i++) {
                d[i] = rnd.nextGaussian();
            }
            if (Metrics.dieboldMariano(d, 1).p() < 0.05) {
                rejections++;
            }
        }
        assertThat(rejections).isBetween(8, 35);
    }
}
