package io.ballast.risk.live;

import static io.ballast.risk.live.MarginStatus.EARLY_WARNING;
import static io.ballast.risk.live.MarginStatus.HEALTHY;
import static io.ballast.risk.live.MarginStatus.LIQUIDATABLE;
import static io.ballast.risk.live.MarginStatus.MARGIN_CALL;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Status transitions with hysteresis (IM 6,000, MM 3,000, h = 2 %). */
class MarginStatusTest {

    private static MarginStatus next(MarginStatus previous, double equity, boolean warning) {
        return MarginStatus.next(previous, equity, 6000, 3000, warning, 0.02);
    }

    @Test
    void worseStatesApplyAtOnceAndRecoveriesNeedTheBuffer() {
        assertThat(next(HEALTHY, 6000, false)).isEqualTo(HEALTHY);
        assertThat(next(HEALTHY, 7000, true)).isEqualTo(EARLY_WARNING);
        assertThat(next(HEALTHY, 5999, false)).isEqualTo(MARGIN_CALL);
        assertThat(next(MARGIN_CALL, 2999, false)).isEqualTo(LIQUIDATABLE);
        // back above MM but within 2 %: still liquidatable; above it: margin call
        assertThat(next(LIQUIDATABLE, 3050, false)).isEqualTo(LIQUIDATABLE);
        assertThat(next(LIQUIDATABLE, 3060, false)).isEqualTo(MARGIN_CALL);
        // back above IM but within 2 %: still margin call; above it: healthy (or early warning)
        assertThat(next(MARGIN_CALL, 6100, false)).isEqualTo(MARGIN_CALL);
        assertThat(next(LIQUIDATABLE, 6100, false)).isEqualTo(MARGIN_CALL);
        assertThat(next(LIQUIDATABLE, 6120, false)).isEqualTo(HEALTHY);
        assertThat(next(MARGIN_CALL, 6120, true)).isEqualTo(EARLY_WARNING);
        assertThat(next(EARLY_WARNING, 7000, false)).isEqualTo(HEALTHY);
    }

    @Test
    void eventTypesNameTheWorseStateOrARecovery() {
        assertThat(MarginStatus.eventType(HEALTHY, MARGIN_CALL)).isEqualTo("MARGIN_CALL");
        assertThat(MarginStatus.eventType(MARGIN_CALL, LIQUIDATABLE)).isEqualTo("LIQUIDATABLE");
        assertThat(MarginStatus.eventType(HEALTHY, EARLY_WARNING)).isEqualTo("EARLY_WARNING");
        assertThat(MarginStatus.eventType(LIQUIDATABLE, HEALTHY)).isEqualTo("RECOVERED");
        assertThat(MarginStatus.eventType(LIQUIDATABLE, MARGIN_CALL)).isEqualTo("RECOVERED");
    }
}
