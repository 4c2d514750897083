package io.ballast.risk.recommendation.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.ml.data.DailyBar;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.GuardrailState;
import io.ballast.predictive.Recommendation;
import io.ballast.predictive.RecommendedParameters;
import io.ballast.predictive.Recommender;
import io.ballast.predictive.RegimeSettings;
import io.ballast.predictive.VolForecast;
import io.ballast.risk.governance.domain.RiskSettings;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The boundary the daily recommendation job crosses ({@code RecommendationJob.compute}: {@link TenantSettings#of} of
 * the settings in force, then {@link Recommender#withForecasts}): two tenants that differ only in their stored regime
 * settings get different recommendations on a stress day. The day: 300 calm daily bars (+-1 %), then a 20 % fall;
 * both tenants have MMF 5 % in force and the same forecast (daily sigma 6 %, a raw MMF near 19.5 %).
 */
class TenantRegimeSettingsTest {

    private static final LocalDate START = LocalDate.of(2024, 1, 1);
    private static final int CALM_DAYS = 300;
    private static final double LIVE_MMF = 0.05;
    private static final double LIVE_IMF = 0.10;
    private static final double FORECAST_DAILY_SIGMA = 0.06;

    private static List<DailyBar> crashHistory() {
        List<DailyBar> bars = new ArrayList<>();
        double close = 100;
        for (int i = 0; i < CALM_DAYS; i++) {
            double open = close;
            close = i % 2 == 0 ? open * 1.01 : open / 1.01;
            bars.add(new DailyBar(START.plusDays(i), open, Math.max(open, close) * 1.003,
                    Math.min(open, close) * 0.997, close, 1000));
        }
        double open = close;
        close = open * 0.80;
        bars.add(new DailyBar(START.plusDays(CALM_DAYS), open, open * 1.002, close * 0.99, close, 5000));
        return bars;
    }

    /** A tenant's settings version: the onboarding defaults with the given regime settings stored. */
    private static RiskSettings stored(RegimeSettings regime) {
        RiskSettings s = RiskSettings.defaults(UUID.randomUUID(), OffsetDateTime.now(ZoneOffset.UTC));
        s.stressTriggerRatio = regime.stressTriggerRatio();
        s.exceptionTrigger = regime.exceptionTrigger();
        s.stressMaxDailyIncrease = regime.stressMaxDailyIncrease();
        s.intradayHalfWeightHours = regime.intradayHalfWeightHours();
        s.capInitialMargin = regime.capInitialMargin();
        return s;
    }

    /** What the job computes for one asset of a tenant whose settings in force are {@code s}. */
    private static Recommendation recommend(RiskSettings s) {
        TenantSettings settings = TenantSettings.of(s);
        List<DailyBar> bars = crashHistory();
        LocalDate last = bars.get(bars.size() - 1).date();
        double v = FORECAST_DAILY_SIGMA * FORECAST_DAILY_SIGMA;
        Map<Integer, VolForecast> forecasts = Map.of(1, VolForecast.of("BTC", "HAR", 1, last, v),
                2, VolForecast.of("BTC", "HAR", 2, last, 2 * v));
        RecommendedParameters live = RecommendedParameters.of(LIVE_MMF, LIVE_IMF, 0.05,
                settings.scanRangeFraction(), settings.volShockUpFraction(), settings.volShockDownFraction());
        GuardrailState inForce = new GuardrailState(last, live, live, settings.guardrails().bufferFraction());
        return Recommender.withForecasts("tenant", "BTC", bars, forecasts, settings.mapping(), settings.guardrails(),
                inForce, last.plusDays(1));
    }

    @Test
    void onboardingDefaultsCarryTheModuleRegimeDefaults() {
        RiskSettings s = RiskSettings.defaults(UUID.randomUUID(), OffsetDateTime.now(ZoneOffset.UTC));
        assertThat(s.regime()).isEqualTo(RegimeSettings.defaults());
        assertThat(TenantSettings.of(s).guardrails()).isEqualTo(GuardrailSettings.defaults());
        assertThat(TenantSettings.of(null).guardrails().regime()).isEqualTo(RegimeSettings.defaults());
    }

    @Test
    void theStoredRegimeSettingsReachTheRecommender() {
        RegimeSettings mine = new RegimeSettings(3.5, false, 0.4, 12.0, true);
        assertThat(TenantSettings.of(stored(mine)).guardrails().regime()).isEqualTo(mine);
    }

    @Test
    void twoTenantsWithDifferentRegimeSettingsGetDifferentRecommendationsOnAStressDay() {
        // tenant A: the defaults; the 20 % fall is an exception against its 5 % MMF: stress, cap released to +100 %
        Recommendation a = recommend(stored(RegimeSettings.defaults()));
        assertThat(a.bindingGuardrails()).contains("stress-release");
        assertThat(a.evidence()).anyMatch(l -> l.startsWith("STRESS: exception"));
        assertThat(a.recommended().mmf()).isCloseTo(LIVE_MMF * 2, within(1e-12));
        // tenant B: exceptions do not declare stress, and the day's range is below k = 2 times the forecast: the
        // normal daily cap holds
        Recommendation b = recommend(stored(new RegimeSettings(2.0, false, 1.0, 6.0, false)));
        assertThat(b.bindingGuardrails()).doesNotContain("stress-release");
        assertThat(b.recommended().mmf()).isCloseTo(LIVE_MMF * (1 + GuardrailSettings.FIVE_DAY_DOUBLING_DAILY),
                within(1e-12));
        // tenant C: stress like A, but its stressed step may rise 50 % only
        Recommendation c = recommend(stored(new RegimeSettings(2.0, true, 0.5, 6.0, false)));
        assertThat(c.bindingGuardrails()).contains("stress-release");
        assertThat(c.recommended().mmf()).isCloseTo(LIVE_MMF * 1.5, within(1e-12));
        // tenant D: as B, but the daily cap also holds the IMF (B's IMF goes to its target at once)
        Recommendation d = recommend(stored(new RegimeSettings(2.0, false, 1.0, 6.0, true)));
        assertThat(d.recommended().imf()).isCloseTo(LIVE_IMF * (1 + GuardrailSettings.FIVE_DAY_DOUBLING_DAILY),
                within(1e-12));
        assertThat(b.recommended().imf()).isGreaterThan(d.recommended().imf() * 2);
        assertThat(b.raw().mmf()).isEqualTo(a.raw().mmf()).isGreaterThan(LIVE_MMF * 2);
    }
}
