package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.features.FeatureBuilder;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Changing every price after day t must leave every feature and every forecast made at or before t unchanged. */
class NoLookAheadTest {

    private static final int N = 1000;
    private static final int FROM = 760;
    private static final int T = 800;

    static List<DailyBar> perturbedAfter(List<DailyBar> bars, int t) {
        Random rnd = new Random(99);
        List<DailyBar> out = new ArrayList<>(bars.subList(0, t + 1));
        for (int i = t + 1; i < bars.size(); i++) {
            DailyBar b = bars.get(i);
            double f = Math.exp(0.3 * rnd.nextGaussian());
            double g = 1 + 2 * rnd.nextDouble();
            double open = b.open() * f;
            double close = b.close() * f * Math.exp(0.1 * rnd.nextGaussian());
            out.add(new DailyBar(b.date(), open, Math.max(open, close) * g, Math.min(open, close) / g, close, b.volume() * 3 * g));
        }
        return out;
    }

    @Test
    void featuresAndForecastsAtTIgnoreEveryPriceAfterT() {
        List<DailyBar> bars = Synthetic.bars(N, 11);
        // DailySeries drops the first 7 bars: series index T is bar index T + 7
        List<DailyBar> changed = perturbedAfter(bars, T + DailySeries.LISTING_DAYS_DROPPED);
        DailySeries a = DailySeries.of(bars);
        DailySeries b = DailySeries.of(changed);
        assertThat(a.close(T + 1)).isNotEqualTo(b.close(T + 1));

        double[][] fa = FeatureBuilder.matrix(a, a.size());
        double[][] fb = FeatureBuilder.matrix(b, b.size());
        for (int i = FeatureBuilder.FIRST_ROW; i <= T; i++) {
            assertThat(fb[i]).as("features at %d", i).containsExactly(fa[i]);
        }
        assertThat(fb[T + 1]).isNotEqualTo(fa[T + 1]);

        // XGB, a lab model, is checked in labs/forecast-lab (XgbLabModelTest)
        List<String> models = List.of("EWMA", "GARCH", "GARCH_T", "HAR", "HAR_LEVEL", "CART", "SGD");
        for (String m : models) {
            for (int h : new int[] {1, 5}) {
                double[] pa = Models.byName(m).forecast(a, h, FROM, a.size(), Progress.NONE);
                double[] pb = Models.byName(m).forecast(b, h, FROM, b.size(), Progress.NONE);
                for (int i = FROM; i <= T; i++) {
                    assertThat(pb[i - FROM]).as("%s h=%d forecast at %d", m, h, i).isEqualTo(pa[i - FROM]);
                }
                assertThat(pb[T + 1 - FROM]).as("%s h=%d forecast at T+1 sees the change", m, h).isNotEqualTo(pa[T + 1 - FROM]);
            }
        }
    }
}
