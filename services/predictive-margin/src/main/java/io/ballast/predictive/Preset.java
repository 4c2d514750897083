package io.ballast.predictive;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The labelled presets of the mapping and the guardrails (docs/predictive-margin.md, "What changed from v1"): one
 * definition for the backtest lab ({@code ./ballast backtest --preset crypto|emir}) and for the risk service (a
 * tenant applies one to its risk settings in one governed change, docs/governance.md).
 */
public enum Preset {
    /**
     * The crypto defaults: {@link MappingSettings#defaults()} (MPOR 1 day for perps) and
     * {@link GuardrailSettings#defaults()} (floor weight 0.5, no buffer, {@link RegimeSettings#defaults()}).
     */
    CRYPTO(MappingSettings.defaults(), GuardrailSettings.defaults()),
    /**
     * Literal EMIR RTS 153/2013: {@link MappingSettings#emirLiteral()} (MPOR 2 days for perps and options) and
     * {@link GuardrailSettings#emirLiteral()} (art. 28(a) 25 % buffer, art. 28(c) 10-year floor at full weight).
     */
    EMIR(MappingSettings.emirLiteral(), GuardrailSettings.emirLiteral());

    private final MappingSettings mapping;
    private final GuardrailSettings guardrails;

    Preset(MappingSettings mapping, GuardrailSettings guardrails) {
        this.mapping = mapping;
        this.guardrails = guardrails;
    }

    /** @return the preset's mapping settings */
    public MappingSettings mapping() {
        return mapping;
    }

    /** @return the preset's guardrail settings (with its regime settings) */
    public GuardrailSettings guardrails() {
        return guardrails;
    }

    /** @return the label people type: {@code crypto} or {@code emir} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return every label, in declaration order */
    public static List<String> labels() {
        return Arrays.stream(values()).map(Preset::label).toList();
    }

    /**
     * The preset with this label (case-insensitive).
     *
     * @param label e.g. {@code emir}
     * @return the preset, or null when the label names none
     */
    public static Preset byLabel(String label) {
        for (Preset p : values()) {
            if (p.label().equalsIgnoreCase(label)) {
                return p;
            }
        }
        return null;
    }
}
