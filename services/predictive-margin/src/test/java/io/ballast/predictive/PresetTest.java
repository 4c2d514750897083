package io.ballast.predictive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.margin.MarginInputException;
import org.junit.jupiter.api.Test;

/** The labelled presets are what their labels say, and the regime settings name the field they refuse. */
class PresetTest {

    @Test
    void cryptoIsTheDefaultsAndEmirTheLiteralReading() {
        assertThat(Preset.CRYPTO.mapping()).isEqualTo(MappingSettings.defaults());
        assertThat(Preset.CRYPTO.guardrails()).isEqualTo(GuardrailSettings.defaults());
        assertThat(Preset.CRYPTO.guardrails().regime()).isEqualTo(RegimeSettings.defaults());
        MappingSettings m = Preset.EMIR.mapping();
        GuardrailSettings g = Preset.EMIR.guardrails();
        assertThat(m.mporPerpDays()).isEqualTo(2);
        assertThat(m.mporOptionDays()).isEqualTo(2);
        assertThat(m.coverage()).isEqualTo(0.99);
        assertThat(g.bufferFraction()).isEqualTo(0.25);
        assertThat(g.floorMode()).isEqualTo(GuardrailSettings.FloorMode.LONG_LOOKBACK);
        assertThat(g.floorWeight()).isEqualTo(1.0);
        assertThat(g.regime()).isEqualTo(RegimeSettings.defaults());
    }

    @Test
    void labelsAreLowerCaseAndLookUpIgnoresCase() {
        assertThat(Preset.labels()).containsExactly("crypto", "emir");
        assertThat(Preset.byLabel("emir")).isSameAs(Preset.EMIR);
        assertThat(Preset.byLabel("CRYPTO")).isSameAs(Preset.CRYPTO);
        assertThat(Preset.byLabel("basel")).isNull();
        assertThat(Preset.byLabel(null)).isNull();
    }

    @Test
    void regimeAndGuardrailRangesNameTheirField() {
        assertThatThrownBy(() -> new RegimeSettings(Double.NaN, true, 1, 6, false))
            .isInstanceOfSatisfying(MarginInputException.class,
                e -> assertThat(e.field()).isEqualTo("stressTriggerRatio"));
        assertThatThrownBy(() -> new RegimeSettings(2, true, -0.1, 6, false))
            .isInstanceOfSatisfying(MarginInputException.class,
                e -> assertThat(e.field()).isEqualTo("stressMaxDailyIncrease"));
        assertThatThrownBy(() -> new RegimeSettings(2, true, 1, -6, false))
            .isInstanceOfSatisfying(MarginInputException.class,
                e -> assertThat(e.field()).isEqualTo("intradayHalfWeightHours"));
        assertThatThrownBy(() -> GuardrailSettings.defaults().withFloorWeight(2.5))
            .isInstanceOfSatisfying(MarginInputException.class, e -> assertThat(e.field()).isEqualTo("floorWeight"));
        assertThatThrownBy(() -> GuardrailSettings.defaults().withMaxDailyChange(0.1, 1.5))
            .isInstanceOfSatisfying(MarginInputException.class,
                e -> assertThat(e.field()).isEqualTo("maxDailyDecrease"));
    }
}
