package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.ml.model.ChampionPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChampionPolicyTest {

    private static Map<String, double[]> year(int days, double challengerShift, long seed) {
        Random rnd = new Random(seed);
        double[] har = new double[days];
        double[] xgb = new double[days];
        double[] ewma = new double[days];
        double x = 0;
        for (int t = 0; t < days; t++) {
            x = 0.5 * x + rnd.nextGaussian();
            double c = 0.3 * Math.exp(0.4 * x);
            har[t] = c + 0.03 * rnd.nextGaussian();
            xgb[t] = har[t] + challengerShift + 0.01 * rnd.nextGaussian();
            ewma[t] = c + 0.08 + 0.03 * rnd.nextGaussian();
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("EWMA", ewma);
        m.put("HAR", har);
        m.put("XGB", xgb);
        return m;
    }

    @Test
    void harStaysChampionWhenAChallengerInsideTheSetIsOnlyTiedWithIt() {
        // XGB's mean loss is a hair lower (-0.0005) but inside noise: both in the set, HAR kept
        ChampionPolicy.Decision d = ChampionPolicy.choose(year(365, -0.0005, 3));
        assertThat(d.mcs().included()).contains("HAR", "XGB").doesNotContain("EWMA");
        assertThat(d.meanQlike().get("XGB")).isLessThan(d.meanQlike().get("HAR"));
        assertThat(d.champion()).isEqualTo("HAR");
        assertThat(d.reason()).contains("inside the 90 % confidence set");
    }

    @Test
    void aChallengerReplacesHarOnlyWhenTheSetExcludesHarOverAYear() {
        ChampionPolicy.Decision d = ChampionPolicy.choose(year(365, -0.05, 2));
        assertThat(d.mcs().included()).containsExactly("XGB");
        assertThat(d.champion()).isEqualTo("XGB");
        assertThat(d.reason()).contains("HAR is outside").contains("over 365 days");
    }

    @Test
    void lessThanAYearOfEvidenceNeverReplacesHar() {
        // the same clear advantage over 200 days: not a year, so no switch
        ChampionPolicy.Decision d = ChampionPolicy.choose(year(200, -0.05, 2));
        assertThat(d.mcs().contains("HAR")).isFalse();
        assertThat(d.champion()).isEqualTo("HAR");
        assertThat(d.reason()).contains("only 200 validation days");
    }

    @Test
    void withoutHarTheLowestMeanLossOfTheSetIsChampion() {
        Map<String, double[]> l = year(365, -0.05, 2);
        l.remove("HAR");
        assertThat(ChampionPolicy.choose(l).champion()).isEqualTo("XGB");
    }
}
