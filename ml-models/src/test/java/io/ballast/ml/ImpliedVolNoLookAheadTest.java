package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.ml.data.DailySeries;
import io.ballast.ml.data.ImpliedVolDay;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * In the spirit of {@link NoLookAheadTest}: changing every implied volatility value dated after day t leaves every
 * feature row and every forecast of SGD, OLS and HARX at or before t unchanged, and the forecast at t + 1 sees it.
 * (Separate from {@link ImpliedVolTest} so that mutation testing can leave this slower walk-forward out.)
 */
class ImpliedVolNoLookAheadTest {

    private static final int N = 1000;
    private static final int FROM = 760;
    private static final int T = 800;

    @Test
    void featuresAndForecastsAtTIgnoreEveryIndexValueAfterT() {
        DailySeries s = DailySeries.of(Synthetic.bars(N, 11));
        List<ImpliedVolDay> iv = ImpliedVolTest.index(s, 1);
        Random rnd = new Random(7);
        List<ImpliedVolDay> changed = new ArrayList<>();
        for (ImpliedVolDay d : iv) {
            boolean after = d.date().isAfter(s.date(T));
            changed.add(after ? new ImpliedVolDay(d.date(), d.annualVolPct() * (0.3 + 3 * rnd.nextDouble())) : d);
        }
        DailySeries a = s.withImpliedVol(iv);
        DailySeries b = s.withImpliedVol(changed);
        assertThat(b.impliedVariance(T + 1)).isNotEqualTo(a.impliedVariance(T + 1));

        double[][] fa = FeatureBuilder.matrix(a, a.size());
        double[][] fb = FeatureBuilder.matrix(b, b.size());
        for (int i = FeatureBuilder.FIRST_ROW; i <= T; i++) {
            assertThat(fb[i]).as("features at %d", i).containsExactly(fa[i]);
        }
        assertThat(fb[T + 1]).isNotEqualTo(fa[T + 1]);
        for (String m : List.of("SGD", "OLS", "HARX")) {
            for (int h : new int[] {1, 5}) {
                double[] pa = Models.byName(m).forecast(a, h, FROM, a.size(), Progress.NONE);
                double[] pb = Models.byName(m).forecast(b, h, FROM, b.size(), Progress.NONE);
                for (int i = FROM; i <= T; i++) {
                    assertThat(pb[i - FROM]).as("%s h=%d forecast at %d", m, h, i).isEqualTo(pa[i - FROM]);
                }
                assertThat(pb[T + 1 - FROM]).as("%s h=%d forecast at T+1 sees the change", m, h)
                        .isNotEqualTo(pa[T + 1 - FROM]);
            }
        }
    }
}
