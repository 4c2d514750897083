package io.ballast.risk.governance.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.Preset;
import io.ballast.predictive.RegimeSettings;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.governance.domain.Actor;
import io.ballast.risk.governance.domain.ParameterSource;
import io.ballast.risk.governance.domain.RiskSettings;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A change of the regime settings and a preset, checked against the tenant-wide settings in force without a database
 * ({@link LiveParameters#check}, {@link LiveParameters#withPreset}: the rules {@code POST /governance/proposals} and
 * the effect of an approved proposal apply).
 */
class RegimeSettingsChangeTest {

    private static LiveParameters.InForce tenantDefaults() {
        return new LiveParameters.InForce(null, null,
                RiskSettings.defaults(UUID.randomUUID(), OffsetDateTime.now(ZoneOffset.UTC)));
    }

    private static Map<String, BigDecimal> change(String name, String value) {
        return Map.of(name, new BigDecimal(value));
    }

    private static ApiException refused(Map<String, BigDecimal> change) {
        try {
            LiveParameters.check(tenantDefaults(), change);
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError("accepted " + change);
    }

    @Test
    void eachOutOfRangeRegimeValueIsRefusedNamingItsField() {
        for (var bad : Map.of("stressTriggerRatio", "0", "stressMaxDailyIncrease", "-0.1",
                "intradayHalfWeightHours", "0", "exceptionTrigger", "2", "capInitialMargin", "0.5").entrySet()) {
            ApiException e = refused(change(bad.getKey(), bad.getValue()));
            assertThat(e.status()).as(bad.getKey()).isEqualTo(422);
            assertThat(e.errors()).as(bad.getKey()).extracting(FieldError::field)
                    .containsExactly("changes." + bad.getKey());
        }
        assertThat(refused(change("stressTriggerRatio", "-3")).errors().get(0).message())
                .contains("must be > 0, got -3.0");
    }

    @Test
    void anAcceptedChangeIsTheNextVersionsRegime() {
        Map<String, BigDecimal> c = new TreeMap<>(Map.of("stressTriggerRatio", new BigDecimal("3"),
                "exceptionTrigger", BigDecimal.ZERO, "stressMaxDailyIncrease", new BigDecimal("0.5"),
                "intradayHalfWeightHours", new BigDecimal("12"), "capInitialMargin", BigDecimal.ONE));
        LiveParameters.InForce base = tenantDefaults();
        assertThat(LiveParameters.check(base, c)).isEqualTo(c);
        RiskSettings next = LiveParameters.nextSettings(base, c, 2, ParameterSource.PROPOSAL, Actor.SCHEDULER, null);
        assertThat(next.regime()).isEqualTo(new RegimeSettings(3.0, false, 0.5, 12.0, true));
        assertThat(next.guardrails().regime()).isEqualTo(next.regime());
        // everything else carries over
        assertThat(next.guardrails().withRegime(RegimeSettings.defaults())).isEqualTo(GuardrailSettings.defaults());
        assertThat(LiveParameters.before(base, c)).containsEntry("stressTriggerRatio", BigDecimal.valueOf(2.0))
                .containsEntry("exceptionTrigger", BigDecimal.valueOf(1.0));
    }

    @Test
    void thePresetIsEveryValueItMovesAndExplicitValuesWin() {
        LiveParameters.InForce base = tenantDefaults();
        Map<String, BigDecimal> emir = LiveParameters.withPreset(base, Preset.EMIR, Map.of());
        assertThat(emir).containsOnlyKeys("mporPerpDays", "floorWeight", "bufferFraction");
        assertThat(emir.get("mporPerpDays")).isEqualByComparingTo("2");
        assertThat(emir.get("floorWeight")).isEqualByComparingTo("1");
        assertThat(emir.get("bufferFraction")).isEqualByComparingTo("0.25");
        Map<String, BigDecimal> checked = LiveParameters.check(base, emir);
        RiskSettings next = LiveParameters.nextSettings(base, checked, 2, ParameterSource.PROPOSAL, Actor.SCHEDULER,
                null);
        assertThat(next.mapping()).isEqualTo(Preset.EMIR.mapping());
        assertThat(next.guardrails()).isEqualTo(Preset.EMIR.guardrails());

        Map<String, BigDecimal> mine = LiveParameters.withPreset(base, Preset.EMIR,
                Map.of("bufferFraction", new BigDecimal("0.3"), "stressTriggerRatio", new BigDecimal("3")));
        assertThat(mine.get("bufferFraction")).isEqualByComparingTo("0.3");
        assertThat(mine.get("stressTriggerRatio")).isEqualByComparingTo("3");
        assertThat(mine.get("mporPerpDays")).isEqualByComparingTo("2");

        // back from emir to crypto: the same three values the other way
        LiveParameters.InForce onEmir = new LiveParameters.InForce(null, null, next);
        Map<String, BigDecimal> crypto = LiveParameters.withPreset(onEmir, Preset.CRYPTO, Map.of());
        assertThat(crypto).containsOnlyKeys("mporPerpDays", "floorWeight", "bufferFraction");
        assertThat(crypto.get("bufferFraction")).isEqualByComparingTo("0");
        assertThatThrownBy(() -> LiveParameters.withPreset(onEmir, Preset.EMIR, Map.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.errors()).extracting(FieldError::field).containsExactly("preset");
                });
    }
}
