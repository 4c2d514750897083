package io.ballast.margin.engine;

import static io.ballast.margin.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.market.FlatSmileVolSurface;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.param.Scenario;
import io.ballast.margin.param.ScenarioGrid;
import io.ballast.margin.pricer.InstrumentPricer;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.PerpetualFuture;
import io.ballast.margin.product.Position;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;

/**
 * Where inverse and linear contracts must agree. Long N USD of an inverse perpetual at price S has a USD delta of
 * N / S, so it is hedged by a short linear perpetual of N / S units: the pair is flat at today's price, its P&amp;L in a
 * scenario moving the price by m is exactly {@code -N m^2 / (1 + m)} (second order), its standard requirement is that
 * of two equal notionals, and its unrealized P&amp;L at the entry price is zero.
 */
class InverseLinearAgreementProperties {

    private static final PerpetualFuture INVERSE = PerpetualFuture.inverseOf("BTC");
    private static final PerpetualFuture LINEAR = PerpetualFuture.of("BTC");

    private static MarketSnapshot market(double price) {
        return MarketSnapshot.of(NOW, Map.of("BTC", price, "USDC", 1.0), Map.of("BTC", FlatSmileVolSurface.flat(0.6)));
    }

    @Property(tries = 200)
    void deltaHedgedPairLosesOnlyTheSecondOrderTerm(@ForAll @DoubleRange(min = 1, max = 1e6) double price,
            @ForAll @DoubleRange(min = 1, max = 1e8) double faceUsd) {
        MarketSnapshot m = market(price);
        RiskParameterSet params = Fixtures.params();
        MarketRiskParameters mp = params.market("BTC");
        RiskArrays arrays = RiskArrays.build(List.of(INVERSE, LINEAR), m, params);
        ScenarioGrid grid = arrays.grid();
        double units = faceUsd / price;
        double worst = 0;
        for (int s = 0; s < grid.size(); s++) {
            Scenario sc = grid.get(s);
            double move = sc.priceMoveFraction(mp);
            double pair = faceUsd * arrays.value(0, s) - units * arrays.value(1, s);
            double expected = -sc.weight(mp) * faceUsd * move * move / (1 + move);
            assertThat(pair).isCloseTo(expected, within(1e-9 * faceUsd));
            worst = Math.max(worst, -expected);
            if (move == 0) {
                assertThat(arrays.value(0, s)).isZero();
            }
        }
        // the pair nets its delta-one exposure to zero: no contingency, the requirement is the second-order loss
        List<Position> pair = List.of(Position.of(INVERSE, faceUsd, price), Position.of(LINEAR, -units, price));
        PoolMargin pm = MarginEngine.DEFAULT.compute(AccountInput.cross("A", MarginMethod.PORTFOLIO, pair, List.of()),
                m, params).pool("cross");
        assertThat(pm.maintenanceMarginUsd()).isCloseTo(worst, within(1e-9 * faceUsd));
        assertThat(pm.unrealizedPnlUsd()).isCloseTo(0, within(1e-9 * faceUsd));
        // at most 0.35 * 0.45^2 / 0.55 = 0.129 N (the extreme down move), against 0.286 N for the inverse leg alone
        assertThat(pm.maintenanceMarginUsd()).isLessThan(0.13 * faceUsd);
    }

    @Property(tries = 200)
    void standardMarginOfEqualNotionalsAgrees(@ForAll @DoubleRange(min = 1, max = 1e6) double price,
            @ForAll @DoubleRange(min = 1, max = 1e8) double faceUsd) {
        MarketSnapshot m = market(price);
        PoolMargin inverse = MarginEngine.DEFAULT.compute(AccountInput.cross("A", MarginMethod.STANDARD,
                List.of(Position.of(INVERSE, faceUsd, price)), List.of()), m, Fixtures.params()).pool("cross");
        PoolMargin linear = MarginEngine.DEFAULT.compute(AccountInput.cross("A", MarginMethod.STANDARD,
                List.of(Position.of(LINEAR, -faceUsd / price, price)), List.of()), m, Fixtures.params()).pool("cross");
        assertThat(inverse.initialMarginUsd()).isCloseTo(linear.initialMarginUsd(), within(1e-9 * faceUsd));
        assertThat(inverse.maintenanceMarginUsd()).isCloseTo(linear.maintenanceMarginUsd(), within(1e-9 * faceUsd));
    }

    @Property(tries = 200)
    void usdPnlOfTheCoinAgreesWithTheLinearPnlAtTheNewPrice(@ForAll @DoubleRange(min = 1, max = 1e6) double entry,
            @ForAll @DoubleRange(min = 0.2, max = 5) double ratio, @ForAll @DoubleRange(min = 1, max = 1e8) double face) {
        // valued at the price it is realised at, the coin P&L of N USD is the linear P&L of N / entry units
        double price = entry * ratio;
        MarketSnapshot m = market(price);
        double inverse = InstrumentPricer.DEFAULT.unrealizedPnlUsd(Position.of(INVERSE, face, entry), price, m);
        double linear = InstrumentPricer.DEFAULT.unrealizedPnlUsd(Position.of(LINEAR, face / entry, entry), price, m);
        assertThat(inverse).isCloseTo(linear, within(1e-9 * face * Math.max(1, ratio)));
    }
}
