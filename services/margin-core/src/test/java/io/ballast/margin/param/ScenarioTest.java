package io.ballast.margin.param;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The hand-built scenario description reads exactly as the format it replaced, over a sweep of moves and markets. */
class ScenarioTest {

    @Test
    void descriptionsMatchTheFormattedText() {
        int checked = 0;
        for (double scan : new double[] {0.15, 0.08, 0.333, 0.0725, 0.01}) {
            MarketRiskParameters base = MarketRiskParameters.defaults();
            MarketRiskParameters m = new MarketRiskParameters(base.imfBase(), base.imfSlopePerUnit(), base.mmfBase(),
                    base.mmfSlopePerUnit(), base.shortOptionImBase(), base.shortOptionImFloor(),
                    base.shortOptionMmFraction(), scan, base.volShockUpFraction(), base.volShockDownFraction(),
                    base.volShockDteScaled(), base.extremeMoveMultiple(), base.extremeMoveWeight(),
                    base.shortOptionContingencyFraction(), base.linearContingencyFraction());
            for (double units : new double[] {-1, -2.0 / 3, -1.0 / 3, 0.001, 1.0 / 3, 2.0 / 3, 1, 0.12345}) {
                for (VolShock v : VolShock.values()) {
                    for (boolean extreme : new boolean[] {false, true}) {
                        Scenario s = new Scenario(0, units, v, extreme);
                        String expected = String.format(Locale.ROOT, "%sprice %+.2f %%, vol %s%s",
                                extreme ? "extreme " : "", 100 * s.priceMoveFraction(m), v,
                                extreme ? ", weight " + m.extremeMoveWeight() : "");
                        assertThat(s.describe(m)).isEqualTo(expected);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(5 * 8 * VolShock.values().length * 2);
    }
}
