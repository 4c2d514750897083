package io.ballast.margin;

import static io.ballast.margin.Fixtures.BTC_PERP;
import static io.ballast.margin.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.market.FlatSmileVolSurface;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.market.VolSurface;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.MarginPool;
import io.ballast.margin.product.OptionType;
import io.ballast.margin.product.PerpetualFuture;
import io.ballast.margin.product.Position;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InvalidInputTest {

    private static final MarginEngine ENGINE = MarginEngine.DEFAULT;

    @Test
    void nanIndexPriceIsRejectedNamingTheUnderlying() {
        assertThatThrownBy(() -> MarketSnapshot.of(NOW, Map.of("BTC", Double.NaN), Map.of()))
                .isInstanceOf(MarginInputException.class)
                .hasMessageContaining("indexPriceUsd[BTC]").hasMessageContaining("NaN");
        assertThatThrownBy(() -> Fixtures.market().withPrice("BTC", Double.NaN))
                .isInstanceOf(MarginInputException.class).hasMessageContaining("indexPriceUsd[BTC]");
        assertThatThrownBy(() -> Fixtures.market().withPrice("BTC", -5))
                .isInstanceOf(MarginInputException.class).hasMessageContaining("> 0");
    }

    @Test
    void negativeVolatilityIsRejected() {
        assertThatThrownBy(() -> FlatSmileVolSurface.flat(-0.2))
                .isInstanceOf(MarginInputException.class)
                .satisfies(e -> assertThat(((MarginInputException) e).field()).isEqualTo("annualVol"));
        assertThatThrownBy(() -> FlatSmileVolSurface.flat(Double.NaN)).isInstanceOf(MarginInputException.class);
    }

    @Test
    void aSurfaceReturningANegativeVolIsCaughtAtPricing() {
        VolSurface broken = (expiry, strike, forward) -> -0.1;
        MarketSnapshot market = Fixtures.market().withVolSurface("BTC", broken);
        AccountInput account = AccountInput.cross("a", MarginMethod.PORTFOLIO,
                List.of(Position.of(Fixtures.btcCall(110_000, Fixtures.IN_30_DAYS), -1, 0)), List.of());
        assertThatThrownBy(() -> ENGINE.compute(account, market, Fixtures.params()))
                .isInstanceOf(MarginInputException.class)
                .satisfies(e -> assertThat(((MarginInputException) e).field()).isEqualTo("annualVol"));
    }

    /**
     * An expired option that has not been settled yet is margined at its intrinsic value (issue 12: margin never
     * fails because an instrument has expired). Index 100,000: a long 90,000 call expired a day ago is worth 10,000
     * per unit; held at entry 100 its unrealized P&amp;L is 9,900.
     */
    @ParameterizedTest
    @EnumSource(MarginMethod.class)
    void anExpiredOptionIsMarginedAtItsIntrinsicValue(MarginMethod method) {
        EuropeanOption expired = EuropeanOption.of("BTC", NOW.minus(Duration.ofDays(1)), 90_000, OptionType.CALL);
        AccountInput account = AccountInput.cross("a", method, List.of(Position.of(expired, 1, 100)), List.of());
        var result = ENGINE.compute(account, Fixtures.market(), Fixtures.params());
        var line = result.pools().get(0).breakdown().positions().get(0);
        assertThat(line.markPriceUsd()).isEqualTo(10_000.0);
        assertThat(line.unrealizedPnlUsd()).isEqualTo(9_900.0);
        assertThat(result.equityUsd()).isEqualTo(9_900.0);
        assertThat(result.maintenanceMarginUsd()).isFinite().isNotNegative();
    }

    @ParameterizedTest
    @EnumSource(MarginMethod.class)
    void unknownUnderlyingIsRejected(MarginMethod method) {
        AccountInput account = AccountInput.cross("a", method,
                List.of(Position.of(PerpetualFuture.of("DOGE"), 1, 0.1)), List.of());
        assertThatThrownBy(() -> ENGINE.compute(account, Fixtures.market(), Fixtures.params()))
                .isInstanceOf(MarginInputException.class).hasMessageContaining("DOGE")
                .satisfies(e -> assertThat(((MarginInputException) e).field()).isEqualTo("underlying"));
    }

    @Test
    void underlyingWithPriceButNoRiskParametersIsRejected() {
        MarketSnapshot market = Fixtures.market().withPrice("SOL", 150);
        AccountInput account = AccountInput.cross("a", MarginMethod.PORTFOLIO,
                List.of(Position.of(PerpetualFuture.of("SOL"), 1, 150)), List.of());
        assertThatThrownBy(() -> ENGINE.compute(account, market, Fixtures.params()))
                .isInstanceOf(MarginInputException.class).hasMessageContaining("no risk parameters");
    }

    @Test
    void unknownCollateralAssetIsRejected() {
        AccountInput account = AccountInput.cross("a", MarginMethod.STANDARD, List.of(),
                List.of(CollateralBalance.of("XYZ", "10")));
        assertThatThrownBy(() -> ENGINE.compute(account, Fixtures.market(), Fixtures.params()))
                .isInstanceOf(MarginInputException.class).hasMessageContaining("XYZ");
    }

    @Test
    void nanQuantityAndBadValuesAreRejectedAtConstruction() {
        assertThatThrownBy(() -> Position.of(BTC_PERP, Double.NaN, 1)).hasMessageContaining("quantity");
        assertThatThrownBy(() -> Position.of(BTC_PERP, 1, -1)).hasMessageContaining("entryPriceUsd");
        assertThatThrownBy(() -> EuropeanOption.of("BTC", NOW, -1, OptionType.CALL)).hasMessageContaining("strikeUsd");
        assertThatThrownBy(() -> EuropeanOption.of("BTC", NOW, 1, null)).hasMessageContaining("type");
        assertThatThrownBy(() -> MarketRiskParameters.defaults().toBuilder().scanRangeFraction(1.5).build())
                .hasMessageContaining("scanRangeFraction");
        assertThatThrownBy(() -> MarketRiskParameters.defaults().toBuilder().mmf(0.05, 0).build())
                .hasMessageContaining("mmfBase");
        assertThatThrownBy(() -> MarketRiskParameters.defaults().toBuilder().volShocks(-0.1, 0.3, false).build())
                .hasMessageContaining("volShockUpFraction");
        assertThatThrownBy(() -> new AccountInput("a", MarginMethod.STANDARD,
                List.of(MarginPool.cross(List.of(), List.of()), MarginPool.cross(List.of(), List.of()))))
                .hasMessageContaining("duplicate pool id");
        assertThatThrownBy(() -> MarginPool.isolated("iso", List.of(Position.of(BTC_PERP, 1, 1),
                Position.of(Fixtures.ETH_PERP, 1, 1)), List.of())).hasMessageContaining("one underlying");
    }

    @Test
    void rejectedInputChangesNothing() {
        AccountInput account = AccountInput.cross("a", MarginMethod.PORTFOLIO,
                List.of(Position.of(BTC_PERP, 1, 90_000)), List.of(CollateralBalance.of("USDC", "50000")));
        var before = ENGINE.compute(account, Fixtures.market(), Fixtures.params());
        assertThatThrownBy(() -> ENGINE.whatIf(account,
                new io.ballast.margin.product.HypotheticalChange.Trade("cross", PerpetualFuture.of("DOGE"), 1, 1),
                Fixtures.market(), Fixtures.params())).isInstanceOf(MarginInputException.class);
        assertThat(ENGINE.compute(account, Fixtures.market(), Fixtures.params())).isEqualTo(before);
    }
}
