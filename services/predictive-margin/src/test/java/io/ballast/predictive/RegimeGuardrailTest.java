package io.ballast.predictive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The regime-aware cap, the intraday update, the uncapped IMF and the buffer released in stress, each worked out by
 * hand on one step from a live MMF of 10 %. K = z(99.5 %) * 1.26 maps a daily sigma to the MMF (z to 8 digits, hence
 * the 1e-8 tolerance).
 */
class RegimeGuardrailTest {

    private static final LocalDate DAY = LocalDate.of(2024, 8, 5);
    private static final MappingSettings MAP = MappingSettings.defaults();
    private static final double K = 2.5758293 * 1.26;
    private static final double CAP = Math.pow(2, 0.2);

    /** Only the daily cap (+14.87 % / -10 %) and the given regime; no floor, buffer, smoothing or sanity bound. */
    private static GuardrailSettings capped(RegimeSettings regime) {
        GuardrailSettings n = GuardrailSettings.none();
        return n.withMaxDailyChange(GuardrailSettings.FIVE_DAY_DOUBLING_DAILY, 0.10).withRegime(regime);
    }

    private static GuardrailState live(double mmf) {
        RecommendedParameters p = ParameterMapper.DEFAULT.map(mmf / K, mmf / K * Math.sqrt(2), MAP);
        return new GuardrailState(DAY.minusDays(1), p, p, 0.0);
    }

    private static Recommendation run(double forecastSigma, GuardrailSettings g, GuardrailState prev, Realised real) {
        VolForecast f = VolForecast.of("BTC", "HAR", 1, DAY.minusDays(real != null && real.intraday() ? 1 : 0),
            forecastSigma * forecastSigma);
        VolForecast e = VolForecast.of("BTC", "EWMA", 1, f.asOf(), forecastSigma * forecastSigma);
        return PredictiveMarginEngine.DEFAULT.recommend(new RecommendationRequest("t", "BTC", DAY, Map.of(1, f),
            Map.of(1, e), Double.NaN, MAP, g, prev, real));
    }

    @Test
    void calmDayKeepsTheDailyCapAndLetsImfReachItsTargetAtOnce() {
        // target MMF 0.30 from a live 0.10; realised sigma 0.02 is below 2 x the forecast 0.30 / K
        Recommendation r = run(0.30 / K, capped(RegimeSettings.defaults()), live(0.10), new Realised(0.02 * 0.02, 24,
            0.02));
        assertThat(r.recommended().mmf()).isCloseTo(0.10 * CAP, within(1e-8));
        assertThat(r.recommended().imf()).isCloseTo(0.60, within(1e-8));
        assertThat(r.bindingGuardrails()).doesNotContain("stress-release");
    }

    @Test
    void imfIsCappedLikeMaintenanceWhenTheTenantAsksForIt() {
        RegimeSettings capImf = new RegimeSettings(2.0, true, 1.0, 6.0, true);
        Recommendation r = run(0.30 / K, capped(capImf), live(0.10), new Realised(0.02 * 0.02, 24, 0.02));
        assertThat(r.recommended().imf()).isCloseTo(0.20 * CAP, within(1e-8));
    }

    @Test
    void realisedVolatilityAboveKTimesTheForecastReleasesTheCapUpToTheStressLimit() {
        // forecast daily sigma 0.30 / K = 0.0925; realised 0.19 over a whole day is 2.05x: stress; +100 % at most
        Recommendation r = run(0.30 / K, capped(RegimeSettings.defaults()), live(0.10),
            new Realised(0.19 * 0.19, 24, 0.05));
        assertThat(r.bindingGuardrails()).contains("stress-release");
        assertThat(r.recommended().mmf()).isCloseTo(0.20, within(1e-8));
        assertThat(r.evidence()).anyMatch(l -> l.startsWith("STRESS: realised daily-rate sigma 0.19000 over 24 h"));
        // 0.18 is 1.94x: no stress, the normal cap
        Recommendation calm = run(0.30 / K, capped(RegimeSettings.defaults()), live(0.10),
            new Realised(0.18 * 0.18, 24, 0.05));
        assertThat(calm.recommended().mmf()).isCloseTo(0.10 * CAP, within(1e-8));
    }

    @Test
    void withKAtInfinityOnlyAnExceptionDeclaresStress() {
        RegimeSettings exceptionsOnly = new RegimeSettings(Double.POSITIVE_INFINITY, true, 1.0, 6.0, false);
        // realised sigma 100x the forecast: no stress without an exception
        Recommendation calm = run(0.30 / K, capped(exceptionsOnly), live(0.10), new Realised(9.0 * 9.0, 24, 0.05));
        assertThat(calm.bindingGuardrails()).doesNotContain("stress-release");
        assertThat(calm.recommended().mmf()).isCloseTo(0.10 * CAP, within(1e-8));
        Recommendation hit = run(0.30 / K, capped(exceptionsOnly), live(0.10), new Realised(1e-6, 24, 0.2));
        assertThat(hit.bindingGuardrails()).contains("stress-release");
        assertThat(hit.recommended().mmf()).isCloseTo(0.20, within(1e-8));
    }

    @Test
    void anExceptionAgainstTheMaintenanceInForceDeclaresStress() {
        RegimeSettings r = RegimeSettings.defaults();
        Recommendation hit = run(0.15 / K, capped(r), live(0.10), new Realised(1e-6, 24, 0.101));
        assertThat(hit.recommended().mmf()).isCloseTo(0.15, within(1e-8));
        assertThat(hit.evidence()).contains("STRESS: exception: MPOR move 0.1010 above the MMF in force 0.1000; daily"
            + " increase cap released to 100 %, buffer released");
        Recommendation miss = run(0.15 / K, capped(r), live(0.10), new Realised(1e-6, 24, 0.099));
        assertThat(miss.recommended().mmf()).isCloseTo(0.10 * CAP, within(1e-8));
        RegimeSettings noException = new RegimeSettings(2.0, false, 1.0, 6.0, false);
        Recommendation off = run(0.15 / K, capped(noException), live(0.10), new Realised(1e-6, 24, 0.101));
        assertThat(off.recommended().mmf()).isCloseTo(0.10 * CAP, within(1e-8));
    }

    @Test
    void stressReleasesTheBufferAndTheDecreaseCapStillHoldsAfterwards() {
        GuardrailSettings g = capped(RegimeSettings.defaults()).withBuffer(0.25);
        RecommendedParameters p = ParameterMapper.DEFAULT.map(0.08 / K, 0.08 / K * Math.sqrt(2), MAP);
        GuardrailState prev = new GuardrailState(DAY.minusDays(1), p.map(x -> x * 1.25), p, 0.25);
        Recommendation stressed = run(0.12 / K, g, prev, new Realised(0.2 * 0.2, 24, 0.01));
        assertThat(stressed.nextState().bufferLevel()).isZero();
        assertThat(stressed.recommended().mmf()).isCloseTo(0.12, within(1e-8));
        // the next calm day with a much lower forecast: -10 % from the live 0.12, buffer rebuilding from 0
        Recommendation after = PredictiveMarginEngine.DEFAULT.recommend(new RecommendationRequest("t", "BTC",
            DAY.plusDays(1), Map.of(1, VolForecast.of("BTC", "HAR", 1, DAY.plusDays(1), 0.0004 / (K * K))),
            Map.of(1, VolForecast.of("BTC", "EWMA", 1, DAY.plusDays(1), 0.0004 / (K * K))), Double.NaN, MAP, g,
            stressed.nextState(), new Realised(1e-6, 24, 0.001)));
        assertThat(after.recommended().mmf()).isCloseTo(0.12 * 0.9, within(1e-8));
        assertThat(after.nextState().bufferLevel()).isEqualTo(g.bufferRebuildPerDay());
    }

    @Test
    void intradayUpdateMovesTheForecastHalfWayAfterSixHoursAndNeverLowersLiveParameters() {
        // forecast daily variance v = (0.10 / K)^2; after 6 h the realised daily rate is 4 v: weight 6 / 12 = 0.5,
        // updated variance 2.5 v, so the target MMF is 0.10 * sqrt(2.5) = 0.158 (rate sigma 2x the forecast: no
        // stress at k = 2, so the cap holds: 0.1149)
        double v = Math.pow(0.10 / K, 2);
        RegimeSettings r = new RegimeSettings(2.0001, false, 1.0, 6.0, false);
        Recommendation up = run(0.10 / K, capped(r), live(0.10), new Realised(4 * v * 6 / 24, 6, 0.0));
        assertThat(up.sigmaPerp()).isCloseTo(Math.sqrt(2.5 * v), within(1e-12));
        assertThat(up.recommended().mmf()).isCloseTo(0.10 * CAP, within(1e-8));
        assertThat(up.recommended().imf()).isCloseTo(2 * 0.10 * Math.sqrt(2.5), within(1e-8));
        assertThat(up.bindingGuardrails()).contains("intraday-update");
        // the option MPOR (2 days, no forecast: the perp's scaled, 2 v) moves alike: 0.5 x 2 v + 0.5 x 4 v x 2 = 5 v
        assertThat(up.sigmaOption()).isCloseTo(Math.sqrt(5 * v), within(1e-12));
        assertThat(up.evidence()).anyMatch(l -> l.equals(String.format(java.util.Locale.ROOT,
            "intraday update after 6 h: realised daily-rate sigma %.5f, weight 0.50; sigma(1d) %.5f -> %.5f",
            2 * Math.sqrt(v), Math.sqrt(v), Math.sqrt(2.5 * v))));
        // with the intraday update off (half weight at infinity) the forecast stays
        RegimeSettings off = new RegimeSettings(2.0001, false, 1.0, Double.POSITIVE_INFINITY, false);
        Recommendation still = run(0.10 / K, capped(off), live(0.10), new Realised(4 * v * 6 / 24, 6, 0.0));
        assertThat(still.sigmaPerp()).isCloseTo(Math.sqrt(v), within(1e-15));
        assertThat(still.bindingGuardrails()).doesNotContain("intraday-update");
        // a quiet morning with a lower forecast: the engine's result falls 10 %, but intraday never lowers what is live
        GuardrailState close = live(0.10);
        Recommender.Intraday quiet = intraday(0.05 / K, capped(r), close, close.applied(), new Realised(1e-8, 6, 0.0));
        assertThat(quiet.raises()).isFalse();
        assertThat(quiet.recommendation().recommended().mmf()).isEqualTo(close.applied().mmf());
        assertThat(quiet.recommendation().recommended().imf()).isEqualTo(close.applied().imf());
        assertThat(quiet.recommendation().bindingGuardrails()).contains("intraday-no-decrease");
        assertThat(quiet.recommendation().evidence()).anyMatch(l -> l.startsWith("intraday-no-decrease: MMF 0.09000"));
    }

    /** The intraday decision of one hour, from the state the close started from, against {@code live}. */
    private static Recommender.Intraday intraday(double forecastSigma, GuardrailSettings g, GuardrailState atClose,
                                                 RecommendedParameters live, Realised real) {
        VolForecast f = VolForecast.of("BTC", "HAR", 1, DAY.minusDays(1), forecastSigma * forecastSigma);
        VolForecast e = VolForecast.of("BTC", "EWMA", 1, f.asOf(), forecastSigma * forecastSigma);
        return Recommender.intradayFromInputs("t", "BTC", Map.of(1, f), Map.of(1, e), Double.NaN, real, MAP, g,
            atClose, live, DAY);
    }

    @Test
    void anIntradayHourStepsSmoothingBufferAndCapOnceADayNotAgainOnTopOfTheClose() {
        // the close: target MMF 0.30 from a live 0.10, capped at +14.87 %, with smoothing and a buffer building up
        GuardrailSettings g = capped(RegimeSettings.defaults()).withSmoothing(0.5, 0.5).withBuffer(0.25);
        RecommendedParameters p = ParameterMapper.DEFAULT.map(0.10 / K, 0.10 / K * Math.sqrt(2), MAP);
        GuardrailState atClose = new GuardrailState(DAY.minusDays(1), p, p, 0.05);
        Recommendation close = run(0.30 / K, g, atClose, new Realised(0.01 * 0.01, 24, 0.001));
        assertThat(close.recommended().mmf()).isCloseTo(0.10 * CAP, within(1e-8));
        // what a calm hour used to do: fed the state the close LEFT, the engine smooths, rebuilds the buffer and caps
        // once more (from the close's 0.1149 with a fresh 24 h allowance): a raise that nothing realised caused
        Recommendation twice = run(0.30 / K, g, close.nextState(), new Realised(1e-8, 1, 0.0));
        assertThat(twice.recommended().mmf()).isCloseTo(0.10 * CAP * CAP, within(1e-8));
        // the intraday decision runs from the state the close started from: a calm hour is the close again
        Recommender.Intraday calm = intraday(0.30 / K, g, atClose, close.recommended(), new Realised(1e-8, 1, 0.0));
        assertThat(calm.recommendation().recommended()).isEqualTo(close.recommended());
        assertThat(calm.raises()).isFalse();
        assertThat(calm.after(close.nextState())).isEqualTo(close.nextState());
        // an hour whose realised variance moves the forecast up, but not into stress: still within the day's cap
        double v = Math.pow(0.30 / K, 2);
        Recommender.Intraday moved = intraday(0.30 / K, g, atClose, close.recommended(),
            new Realised(3 * v * 6 / 24, 6, 0.0));
        assertThat(moved.recommendation().bindingGuardrails()).contains("intraday-update");
        assertThat(moved.recommendation().recommended().mmf()).isCloseTo(0.10 * CAP, within(1e-8));
        assertThat(moved.raises()).as("IMF is uncapped and rises with the forecast").isTrue();
        assertThat(moved.recommendation().recommended().imf()).isGreaterThan(close.recommended().imf());
        // stress in the hour (realised above k = 2 times the forecast) releases the cap: MMF rises, buffer released
        Recommender.Intraday stressed = intraday(0.30 / K, g, atClose, close.recommended(),
            new Realised(9 * v * 6 / 24, 6, 0.0));
        assertThat(stressed.raises()).isTrue();
        assertThat(stressed.recommendation().recommended().mmf()).isGreaterThan(0.10 * CAP * CAP);
        GuardrailState after = stressed.after(close.nextState());
        assertThat(after.applied()).isEqualTo(stressed.recommendation().recommended());
        assertThat(after.smoothed()).isEqualTo(close.nextState().smoothed());
        assertThat(after.bufferLevel()).isZero();
    }

    @Test
    void aCalmHourAfterAStressedCloseRaisesNothingAlthoughTheBufferWouldComeBack() {
        // the close released the 5 % buffer because of yesterday's realised variance (5 v over 24 h: stress at k = 2);
        // a calm hour, recomputed from the same state, is not in stress, so the engine puts the buffer back on:
        // 0.105 x 1.05 = 0.110, above the close's 0.105 but below the cap. Nothing realised since the close acted
        // (no intraday update, no stress), so it is not a raise.
        GuardrailSettings g = capped(RegimeSettings.defaults()).withBuffer(0.25);
        RecommendedParameters p = ParameterMapper.DEFAULT.map(0.10 / K, 0.10 / K * Math.sqrt(2), MAP);
        GuardrailState atClose = new GuardrailState(DAY.minusDays(1), p.map(x -> x * 1.05), p, 0.05);
        double v = Math.pow(0.105 / K, 2);
        Recommendation close = run(0.105 / K, g, atClose, new Realised(5 * v, 24, 0.001));
        assertThat(close.bindingGuardrails()).contains("stress-release", "buffer-release");
        assertThat(close.recommended().mmf()).isCloseTo(0.105, within(1e-8));
        Recommender.Intraday calm = intraday(0.105 / K, g, atClose, close.recommended(), new Realised(1e-8, 3, 0.0));
        assertThat(calm.recommendation().bindingGuardrails()).doesNotContain("intraday-update", "stress-release");
        assertThat(calm.recommendation().recommended().mmf()).isCloseTo(0.105 * 1.05, within(1e-8));
        assertThat(calm.raises()).isFalse();
    }

    @Test
    void anIntradayUpdateNeedsTheCloseStateAndRealisedFiguresAreChecked() {
        assertThatThrownBy(() -> run(0.1, capped(RegimeSettings.defaults()), null, new Realised(0.001, 6, 0.0)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state of the last close");
        assertThatThrownBy(() -> new Realised(0.001, 0, 0.0)).hasMessageContaining("elapsedHours");
        assertThatThrownBy(() -> new Realised(0.001, 25, 0.0)).hasMessageContaining("elapsedHours");
        assertThatThrownBy(() -> new Realised(-0.001, 6, 0.0)).hasMessageContaining("variance");
        assertThatThrownBy(() -> new RegimeSettings(0, true, 1, 6, false)).hasMessageContaining("stressTriggerRatio");
        assertThatThrownBy(() -> new RegimeSettings(2, true, -1, 6, false))
            .hasMessageContaining("stressMaxDailyIncrease");
        assertThatThrownBy(() -> new RegimeSettings(2, true, 1, 0, false))
            .hasMessageContaining("intradayHalfWeightHours");
        assertThat(new Realised(0.001, 6, 0.0).dailyRateVariance()).isCloseTo(0.004, within(1e-15));
    }
}
