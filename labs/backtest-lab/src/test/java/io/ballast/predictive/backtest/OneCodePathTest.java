package io.ballast.predictive.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.ml.api.ForecastSeries;
import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.MarketData;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.GuardrailState;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.Recommendation;
import io.ballast.predictive.Recommender;
import io.ballast.predictive.VolForecast;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What is evaluated is what runs: the service's daily recommendation ({@link Recommender#withForecasts}, which the
 * risk service's RecommendationJob and PolicyReplay call with the history up to the last close) gives, day after
 * day, exactly the guarded policy's maintenance fraction in the backtest, for the same forecasts, on real BTC bars
 * (2019 .. 2021, HAR walk-forward, daily bars only as the service has them), for the crypto defaults and the literal
 * EMIR preset.
 */
class OneCodePathTest {

    private static final LocalDate OOS = LocalDate.of(2020, 1, 1);

    private static List<DailyBar> btc() {
        Path csv = Path.of(System.getProperty("ballast.project.root", "../.."), "..", "shared", "data", "market",
            "BTC_1d.csv");
        return MarketData.readDaily(csv).stream().filter(b -> !b.date().isAfter(LocalDate.of(2021, 12, 31))).toList();
    }

    @Test
    void serviceRecommendationEqualsTheBacktestsEveryDayUnderTheCryptoDefaults() {
        check(MappingSettings.defaults(), GuardrailSettings.defaults());
    }

    @Test
    void serviceRecommendationEqualsTheBacktestsEveryDayUnderTheEmirPreset() {
        check(MappingSettings.emirLiteral(), GuardrailSettings.emirLiteral());
    }

    private static void check(MappingSettings mapping, GuardrailSettings guardrails) {
        List<DailyBar> bars = btc();
        int h = mapping.mporPerpDays();
        ForecastSeries har = Forecasts.walkForward("BTC", bars, "HAR", h, OOS);
        ForecastSource source = (m, horizon, start) -> "EWMA".equals(m)
            ? Forecasts.walkForward("BTC", bars, "EWMA", horizon, start) : har;
        BacktestConfig d = BacktestConfig.defaults();
        BacktestConfig config = new BacktestConfig(0.99, OOS, Double.NaN, mapping, guardrails, 1, 50,
            d.liquidation(), new double[] {1.0});
        PolicyResult guarded = new BacktestRunner("BTC", bars, List.of(), source, "HAR", config, l -> { }).run()
            .policies().get("guarded");

        GuardrailState state = null;
        int compared = 0;
        int stressed = 0;
        int k = 0;
        for (int i = 0; i < har.size() && k < guarded.dates().length; i++) {
            LocalDate day = har.date(i);
            List<DailyBar> upTo = bars.stream().filter(b -> !b.date().isAfter(day)).toList();
            Recommendation service = Recommender.withForecasts("backtest", "BTC", upTo,
                Map.of(h, VolForecast.of("BTC", har.model(), h, day, har.variance(i))), mapping, guardrails, state,
                day.plusDays(1));
            state = service.nextState();
            stressed += service.bindingGuardrails().contains("stress-release") ? 1 : 0;
            if (day.equals(guarded.dates()[k])) {
                assertThat(service.recommended().mmf()).as("MMF for %s", day).isEqualTo(guarded.margin()[k]);
                compared++;
                k++;
            }
        }
        assertThat(compared).isEqualTo(guarded.dates().length).isGreaterThan(600);
        // the regime trigger fired on some days, so the comparison covers the new branch too
        assertThat(stressed).isPositive();
    }
}
