package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.eval.Metrics;
import io.ballast.ml.eval.ModelConfidenceSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

class ModelConfidenceSetTest {

    /** Positive, skewed, autocorrelated losses like daily QLIKE: exp of an AR(1), plus a shift. */
    private static double[] losses(Random rnd, double[] common, double shift, double ownSd) {
        double[] l = new double[common.length];
        for (int t = 0; t < l.length; t++) {
            l[t] = common[t] + shift + ownSd * rnd.nextGaussian();
        }
        return l;
    }

    private static double[] common(Random rnd, int n) {
        double[] c = new double[n];
        double x = 0;
        for (int t = 0; t < n; t++) {
            x = 0.5 * x + rnd.nextGaussian();
            c[t] = 0.3 * Math.exp(0.5 * x);
        }
        return c;
    }

    @Test
    void aClearlyWorseModelIsEliminatedAndTwoEqualOnesStay() {
        Random rnd = new Random(3);
        double[] c = common(rnd, 365);
        Map<String, double[]> l = new LinkedHashMap<>();
        l.put("A", losses(rnd, c, 0.0, 0.05));
        l.put("B", losses(rnd, c, 0.0, 0.05));
        l.put("WORSE", losses(rnd, c, 0.05, 0.05));
        ModelConfidenceSet.Result r = ModelConfidenceSet.of(l, 0.10);
        assertThat(r.included()).containsExactlyInAnyOrder("A", "B");
        assertThat(r.contains("WORSE")).isFalse();
        // eliminated first, with an MCS p-value far below 10 %; the survivor has p-value 1
        assertThat(r.pValues().keySet().iterator().next()).isEqualTo("WORSE");
        assertThat(r.pValues().get("WORSE")).isLessThan(0.01);
        assertThat(r.pValues().values()).contains(1.0);
        assertThat(r.meanLoss().get("WORSE") - r.meanLoss().get("A")).isCloseTo(0.05, within(0.01));
        assertThat(r.meanBlock()).isEqualTo(7.0); // round(365^(1/3)) = 7
        // the MCS p-values never decrease along the elimination order
        double previous = 0;
        for (double p : r.pValues().values()) {
            assertThat(p).isGreaterThanOrEqualTo(previous);
            previous = p;
        }
    }

    @Test
    void twoModelsGiveTheTwoSidedTestOfEqualMeanLoss() {
        // With two models T_max = |t| of the mean loss difference, so the MCS p-value of the worse model is the
        // two-sided p-value 2 (1 - Phi(|t|)) of a t-test of equal means (iid losses: any block length is consistent).
        Random rnd = new Random(8);
        int n = 400;
        double[] a = new double[n];
        double[] b = new double[n];
        double[] d = new double[n];
        for (int t = 0; t < n; t++) {
            a[t] = 1 + rnd.nextGaussian();
            b[t] = 1.1 + rnd.nextGaussian();
            d[t] = b[t] - a[t];
        }
        double tStat = Metrics.mean(d) / Math.sqrt(Metrics.neweyWestVariance(d, 0) / n);
        double expected = 2 * (1 - NormalDistribution.of(0.0, 1.0).cumulativeProbability(Math.abs(tStat)));
        ModelConfidenceSet.Result r = ModelConfidenceSet.of(Map.of("A", a, "B", b), 0.05, 1, 4000, 1);
        String worse = Metrics.mean(d) > 0 ? "B" : "A";
        assertThat(expected).isBetween(0.005, 0.5); // the sample is a real test of the p-value, not a corner
        assertThat(r.pValues().get(worse)).isCloseTo(expected, within(0.02));
    }

    @Test
    void theResultIsReproducibleFromItsSeedAndInputsAreChecked() {
        Random rnd = new Random(4);
        double[] c = common(rnd, 200);
        Map<String, double[]> l = Map.of("A", losses(rnd, c, 0, 0.1), "B", losses(rnd, c, 0.01, 0.1));
        assertThat(ModelConfidenceSet.of(l, 0.1).pValues()).isEqualTo(ModelConfidenceSet.of(l, 0.1).pValues());
        assertThat(ModelConfidenceSet.of(Map.of("ONLY", c), 0.1).included()).containsExactly("ONLY");
        assertThatThrownBy(() -> ModelConfidenceSet.of(Map.of("A", new double[] {1, 2}), 0.1))
            .hasMessageContaining("at least 10");
        assertThatThrownBy(() -> ModelConfidenceSet.of(Map.of("A", c, "B", new double[199]), 0.1))
            .hasMessageContaining("unequal");
        assertThatThrownBy(() -> ModelConfidenceSet.of(l, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
