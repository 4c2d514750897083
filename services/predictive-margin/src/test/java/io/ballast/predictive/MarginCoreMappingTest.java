package io.ballast.predictive;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.margin.param.CollateralParameters;
import io.ballast.margin.param.MarketRiskParameters;
import org.junit.jupiter.api.Test;

class MarginCoreMappingTest {

    @Test
    void recommendationReplacesOnlyTheFieldsItOwns() {
        RecommendedParameters rec = RecommendedParameters.of(0.08, 0.16, 0.07, 0.12, 0.24, 0.16);
        MarketRiskParameters live = MarketRiskParameters.defaults();
        MarketRiskParameters next = MarginCoreMapping.toMarket(rec, live);
        assertThat(next.mmfBase()).isEqualTo(0.08);
        assertThat(next.imfBase()).isEqualTo(0.16);
        assertThat(next.scanRangeFraction()).isEqualTo(0.12);
        assertThat(next.volShockUpFraction()).isEqualTo(0.24);
        assertThat(next.volShockDownFraction()).isEqualTo(0.16);
        assertThat(next.imfSlopePerUnit()).isEqualTo(live.imfSlopePerUnit());
        assertThat(next.extremeMoveMultiple()).isEqualTo(live.extremeMoveMultiple());
        assertThat(next.shortOptionImBase()).isEqualTo(live.shortOptionImBase());
        CollateralParameters c = MarginCoreMapping.toCollateral(rec, CollateralParameters.of(0.02, 0.001));
        assertThat(c.haircutBase()).isEqualTo(0.07);
        assertThat(c.haircutSlopePerUnit()).isEqualTo(0.001);
    }
}
