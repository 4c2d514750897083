package io.ballast.margin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.measure.ChargeKind;
import io.ballast.margin.measure.ChargeLine;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.param.CollateralParameters;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The size add-on of standard margin (docs/margin.md "Size add-on"), by hand: BTC at 100,000, IMF 2 % and MMF 1 % at
 * the base, both growing 0.005 % per BTC (Deribit's futures slope) beyond a threshold of 10 BTC.
 */
class SizeAddOnTest {

    private static final double EPS = 1e-6;

    private static RiskParameterSet params(double thresholdUnits) {
        MarketRiskParameters btc = MarketRiskParameters.defaults().toBuilder().imf(0.02, 0.00005).mmf(0.01, 0.00005)
                .sizeThreshold(thresholdUnits).build();
        return RiskParameterSet.of(11, 1.3, 1.0, 0.01, Map.of("BTC", btc),
                Map.of("USDC", CollateralParameters.of(0.0, 0.0)));
    }

    private static MarginResult margin(double quantity, RiskParameterSet params) {
        AccountInput a = AccountInput.cross("a", MarginMethod.STANDARD,
                List.of(Position.of(Fixtures.BTC_PERP, quantity, 100_000)),
                List.of(CollateralBalance.of("USDC", "1000000")));
        return MarginEngine.DEFAULT.compute(a, Fixtures.market(), params);
    }

    /**
     * 30 BTC long, 20 beyond the threshold: IMF = 0.02 + 0.00005 x 20 = 0.021, IM = 30 x 100,000 x 0.021 = 63,000,
     * of which the add-on is 30 x 100,000 x 0.001 = 3,000; MMF = 0.011, MM = 33,000.
     */
    @Test
    void beyondTheThresholdInitialMarginGrowsWithSizeAndTheBreakdownShowsTheAddOn() {
        MarginResult r = margin(30, params(10));
        assertThat(r.initialMarginUsd()).isCloseTo(63_000, within(EPS));
        assertThat(r.maintenanceMarginUsd()).isCloseTo(33_000, within(EPS));
        List<ChargeLine> charges = r.pools().get(0).breakdown().charges();
        assertThat(charges).hasSize(1);
        assertThat(charges.get(0).kind()).isEqualTo(ChargeKind.SIZE_ADD_ON);
        assertThat(charges.get(0).subject()).isEqualTo(Fixtures.BTC_PERP.id());
        assertThat(charges.get(0).netQuantity()).isEqualTo(30);
        assertThat(charges.get(0).amountUsd()).isCloseTo(3_000, within(EPS));
        // a short of the same size carries the same add-on
        assertThat(margin(-30, params(10)).pools().get(0).breakdown().charges().get(0).amountUsd())
                .isCloseTo(3_000, within(EPS));
    }

    /** 5 BTC, below the threshold: IM = 5 x 100,000 x 0.02 = 10,000, MM 5,000, no add-on line. */
    @Test
    void atOrBelowTheThresholdTheBaseFractionsApplyAndThereIsNoAddOn() {
        MarginResult r = margin(5, params(10));
        assertThat(r.initialMarginUsd()).isCloseTo(10_000, within(EPS));
        assertThat(r.maintenanceMarginUsd()).isCloseTo(5_000, within(EPS));
        assertThat(r.pools().get(0).breakdown().charges()).isEmpty();
        assertThat(margin(10, params(10)).pools().get(0).breakdown().charges()).isEmpty();
    }

    /**
     * Threshold 0 is Deribit's rule, IM = 2 % + size x 0.005 %: 30 BTC gives IMF 0.0215, IM 64,500, add-on 4,500.
     */
    @Test
    void aZeroThresholdIsDeribitsFormula() {
        MarginResult r = margin(30, params(0));
        assertThat(r.initialMarginUsd()).isCloseTo(64_500, within(EPS));
        assertThat(r.pools().get(0).breakdown().charges().get(0).amountUsd()).isCloseTo(4_500, within(EPS));
        assertThat(MarketRiskParameters.defaults().sizeThresholdUnits()).isZero();
    }

    @Test
    void aNegativeThresholdIsRejectedNamingIt() {
        assertThatThrownBy(() -> MarketRiskParameters.defaults().toBuilder().sizeThreshold(-1).build())
                .isInstanceOf(MarginInputException.class).hasMessageContaining("sizeThresholdUnits");
    }
}
