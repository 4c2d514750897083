package io.ballast.predictive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictiveMarginEngineTest {

    private static final LocalDate DAY = LocalDate.of(2024, 8, 5);
    private static final double Z99_TWO_SIDED = 2.5758293;
    private static final MappingSettings MAP = MappingSettings.defaults(); // 99 %, 1d/2d, tail 1.26, IM x2
    private static final double K = Z99_TWO_SIDED * 1.26;

    /** Settings with every guardrail neutral, so each test switches on exactly one. */
    private static GuardrailSettings neutral() {
        return GuardrailSettings.none();
    }

    /** A copy of g with another sanity ratio and auto-apply bound. */
    private static GuardrailSettings with(GuardrailSettings g, double sanity, double autoApply) {
        return new GuardrailSettings(g.floorMode(), g.floorWeight(), g.bufferFraction(), g.bufferReleaseRise(),
            g.bufferRebuildPerDay(), g.maxDailyIncrease(), g.maxDailyDecrease(), g.minimums(), g.maximums(),
            g.smoothingUp(), g.smoothingDown(), g.maxForecastAgeDays(), sanity, autoApply, g.regime());
    }

    private static VolForecast model(double dailySigma, LocalDate asOf) {
        return VolForecast.of("BTC", "HAR", 1, asOf, dailySigma * dailySigma);
    }

    private static VolForecast ewma(double dailySigma) {
        return VolForecast.of("BTC", "EWMA", 1, DAY, dailySigma * dailySigma);
    }

    private static RecommendationRequest request(VolForecast m, VolForecast e, double floorSigma, GuardrailSettings g,
                                                 GuardrailState prev) {
        return new RecommendationRequest("tenant-a", "BTC", DAY, m == null ? Map.of() : Map.of(1, m),
            e == null ? Map.of() : Map.of(1, e), floorSigma, MAP, g, prev);
    }

    private static GuardrailState stateWithMmf(double mmf) {
        RecommendedParameters p = ParameterMapper.DEFAULT.map(mmf / K, mmf / K * Math.sqrt(2), MAP);
        return new GuardrailState(DAY.minusDays(1), p, p, 0.0);
    }

    private static Recommendation recommend(RecommendationRequest r) {
        return PredictiveMarginEngine.DEFAULT.recommend(r);
    }

    @Test
    void mappingIsZTimesTailTimesSigmaAndImfIsTheMultiple() {
        RecommendedParameters p = ParameterMapper.DEFAULT.map(0.03, 0.03 * Math.sqrt(2), MAP);
        assertThat(p.mmf()).isCloseTo(K * 0.03, within(1e-6));
        assertThat(p.imf()).isCloseTo(2 * K * 0.03, within(1e-6));
        assertThat(p.scanRange()).isCloseTo(K * 0.03 * Math.sqrt(2), within(1e-6));
        assertThat(p.haircut()).isCloseTo(1 - Math.exp(-2.3263479 * 1.26 * 0.03), within(1e-6));
        assertThat(p.volShockUp()).isCloseTo(2.0 * p.scanRange(), within(1e-12));
        assertThat(p.volShockDown()).isCloseTo(1.33 * p.scanRange(), within(1e-12));
    }

    @Test
    void withoutGuardrailsTheRecommendationIsTheRawMapping() {
        Recommendation r = recommend(request(model(0.02, DAY), ewma(0.02), Double.NaN, neutral(), null));
        assertThat(r.recommended().mmf()).isCloseTo(K * 0.02, within(1e-9));
        assertThat(r.bindingGuardrails()).isEmpty();
        assertThat(r.fellBack()).isFalse();
        assertThat(r.forecastModel()).isEqualTo("HAR");
        assertThat(r.decision()).isEqualTo(Decision.PROPOSAL); // nothing live to compare with yet
    }

    @Test
    void antiProcyclicalityFloorLiftsACalmForecastToTheWeightedLongLookbackLevel() {
        GuardrailSettings g = neutral().withFloorMode(GuardrailSettings.FloorMode.LONG_LOOKBACK).withFloorWeight(0.8);
        Recommendation r = recommend(request(model(0.01, DAY), ewma(0.01), 0.04, g, null));
        assertThat(r.recommended().mmf()).isCloseTo(0.8 * K * 0.04, within(1e-9));
        assertThat(r.raw().mmf()).isCloseTo(K * 0.01, within(1e-9));
        assertThat(r.bindingGuardrails()).containsExactly("floor-long_lookback");
        // a forecast above the floor is left alone
        Recommendation high = recommend(request(model(0.05, DAY), ewma(0.05), 0.04, g, null));
        assertThat(high.recommended().mmf()).isCloseTo(K * 0.05, within(1e-9));
        assertThat(high.bindingGuardrails()).isEmpty();
    }

    @Test
    void maximumChangePer24HoursCapsRisesAndFallsAgainstTheLiveValue() {
        GuardrailSettings g = neutral().withMaxDailyChange(0.5, 0.1);
        Recommendation up = recommend(request(model(0.08, DAY), ewma(0.08), Double.NaN, g, stateWithMmf(0.05)));
        assertThat(up.recommended().mmf()).isCloseTo(0.075, within(1e-9));
        assertThat(up.bindingGuardrails()).contains("max-change");
        Recommendation down = recommend(request(model(0.001, DAY), ewma(0.001), Double.NaN, g, stateWithMmf(0.05)));
        assertThat(down.recommended().mmf()).isCloseTo(0.045, within(1e-9));
    }

    @Test
    void absoluteBoundsHoldEvenAgainstTheChangeLimit() {
        RecommendedParameters min = RecommendedParameters.of(0.03, 0.03, 0, 0.01, 0, 0);
        RecommendedParameters max = RecommendedParameters.of(0.10, 0.20, 0.5, 0.5, 1, 0.5);
        GuardrailSettings g = neutral().withBounds(min, max);
        assertThat(recommend(request(model(0.005, DAY), ewma(0.005), Double.NaN, g, null)).recommended().mmf())
            .isEqualTo(0.03);
        Recommendation r = recommend(request(model(0.2, DAY), ewma(0.2), Double.NaN, g, null));
        assertThat(r.recommended().mmf()).isEqualTo(0.10);
        assertThat(r.recommended().imf()).isEqualTo(0.20);
        assertThat(r.bindingGuardrails()).containsExactly("bounds");
    }

    @Test
    void smoothingDampsFallsButFollowsRises() {
        GuardrailSettings g = neutral().withSmoothing(1.0, 0.3);
        GuardrailState prev = stateWithMmf(0.10);
        Recommendation fall = recommend(request(model(0.05 / K, DAY), ewma(0.05 / K), Double.NaN, g, prev));
        assertThat(fall.recommended().mmf()).isCloseTo(0.3 * 0.05 + 0.7 * 0.10, within(1e-9));
        Recommendation rise = recommend(request(model(0.2 / K, DAY), ewma(0.2 / K), Double.NaN, g, prev));
        assertThat(rise.recommended().mmf()).isCloseTo(0.2, within(1e-9));
    }

    @Test
    void bufferIsAddedInCalmTimesAndReleasedWhenMarginJumps() {
        GuardrailSettings g = neutral().withBuffer(0.25);
        Recommendation first = recommend(request(model(0.02, DAY), ewma(0.02), Double.NaN, g, null));
        assertThat(first.recommended().mmf()).isCloseTo(1.25 * K * 0.02, within(1e-9));
        GuardrailState calm = new GuardrailState(DAY.minusDays(1), first.recommended(), first.nextState().smoothed(),
            0.25);
        Recommendation jump = recommend(request(model(0.03, DAY), ewma(0.03), Double.NaN, g, calm));
        assertThat(jump.recommended().mmf()).isCloseTo(K * 0.03, within(1e-9)); // +50 % raw, buffer released
        assertThat(jump.bindingGuardrails()).contains("buffer-release");
        assertThat(jump.nextState().bufferLevel()).isZero();
    }

    @Test
    void brokenModelOutputFallsBackToEwmaAndSaysWhy() {
        GuardrailSettings g = GuardrailSettings.defaults().withFloorMode(GuardrailSettings.FloorMode.NONE);
        Recommendation nan = recommend(request(VolForecast.of("BTC", "XGB", 1, DAY, Double.NaN), ewma(0.03),
            Double.NaN, g, null));
        assertThat(nan.fellBack()).isTrue();
        assertThat(nan.fallbackReason()).contains("invalid variance NaN");
        assertThat(nan.forecastModel()).isEqualTo("EWMA");
        assertThat(nan.recommended().mmf()).isCloseTo(K * 0.03, within(1e-9));
        assertThat(nan.evidence()).anyMatch(line -> line.startsWith("FALLBACK to EWMA"));

        Recommendation stale = recommend(request(model(0.02, DAY.minusDays(3)), ewma(0.03), Double.NaN, g, null));
        assertThat(stale.fallbackReason()).contains("stale");
        assertThat(stale.sigmaPerp()).isCloseTo(0.03, within(1e-12));

        Recommendation low = recommend(request(model(0.003, DAY), ewma(0.03), Double.NaN, g, null));
        assertThat(low.fallbackReason()).contains("implausibly low").contains("0.10x");
        assertThat(low.sigmaPerp()).isCloseTo(0.03, within(1e-12));

        Recommendation infinite = recommend(request(VolForecast.of("BTC", "XGB", 1, DAY, Double.POSITIVE_INFINITY),
            ewma(0.03), Double.NaN, g, null));
        assertThat(infinite.fallbackReason()).contains("invalid variance Infinity");
        assertThat(infinite.sigmaPerp()).isCloseTo(0.03, within(1e-12));

        Recommendation missing = recommend(request(null, ewma(0.03), Double.NaN, g, null));
        assertThat(missing.fallbackReason()).contains("missing");

        Recommendation fine = recommend(request(model(0.06, DAY), ewma(0.03), Double.NaN, g, null));
        assertThat(fine.fellBack()).isFalse(); // 2x EWMA is inside the 4x sanity bound
    }

    @Test
    void anImplausiblyHighForecastIsClippedToTheSanityBoundNotReplacedByTheLowerEwma() {
        GuardrailSettings g = GuardrailSettings.defaults().withFloorMode(GuardrailSettings.FloorMode.NONE);
        // champion 10x EWMA on a crash day: the 4x bound gives sigma 4 * 0.03 = 0.12, MMF = K * 0.12 (EWMA would
        // have given K * 0.03, a quarter of it)
        Recommendation crash = recommend(request(model(0.30, DAY), ewma(0.03), Double.NaN, g, null));
        assertThat(crash.fellBack()).isFalse();
        assertThat(crash.forecastModel()).isEqualTo("HAR");
        assertThat(crash.sigmaPerp()).isCloseTo(0.12, within(1e-12));
        assertThat(crash.raw().mmf()).isCloseTo(K * 0.12, within(1e-7));
        assertThat(crash.bindingGuardrails()).contains("sanity-clip");
        assertThat(crash.evidence()).anyMatch(line -> line.startsWith("CLIPPED for 1d") && line.contains("10.00x"));
        // exactly at the bound nothing is clipped
        Recommendation atBound = recommend(request(model(0.12, DAY), ewma(0.03), Double.NaN, g, null));
        assertThat(atBound.bindingGuardrails()).doesNotContain("sanity-clip");
        assertThat(atBound.sigmaPerp()).isCloseTo(0.12, within(1e-12));
        // with a live value the clipped rise still passes the daily cap: 0.05 * 1.1487 from an MMF of 5 %
        Recommendation capped = recommend(request(model(0.30, DAY), ewma(0.03), Double.NaN, g, stateWithMmf(0.05)));
        assertThat(capped.recommended().mmf()).isCloseTo(0.05 * Math.pow(2, 0.2), within(1e-9));
        assertThat(capped.decision()).isEqualTo(Decision.PROPOSAL);
    }

    @Test
    void aFallbackIsNeverAppliedAutomaticallyEvenWhenTheMoveIsSmall() {
        GuardrailSettings g = neutral();
        GuardrailState prev = stateWithMmf(0.10);
        // champion NaN, EWMA gives exactly the live MMF: no parameter moves, still a proposal
        Recommendation r = recommend(request(VolForecast.of("BTC", "XGB", 1, DAY, Double.NaN), ewma(0.10 / K),
            Double.NaN, g, prev));
        assertThat(r.recommended().mmf()).isCloseTo(0.10, within(1e-9));
        assertThat(r.decision()).isEqualTo(Decision.PROPOSAL);
        assertThat(r.evidence()).anyMatch(line -> line.startsWith("decision PROPOSAL: the forecast fell back"));
    }

    @Test
    void theDefaultAutoApplyBoundIsBelowTheDailyCapSoACappedRiseGoesToTheCommittee() {
        GuardrailSettings g = GuardrailSettings.defaults();
        assertThat(g.autoApplyMaxChange()).isEqualTo(0.10);
        assertThat(g.maxDailyIncrease()).isCloseTo(0.148698, within(1e-6)); // 2^(1/5) - 1
        assertThat(g.autoApplyMaxChange()).isLessThan(g.maxDailyIncrease());
        GuardrailSettings noFloor = g.withFloorMode(GuardrailSettings.FloorMode.NONE);
        GuardrailState prev = stateWithMmf(0.05);
        // +14 % in one day (inside the cap) is a proposal, +8 % applies on its own
        Recommendation rise = recommend(request(model(0.057 / K, DAY), ewma(0.057 / K), Double.NaN, noFloor, prev));
        assertThat(rise.recommended().mmf()).isCloseTo(0.057, within(1e-9));
        assertThat(rise.decision()).isEqualTo(Decision.PROPOSAL);
        Recommendation small = recommend(request(model(0.054 / K, DAY), ewma(0.054 / K), Double.NaN, noFloor, prev));
        assertThat(small.decision()).isEqualTo(Decision.AUTO_APPLY);
    }

    @Test
    void withNeitherForecastTheLiveParametersAreHeldOrTheRequestFails() {
        GuardrailSettings g = GuardrailSettings.defaults();
        GuardrailState live = stateWithMmf(0.07);
        Recommendation hold = recommend(request(VolForecast.of("BTC", "HAR", 1, DAY, -1), null, 0.03, g, live));
        assertThat(hold.recommended()).isEqualTo(live.applied());
        assertThat(hold.fallbackReason()).startsWith("hold");
        assertThat(hold.decision()).isEqualTo(Decision.PROPOSAL);
        assertThatThrownBy(() -> recommend(request(null, null, 0.03, g, null)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("no usable forecast");
    }

    @Test
    void smallMovesAutoApplyAndLargeOnesBecomeProposals() {
        GuardrailSettings g = neutral();
        GuardrailSettings bounded = new GuardrailSettings(g.floorMode(), g.floorWeight(), g.bufferFraction(),
            g.bufferReleaseRise(), g.bufferRebuildPerDay(), g.maxDailyIncrease(), g.maxDailyDecrease(), g.minimums(),
            g.maximums(), g.smoothingUp(), g.smoothingDown(), g.maxForecastAgeDays(), g.sanityJumpRatio(), 0.25,
            g.regime());
        GuardrailState prev = stateWithMmf(0.10);
        Recommendation small = recommend(request(model(0.11 / K, DAY), ewma(0.11 / K), Double.NaN, bounded, prev));
        assertThat(small.decision()).isEqualTo(Decision.AUTO_APPLY);
        Recommendation big = recommend(request(model(0.14 / K, DAY), ewma(0.14 / K), Double.NaN, bounded, prev));
        assertThat(big.decision()).isEqualTo(Decision.PROPOSAL);
        assertThat(big.evidence()).contains("decision PROPOSAL: MMF moves 40.0 % (auto-apply bound 25.0 %)");
        assertThat(small.evidence()).contains("decision AUTO_APPLY: every parameter within 25.0 % of live");
    }

    @Test
    void theSanityBoundsThemselvesAreStillPlausible() {
        // powers of two, so the ratios are exact: 2^-8 / 2^-6 = 1/4 and 2^-4 / 2^-6 = 4
        GuardrailSettings g = with(neutral(), 4.0, Double.POSITIVE_INFINITY);
        VolForecast ewma = VolForecast.of("BTC", "EWMA", 1, DAY, Math.pow(2, -12));
        Recommendation low = recommend(request(VolForecast.of("BTC", "HAR", 1, DAY, Math.pow(2, -16)), ewma,
            Double.NaN, g, null));
        assertThat(low.fellBack()).isFalse();
        assertThat(low.sigmaPerp()).isEqualTo(Math.pow(2, -8));
        Recommendation high = recommend(request(VolForecast.of("BTC", "HAR", 1, DAY, Math.pow(2, -8)), ewma,
            Double.NaN, g, null));
        assertThat(high.bindingGuardrails()).doesNotContain("sanity-clip");
        assertThat(high.sigmaPerp()).isEqualTo(Math.pow(2, -4));
    }

    @Test
    void zeroVarianceAndForecastsFromTheFutureFallBack() {
        GuardrailSettings g = neutral();
        Recommendation zero = recommend(request(VolForecast.of("BTC", "HAR", 1, DAY, 0.0), ewma(0.03), Double.NaN, g,
            null));
        assertThat(zero.fallbackReason()).isEqualTo("champion invalid variance 0.0");
        Recommendation future = recommend(request(model(0.02, DAY.plusDays(1)), ewma(0.03), Double.NaN, g, null));
        assertThat(future.fallbackReason()).isEqualTo("champion from the future: made 2024-08-06");
        assertThat(future.sigmaPerp()).isCloseTo(0.03, within(1e-15));
    }

    @Test
    void withoutAnOptionForecastThePerpVolatilityIsScaledBySquareRootOfTime() {
        // MPOR 2 days for perps and 3 for options: the option sigma is sigma(2d) * sqrt(3 / 2)
        MappingSettings m = new MappingSettings(0.99, 2, 3, 1.26, 1.0, 2.0, 2.0, 1.33);
        RecommendationRequest r = new RecommendationRequest("tenant-a", "BTC", DAY,
            Map.of(2, VolForecast.of("BTC", "HAR", 2, DAY, 0.0016)), Map.of(2, VolForecast.of("BTC", "EWMA", 2, DAY,
            0.0016)), Double.NaN, m, neutral(), null);
        Recommendation rec = recommend(r);
        assertThat(rec.sigmaOption()).isCloseTo(0.04 * Math.sqrt(1.5), within(1e-12));
        assertThat(rec.recommended().scanRange()).isCloseTo(K * 0.04 * Math.sqrt(1.5), within(1e-7));
        assertThat(rec.evidence()).anyMatch(l -> l.startsWith("option MPOR 3d: no usable forecast (champion missing; "
            + "EWMA missing); perp volatility scaled by sqrt(time)"));
    }

    @Test
    void theFloorScalesTheLongLookbackVolatilityToEachMarginPeriod() {
        // perps 2 days, options 3: floor sigma 0.01 a day -> 0.01 sqrt(2) and 0.01 sqrt(3), weight 1
        MappingSettings m = new MappingSettings(0.99, 2, 3, 1.26, 1.0, 2.0, 2.0, 1.33);
        GuardrailSettings g = neutral().withFloorMode(GuardrailSettings.FloorMode.LONG_LOOKBACK).withFloorWeight(1.0);
        RecommendationRequest r = new RecommendationRequest("tenant-a", "BTC", DAY,
            Map.of(2, VolForecast.of("BTC", "HAR", 2, DAY, 1e-6), 3, VolForecast.of("BTC", "HAR", 3, DAY, 1e-6)),
            Map.of(2, VolForecast.of("BTC", "EWMA", 2, DAY, 1e-6), 3, VolForecast.of("BTC", "EWMA", 3, DAY, 1e-6)),
            0.01, m, g, null);
        Recommendation rec = recommend(r);
        assertThat(rec.recommended().mmf()).isCloseTo(K * 0.01 * Math.sqrt(2), within(1e-7));
        assertThat(rec.recommended().scanRange()).isCloseTo(K * 0.01 * Math.sqrt(3), within(1e-7));
        // a zero floor volatility (no history yet) leaves the floor out instead of failing
        RecommendationRequest none = new RecommendationRequest("tenant-a", "BTC", DAY, r.modelForecasts(),
            r.ewmaForecasts(), 0.0, m, g, null);
        assertThat(recommend(none).recommended().mmf()).isCloseTo(K * 0.001, within(1e-9));
    }

    @Test
    void partialSmoothingOnRisesIsNotedAsBinding() {
        GuardrailSettings g = neutral().withSmoothing(0.5, 1.0);
        Recommendation rise = recommend(request(model(0.2 / K, DAY), ewma(0.2 / K), Double.NaN, g, stateWithMmf(0.1)));
        assertThat(rise.recommended().mmf()).isCloseTo(0.15, within(1e-9));
        assertThat(rise.bindingGuardrails()).containsExactly("smoothing");
        assertThat(rise.evidence()).contains("smoothing: MMF 0.20000 -> 0.15000");
    }

    @Test
    void theBufferIsReleasedOnlyAboveTheReleaseRiseThenRebuiltADayAtATime() {
        // defaults (release above +25 %, rebuild 1 point a day) without floor and caps
        GuardrailSettings g = GuardrailSettings.defaults().withFloorMode(GuardrailSettings.FloorMode.NONE)
            .withBuffer(0.25).withMaxDailyChange(1e9, 1.0);
        // smoothed MMF 0.08 yesterday, buffer fully built
        RecommendedParameters y = ParameterMapper.DEFAULT.map(0.08 / K, 0.08 / K * Math.sqrt(2), MAP);
        GuardrailState built = new GuardrailState(DAY.minusDays(1), y, y, 0.25);
        // +20 %: below the 25 % release rise, the buffer stays: MMF 0.096 * 1.25
        Recommendation calm = recommend(request(model(0.096 / K, DAY), ewma(0.096 / K), Double.NaN, g, built));
        assertThat(calm.nextState().bufferLevel()).isEqualTo(0.25);
        assertThat(calm.recommended().mmf()).isCloseTo(0.096 * 1.25, within(1e-9));
        assertThat(calm.evidence()).contains("buffer 25.0 % on top: MMF 0.09600 -> 0.12000");
        // +50 %: released, and the evidence says by how much
        Recommendation jump = recommend(request(model(0.12 / K, DAY), ewma(0.12 / K), Double.NaN, g, built));
        assertThat(jump.nextState().bufferLevel()).isZero();
        assertThat(jump.evidence()).contains("buffer released: smoothed MMF rose 50.0 % in one step");
        assertThat(jump.evidence()).noneMatch(l -> l.startsWith("buffer ") && l.contains("on top"));
        // the day after a release the buffer is rebuilt by one point
        GuardrailState released = new GuardrailState(DAY.minusDays(1), y, y, 0.0);
        Recommendation next = recommend(request(model(0.08 / K, DAY), ewma(0.08 / K), Double.NaN, g, released));
        assertThat(next.nextState().bufferLevel()).isCloseTo(0.01, within(1e-15));
        assertThat(next.recommended().mmf()).isCloseTo(0.08 * 1.01, within(1e-9));
        // no buffer configured: no buffer line at all
        Recommendation off = recommend(request(model(0.08 / K, DAY), ewma(0.08 / K), Double.NaN, neutral(), built));
        assertThat(off.evidence()).noneMatch(l -> l.startsWith("buffer"));
    }

    @Test
    void aParameterLiveAtZeroStaysThereUnderAFiniteCapAndCountsAsNoMove() {
        // a finite daily cap keeps a parameter whose live value is 0 at 0 (0 times any factor); the decision then
        // sees no move for it. (With no cap at all, 0 times infinity would be NaN: a cap is required.)
        GuardrailSettings g = with(neutral().withMaxDailyChange(1e9, 1.0), Double.POSITIVE_INFINITY, 1.0);
        RecommendedParameters p = ParameterMapper.DEFAULT.map(0.05 / K, 0.05 / K * Math.sqrt(2), MAP);
        RecommendedParameters zeroDown = RecommendedParameters.of(p.mmf(), p.imf(), p.haircut(), p.scanRange(),
            p.volShockUp(), 0.0);
        Recommendation same = recommend(request(model(0.05 / K, DAY), ewma(0.05 / K), Double.NaN, g,
            new GuardrailState(DAY.minusDays(1), zeroDown, zeroDown, 0.0)));
        assertThat(same.recommended().volShockDown()).isZero();
        assertThat(same.decision()).isEqualTo(Decision.AUTO_APPLY);
        assertThat(same.evidence()).contains("decision AUTO_APPLY: every parameter within 100.0 % of live");
    }

    @Test
    void invalidSettingsAreRejectedWithTheFieldNamed() {
        assertThatThrownBy(() -> GuardrailSettings.defaults().withMaxDailyChange(0.5, 0.0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDailyDecrease");
        assertThatThrownBy(() -> MAP.withCoverage(1.2)).hasMessageContaining("coverage");
        assertThatThrownBy(() -> RecommendedParameters.of(Double.NaN, 0.1, 0, 0.1, 0, 0)).hasMessageContaining("mmf");
    }
}
