package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.eval.Metrics;
import io.ballast.ml.eval.StudentT;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void qlikeIsZeroOnlyAtAPerfectForecastAndPenalisesUnderPredictionMore() {
        assertThat(Metrics.qlike(2e-4, 2e-4)).isEqualTo(0.0);
        assertThat(Metrics.qlike(2e-4, 1e-4)).isGreaterThan(Metrics.qlike(2e-4, 4e-4));
        assertThat(Metrics.qlike(2.0, 1.0)).isCloseTo(2 - Math.log(2) - 1, within(1e-15));
    }

    @Test
    void studentTDistributionMatchesScipy() {
        // scipy.stats.t.cdf(2.0, 10), t.cdf(-1.7, 2000), t.cdf(-0.3, 5) with scipy 1.17.1
        assertThat(StudentT.cdf(2.0, 10)).isCloseTo(0.9633059826146299, within(1e-12));
        assertThat(StudentT.cdf(-1.7, 2000)).isCloseTo(0.044643204608558126, within(1e-12));
        assertThat(StudentT.cdf(-0.3, 5)).isCloseTo(0.38812452113163726, within(1e-12));
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
        Metrics.DieboldMariano dm = Metrics.dieboldMariano(d, h);
        assertThat(dm.stat()).isCloseTo(stat, within(1e-12));
        assertThat(dm.p()).isCloseTo(StudentT.cdf(stat, n - 1), within(1e-15));
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
