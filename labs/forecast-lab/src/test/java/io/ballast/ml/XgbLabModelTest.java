package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.ml.MlConfig;
import io.ballast.ml.ml.Xgb;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * XGBoost lives in the lab: once registered it runs by name like the built-in Tribuo models, it is never a champion
 * candidate (the service's and the backtest's candidate set stay the pure-Java one), and its walk-forward does not
 * look ahead.
 */
class XgbLabModelTest {

    @Test
    void registeredXgbIsAnMlModelButNeverAChampionCandidate() {
        Xgb.register();
        assertThat(Models.isMl("xgb")).isTrue();
        assertThat(MlConfig.grid("XGB")).extracting(MlConfig::describe).containsExactly(
                "XGB(trees=100, depth=1, eta=0.03)", "XGB(trees=300, depth=1, eta=0.03)",
                "XGB(trees=200, depth=2, eta=0.02)", "XGB(trees=150, depth=3, eta=0.02)");
        assertThat(Models.candidates()).containsExactly("EWMA", "GARCH", "HAR", "HAR_LEVEL", "CART", "SGD");
    }

    @Test
    @EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64")
    void xgbForecastsAtTIgnoreEveryPriceAfterT() {
        Xgb.register();
        int from = 760;
        int t = 800;
        List<DailyBar> bars = Synthetic.bars(1000, 11);
        DailySeries a = DailySeries.of(bars);
        DailySeries b = DailySeries.of(NoLookAheadTest.perturbedAfter(bars, t + DailySeries.LISTING_DAYS_DROPPED));
        double[] pa = Models.byName("XGB").forecast(a, 1, from, a.size(), Progress.NONE);
        double[] pb = Models.byName("XGB").forecast(b, 1, from, b.size(), Progress.NONE);
        for (int i = from; i <= t; i++) {
            assertThat(pb[i - from]).as("XGB forecast at %d", i).isEqualTo(pa[i - from]).isPositive();
        }
        assertThat(pb[t + 1 - from]).as("the forecast at T+1 sees the change").isNotEqualTo(pa[t + 1 - from]);
    }
}
