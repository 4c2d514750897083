package io.ballast.predictive;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.MarketData;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecommenderTest {

    private static List<DailyBar> btcUpTo(LocalDate last) {
        Path csv = Path.of(System.getProperty("ballast.project.root", "../.."), "..", "shared", "data", "market",
            "BTC_1d.csv");
        return MarketData.readDaily(csv).stream().filter(b -> !b.date().isAfter(last)).toList();
    }

    @Test
    void realHistoryGivesAChampionRecommendationThenAGuardedNextDay() {
        List<DailyBar> bars = btcUpTo(LocalDate.of(2024, 8, 4));
        GuardrailSettings g = GuardrailSettings.defaults();
        Recommendation first = Recommender.latest("tenant-a", "BTC", bars, "HAR", MappingSettings.defaults(), g, null,
            LocalDate.of(2024, 8, 5));
        assertThat(first.fellBack()).isFalse();
        assertThat(first.forecastModel()).isEqualTo("HAR");
        assertThat(first.recommended().mmf()).isBetween(0.01, 0.5);
        assertThat(first.recommended().imf()).isCloseTo(2 * first.recommended().mmf(), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(first.decision()).isEqualTo(Decision.PROPOSAL);

        List<DailyBar> next = btcUpTo(LocalDate.of(2024, 8, 5));
        Recommendation second = Recommender.latest("tenant-a", "BTC", next, "HAR", MappingSettings.defaults(), g,
            first.nextState(), LocalDate.of(2024, 8, 6));
        assertThat(second.live()).isEqualTo(first.recommended());
        assertThat(second.recommended().mmf())
            .isLessThanOrEqualTo(first.recommended().mmf() * (1 + g.maxDailyIncrease()) + 1e-12);
        assertThat(second.evidence()).isNotEmpty();
    }

    @Test
    void staleDataHoldsTheLiveParametersAndSaysWhy() {
        List<DailyBar> bars = btcUpTo(LocalDate.of(2024, 8, 4));
        GuardrailSettings g = GuardrailSettings.defaults();
        // both champion and EWMA were made on 08-04, five days before 08-09: stale for a 1-day maximum age
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Recommender.latest("tenant-a", "BTC", bars, "HAR",
                MappingSettings.defaults(), g, null, LocalDate.of(2024, 8, 9)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("stale");
        RecommendedParameters live = RecommendedParameters.of(0.1, 0.2, 0.08, 0.14, 0.28, 0.18);
        Recommendation hold = Recommender.latest("tenant-a", "BTC", bars, "HAR", MappingSettings.defaults(), g,
            new GuardrailState(LocalDate.of(2024, 8, 8), live, live, 0), LocalDate.of(2024, 8, 9));
        assertThat(hold.recommended()).isEqualTo(live);
        assertThat(hold.fallbackReason()).contains("stale");
    }
}
