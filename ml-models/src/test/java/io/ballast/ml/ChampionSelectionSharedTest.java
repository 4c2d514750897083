package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.ml.api.ForecastSeries;
import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import io.ballast.ml.registry.ChampionTraining;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The champion policy is one code path: the risk service's retraining ({@link ChampionTraining#train}, on the
 * history up to a day) and the backtest's "champion" ({@link Forecasts#walkForward} with that day as out-of-sample
 * start) score the same candidates on the same year and pick the same model.
 */
class ChampionSelectionSharedTest {

    @Test
    void theServicesRetrainingAndTheBacktestsChampionMakeTheSameDecision() {
        List<DailyBar> bars = Synthetic.bars(900, 9);
        DailySeries full = DailySeries.of(bars);
        int decision = 800; // >= 730 days: the ML models compete
        List<DailyBar> upTo = bars.subList(0, decision + DailySeries.LISTING_DAYS_DROPPED + 1);
        DailySeries service = DailySeries.of(upTo);
        assertThat(service.date(service.size() - 1)).isEqualTo(full.date(decision));

        List<String> lines = new ArrayList<>();
        ChampionTraining.Trained trained = ChampionTraining.train("SYN", service, 1, lines::add);
        ForecastSeries backtest = Forecasts.walkForward("SYN", full, "champion", 1, full.date(decision),
            Progress.NONE);
        assertThat(backtest.model()).isEqualTo(trained.champion().name());

        // every candidate, ML included, was scored on the year, and the decision was the policy's (HAR or a model
        // whose advantage the confidence set supports)
        assertThat(trained.validationQlike().keySet()).containsExactlyInAnyOrderElementsOf(Models.candidates());
        String champion = trained.champion().name();
        assertThat(lines).anyMatch(l -> l.contains("champion " + champion + ": ")
            && (l.contains("HAR is inside") || l.contains("HAR is outside")));
    }
}
