package io.ballast.margin.engine;

import static io.ballast.margin.Fixtures.BTC_PERP;
import static io.ballast.margin.Fixtures.IN_30_DAYS;
import static io.ballast.margin.Fixtures.IN_90_DAYS;
import static io.ballast.margin.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.market.ForwardCurve;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.pricer.InstrumentPricer;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.OptionType;
import io.ballast.margin.product.Position;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dated futures with a basis (docs/margin.md, "Basis: a calendar spread"). */
class BasisTest {

    private static final DatedFuture DEC = DatedFuture.of("BTC", IN_30_DAYS);
    private static final DatedFuture MAR = DatedFuture.of("BTC", IN_90_DAYS);
    /** BTC futures 1 % over the index at 30 days, 3 % at 90 days. */
    private static final ForwardCurve CURVE = ForwardCurve.of(Map.of(IN_30_DAYS, 0.01, IN_90_DAYS, 0.03));

    private static MarketSnapshot withBasis() {
        return Fixtures.market().withForwardCurve("BTC", CURVE);
    }

    private static PoolMargin portfolio(List<Position> positions, MarketSnapshot market) {
        return MarginEngine.DEFAULT.compute(AccountInput.cross("A", MarginMethod.PORTFOLIO, positions, List.of()),
                market, Fixtures.params()).pool("cross");
    }

    @Test
    void basisIsLinearInTimeFromZeroTodayBetweenPillarsAndFlatAfterTheLast() {
        assertThat(CURVE.basisFraction(IN_30_DAYS, NOW)).isEqualTo(0.01);
        assertThat(CURVE.basisFraction(NOW.plus(Duration.ofDays(15)), NOW)).isCloseTo(0.005, within(1e-12));
        assertThat(CURVE.basisFraction(NOW.plus(Duration.ofDays(60)), NOW)).isCloseTo(0.02, within(1e-12));
        assertThat(CURVE.basisFraction(NOW.plus(Duration.ofDays(400)), NOW)).isEqualTo(0.03);
        assertThat(withBasis().forwardPrice("BTC", IN_90_DAYS)).isCloseTo(103_000, within(1e-9));
        assertThat(Fixtures.market().forwardPrice("BTC", IN_90_DAYS)).isEqualTo(100_000);
    }

    @Test
    void futuresWithABasisHaveTheirOwnArraysWhileOthersShareTheLinearOne() {
        List<Instrument> universe = List.of(BTC_PERP, DEC, DatedFuture.of("ETH", IN_30_DAYS));
        RiskArrays flat = RiskArrays.build(universe, Fixtures.market(), Fixtures.params());
        RiskArrays basis = RiskArrays.build(universe, withBasis(), Fixtures.params());
        assertThat(flat.sharesLinearArray(1)).isTrue();
        assertThat(basis.sharesLinearArray(0)).isTrue();
        assertThat(basis.sharesLinearArray(1)).isFalse();
        assertThat(basis.sharesLinearArray(2)).isTrue();
        // the Dec future's array is the perpetual's scaled by F / S = 1.01, its mark the forward
        for (int s = 0; s < basis.scenarioCount(); s++) {
            assertThat(basis.value(1, s)).isCloseTo(1.01 * basis.value(0, s), within(1e-9));
        }
        assertThat(basis.markPriceUsd(1)).isCloseTo(101_000, within(1e-9));
    }

    @Test
    void workedExampleCalendarSpreadWithBasis() {
        List<Position> spread = List.of(Position.of(DEC, 1, 101_000), Position.of(MAR, -1, 103_000));
        PoolMargin with = portfolio(spread, withBasis());
        // P&L per scenario = weight * move * (F_dec - F_mar) = weight * move * (-2,000); worst at the extreme up
        // move: 0.35 * 0.45 * 2,000 = 315 (the regular +15 % loses 300); net delta-one 0 BTC: no contingency
        assertThat(with.breakdown().underlyings().get(0).worstLossUsd()).isCloseTo(315, within(1e-6));
        assertThat(with.breakdown().underlyings().get(0).worstScenario()).startsWith("extreme price +45.00 %");
        assertThat(with.breakdown().contingencyUsd()).isCloseTo(0, within(1e-9));
        assertThat(with.maintenanceMarginUsd()).isCloseTo(315, within(1e-6));
        assertThat(with.initialMarginUsd()).isCloseTo(409.5, within(1e-6));
        assertThat(with.unrealizedPnlUsd()).isCloseTo(0, within(1e-6));
        // without a basis both legs share the linear array and net to nothing
        PoolMargin without = portfolio(spread, Fixtures.market());
        assertThat(without.maintenanceMarginUsd()).isCloseTo(0, within(1e-9));
        // full revaluation agrees
        assertThat(NaiveRevaluation.maintenanceUsd(spread, withBasis(), Fixtures.params())).isCloseTo(315,
                within(1e-6));
    }

    @Test
    void optionsArePricedOnTheForwardOfTheirExpiry() {
        EuropeanOption call = EuropeanOption.of("BTC", IN_90_DAYS, 100_000, OptionType.CALL);
        double t = 90 / 365.0;
        double expected = io.ballast.margin.pricer.Black76.DEFAULT.price(OptionType.CALL, 103_000, 100_000, t, 0.60);
        assertThat(InstrumentPricer.DEFAULT.markPrice(call, withBasis())).isCloseTo(expected, within(1e-6));
        List<Position> book = List.of(Position.of(call, -2, 0), Position.of(MAR, 1, 103_000));
        assertThat(portfolio(book, withBasis()).maintenanceMarginUsd()).isCloseTo(
                NaiveRevaluation.maintenanceUsd(book, withBasis(), Fixtures.params()), within(1e-6));
    }
}
