package io.ballast.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.model.Models;
import io.ballast.ml.model.Progress;
import io.ballast.ml.registry.ChampionTraining;
import io.ballast.ml.registry.FittedModel;
import io.ballast.ml.registry.ModelArtifact;
import io.ballast.ml.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frozen models: fitted once, restored from their artifact, forecasting without a refit. */
class RegisteredModelTest {

    @TempDir
    Path dir;

    @Test
    void aFrozenHarForecastsWhatTheWalkForwardForecastsAtTheSameDay() {
        DailySeries s = DailySeries.of(Synthetic.bars(500, 7));
        int last = s.size() - 1;
        for (String name : List.of("HAR", "HAR_LEVEL", "EWMA")) {
            for (int h : List.of(1, 2)) {
                double walk = Models.byName(name).forecast(s, h, last, last + 1, Progress.NONE)[0];
                FittedModel m = ChampionTraining.fit(name, s, h, Progress.NONE);
                assertThat(m.forecastVariance(s)).as(name + " h=" + h).isCloseTo(walk, within(walk * 1e-12));
            }
        }
        double garch = Models.byName("GARCH").forecast(s, 1, last, last + 1, Progress.NONE)[0];
        assertThat(ChampionTraining.fit("GARCH", s, 1, Progress.NONE).forecastVariance(s))
                .as("cold-started fit vs warm-started walk-forward").isCloseTo(garch, within(garch * 0.05));
    }

    @Test
    void everyModelKindRoundTripsThroughItsArtifactAndTheFileRegistry() throws Exception {
        List<DailyBar> bars = Synthetic.bars(800, 11);
        DailySeries s = DailySeries.of(bars);
        ModelRegistry reg = new ModelRegistry(dir);
        int v = 0;
        for (String name : List.of("EWMA", "GARCH", "GARCH_T", "HAR", "HAR_LEVEL", "CART", "SGD")) {
            FittedModel m = ChampionTraining.fit(name, s, 2, Progress.NONE);
            ChampionTraining.Trained t = new ChampionTraining.Trained("SYN", m, Map.of(name, 0.3), Map.of(),
                    ModelRegistry.fingerprint(s, s.size()), s.proxyName(), s.date(0), s.date(s.size() - 1),
                    s.size(), 1);
            ModelArtifact a = ModelArtifact.of(t, "2026-12-01T00:00:00Z", Map.of("tenant", "t1"));
            double expected = m.forecastVariance(s);
            assertThat(a.fitted().forecastVariance(s)).as(name).isEqualTo(expected);
            assertThat(Forecasts.fromRegistered(a.fitted(), bars)).as(name).isEqualTo(expected);
            assertThat(a.modelBytes() != null).as(name + " bytes").isEqualTo(Models.isMl(name));
            reg.register(a, "v" + (++v));
            ModelArtifact back = reg.loadChampionArtifact("SYN", 2);
            assertThat(back.model()).isEqualTo(name);
            assertThat(back.fingerprint()).isEqualTo(a.fingerprint());
            assertThat(back.metadata().get("version")).isEqualTo("v" + v);
            assertThat(back.fitted().forecastVariance(s)).as(name + " from files").isEqualTo(expected);
        }
    }

    @Test
    void trainingScoresTheBaselinesOnShortHistoryAndKeepsHarWithLessThanAYearOfValidation() {
        DailySeries s = DailySeries.of(Synthetic.bars(420, 3));
        ChampionTraining.Trained t = ChampionTraining.train("SYN", s, 1, Progress.NONE);
        assertThat(t.validationQlike().keySet()).containsExactlyInAnyOrderElementsOf(Models.BASELINES);
        assertThat(t.leftOut().keySet()).containsExactlyInAnyOrderElementsOf(Models.ML);
        // 420 days leave 348 validation days after the 70-day warm-up: less than the policy's year, HAR is kept
        assertThat(t.champion().name()).isEqualTo("HAR");
        assertThat(t.champion().forecastVariance(s)).isPositive().isFinite();
        assertThatThrownBy(() -> ChampionTraining.train("SYN", DailySeries.of(Synthetic.bars(200, 3)), 1,
                Progress.NONE)).hasMessageContaining("at least");
    }
}
