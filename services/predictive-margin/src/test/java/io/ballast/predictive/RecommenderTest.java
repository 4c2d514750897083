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

    /**
     * The realised figures since the close, as the service's intraday pass and the backtest both compute them: the
     * squared log returns of the hourly closes chained from the daily close (a missing hour is skipped), the hours to
     * the end of the last bar's hour, the move against the MPOR reference close; the 23:00 bar ends the day.
     */
    @Test
    void realisedSinceTheCloseChainsHourlyLogReturnsFromTheDailyClose() {
        java.time.Instant midnight = java.time.Instant.parse("2025-01-02T00:00:00Z");
        List<io.ballast.ml.data.HourlyBar> bars = List.of(hour(midnight, 0, 98), hour(midnight, 1, 95),
            hour(midnight, 3, 85));
        Realised r = Recommender.realisedSinceClose(100, 90, bars);
        double expected = Math.pow(Math.log(0.98), 2) + Math.pow(Math.log(95.0 / 98), 2)
            + Math.pow(Math.log(85.0 / 95), 2);
        assertThat(r.variance()).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(r.elapsedHours()).isEqualTo(4.0);
        assertThat(r.intraday()).isTrue();
        assertThat(r.moveAbs()).isCloseTo(1 - 85.0 / 90,
            org.assertj.core.api.Assertions.within(1e-15));
        assertThat(Recommender.realisedSinceClose(100, 90, List.of(hour(midnight, 23, 99)))).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Recommender.realisedSinceClose(100, 90, List.of()))
            .isInstanceOf(IllegalArgumentException.class);
    }

    private static io.ballast.ml.data.HourlyBar hour(java.time.Instant midnight, int h, double close) {
        return new io.ballast.ml.data.HourlyBar(midnight.plusSeconds(3600L * h), close, close, close, close, 0);
    }
}
