package io.ballast.margin.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.margin.Fixtures;
import io.ballast.margin.RandomBooks;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Arrays copied from arrays already priced ({@link RiskArrays#subset}, {@link MarginEngine#computeRequirements(
 * AccountInput, RiskArrays)}) give exactly what pricing again gives: the liquidation planner relies on it.
 */
class PricedArraysTest {

    @Test
    void aSubsetCopiesExactlyWhatBuildingItWouldPrice() {
        MarketSnapshot market = Fixtures.market();
        RiskParameterSet params = Fixtures.params();
        List<Instrument> universe = RandomBooks.universe();
        RiskArrays all = RiskArrays.build(universe, market, params);
        // every other instrument, in reverse order, so that indices and underlyings differ from the source's
        List<Instrument> some = new ArrayList<>();
        for (int i = universe.size() - 1; i >= 0; i -= 2) {
            some.add(universe.get(i));
        }
        RiskArrays copied = RiskArrays.subset(some, all);
        RiskArrays built = RiskArrays.build(some, market, params);
        assertThat(copied.market()).isSameAs(market);
        assertThat(copied.underlyings()).isEqualTo(built.underlyings());
        for (int i = 0; i < some.size(); i++) {
            assertThat(copied.instrument(i)).isEqualTo(some.get(i));
            assertThat(copied.markPriceUsd(i)).isEqualTo(built.markPriceUsd(i));
            assertThat(copied.shortOptionChargePerUnitUsd(i)).isEqualTo(built.shortOptionChargePerUnitUsd(i));
            assertThat(copied.linearUnitsPerUnit(i)).isEqualTo(built.linearUnitsPerUnit(i));
            assertThat(copied.sharesLinearArray(i)).isEqualTo(built.sharesLinearArray(i));
            assertThat(copied.underlyingOf(i)).isEqualTo(built.underlyingOf(i));
            for (int s = 0; s < built.scenarioCount(); s++) {
                assertThat(copied.value(i, s)).isEqualTo(built.value(i, s));
            }
            assertThat(copied.rawLinearScale()[i]).isEqualTo(built.rawLinearScale()[i]);
            assertThat(copied.rawNettedOnLinear()[i]).isEqualTo(built.rawNettedOnLinear()[i]);
        }
        for (int u = 0; u < built.underlyings().size(); u++) {
            assertThat(copied.linearChargePerUnitUsd(u)).isEqualTo(built.linearChargePerUnitUsd(u));
            assertThat(copied.linearArgMin(u)).isEqualTo(built.linearArgMin(u));
            assertThat(copied.linearArgMax(u)).isEqualTo(built.linearArgMax(u));
        }
        for (int k = 0; k < copied.rawLinearValues().length; k++) {
            assertThat(copied.rawLinearValues()[k]).isEqualTo(built.rawLinearValues()[k]);
        }
    }

    @Test
    void anInstrumentTheSourceLacksIsPriced() {
        List<Instrument> universe = RandomBooks.universe();
        RiskArrays first = RiskArrays.build(universe.subList(0, 1), Fixtures.market(), Fixtures.params());
        RiskArrays copied = RiskArrays.subset(universe, first);
        RiskArrays built = RiskArrays.build(universe, Fixtures.market(), Fixtures.params());
        for (int i = 0; i < universe.size(); i++) {
            for (int s = 0; s < built.scenarioCount(); s++) {
                assertThat(copied.value(i, s)).isEqualTo(built.value(i, s));
            }
            assertThat(copied.markPriceUsd(i)).isEqualTo(built.markPriceUsd(i));
        }
    }

    @Test
    void requirementsFromPricedArraysEqualThePricedAgainOnes() {
        List<Instrument> universe = RandomBooks.universe();
        RiskArrays all = RiskArrays.build(universe, Fixtures.market(), Fixtures.params());
        SplittableRandom rnd = new SplittableRandom(7);
        for (int k = 0; k < 50; k++) {
            List<Position> book = RandomBooks.portfolio(rnd, universe);
            for (MarginMethod method : MarginMethod.values()) {
                AccountInput a = AccountInput.cross("A" + k, method, book, List.of());
                MarginResult again = MarginEngine.DEFAULT.computeRequirements(a, Fixtures.market(), Fixtures.params());
                MarginResult copied = MarginEngine.DEFAULT.computeRequirements(a, all);
                assertThat(copied).usingRecursiveComparison().isEqualTo(again);
            }
        }
    }

    @Test
    void arraysOfAnotherMarketAreNotCopied() {
        List<Instrument> universe = RandomBooks.universe();
        RiskArrays all = RiskArrays.build(universe, Fixtures.market(), Fixtures.params());
        MarketSnapshot moved = Fixtures.market().withPrice("BTC", 80_000);
        List<Position> book = RandomBooks.portfolio(new SplittableRandom(3), universe);
        AccountInput a = AccountInput.cross("A", MarginMethod.PORTFOLIO, book, List.of());
        // the engine's own path at another market prices again instead of copying stale arrays
        MarginResult atMoved = MarginEngine.DEFAULT.computeRequirements(a, moved, Fixtures.params());
        PortfolioMarginCalculator.Evaluation viaStale = PortfolioMarginCalculator.evaluate(
                NettedPositions.of(book, moved), moved, Fixtures.params(), all);
        assertThat(viaStale.maintenanceUsd()).isEqualTo(atMoved.pool("cross").maintenanceMarginUsd());
    }
}
