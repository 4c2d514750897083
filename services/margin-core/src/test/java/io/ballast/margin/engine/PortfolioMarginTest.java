package io.ballast.margin.engine;

import static io.ballast.margin.Fixtures.BTC_PERP;
import static io.ballast.margin.Fixtures.BTC_SPOT;
import static io.ballast.margin.Fixtures.ETH_PERP;
import static io.ballast.margin.Fixtures.IN_30_DAYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.RandomBooks;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.ChargeLine;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.measure.PositionLine;
import io.ballast.margin.measure.UnderlyingRisk;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.param.VolShock;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortfolioMarginTest {

    private static final MarginEngine ENGINE = MarginEngine.DEFAULT;

    private static PoolMargin pm(List<Position> positions, RiskParameterSet params) {
        return pm(positions, Fixtures.market(), params);
    }

    private static PoolMargin pm(List<Position> positions, MarketSnapshot market, RiskParameterSet params) {
        return ENGINE.compute(AccountInput.cross("P", MarginMethod.PORTFOLIO, positions, List.of()), market, params)
                .pool("cross");
    }

    private static double standaloneSum(List<Position> positions) {
        return positions.stream().mapToDouble(p -> pm(List.of(p), Fixtures.params()).maintenanceMarginUsd()).sum();
    }

    @Test
    void workedExampleLongPerpIsDrivenByTheExtremeDownMove() {
        PoolMargin pool = pm(List.of(Position.of(BTC_PERP, 2, 100_000)), Fixtures.params());
        // regular worst: -15 % on 2 BTC = 30,000; extreme: 0.35 * 2 * 45,000 = 31,500 (scenario 34, extreme down)
        UnderlyingRisk btc = pool.breakdown().underlyings().get(0);
        assertThat(btc.worstScenarioIndex()).isEqualTo(34);
        assertThat(btc.worstScenario()).isEqualTo("extreme price -45.00 %, vol NONE, weight 0.35");
        assertThat(btc.worstLossUsd()).isCloseTo(31_500, within(1e-6));
        // linear contingency 0.005 * 100,000 * 2 = 1,000
        assertThat(pool.breakdown().contingencyUsd()).isCloseTo(1_000, within(1e-9));
        assertThat(pool.maintenanceMarginUsd()).isCloseTo(32_500, within(1e-6));
        assertThat(pool.initialMarginUsd()).isCloseTo(42_250, within(1e-6));
        assertThat(pool.breakdown().positions().get(0).maintenanceUsd()).isCloseTo(31_500, within(1e-6));
    }

    @Test
    void gridHasElevenPriceStepsThreeVolStatesAndTwoExtremes() {
        var grid = io.ballast.margin.param.ScenarioGrid.of(Fixtures.params());
        assertThat(grid.size()).isEqualTo(35);
        assertThat(grid.get(5).priceMoveUnits()).isEqualTo(0.0);
        assertThat(grid.get(0).priceMoveUnits()).isEqualTo(-1.0);
        assertThat(grid.get(12).volShock()).isEqualTo(VolShock.UP);
        assertThat(grid.get(33).extreme()).isTrue();
        assertThat(grid.get(33).priceMoveFraction(Fixtures.params().market("BTC"))).isCloseTo(0.45, within(1e-15));
    }

    @Test
    void hedgedBooksNeedLessThanTheirPositionsOneByOne() {
        List<List<Position>> books = List.of(
                List.of(Position.of(BTC_SPOT, 2, 0), Position.of(BTC_PERP, -2, 0)),
                List.of(Position.of(DatedFuture.of("BTC", Fixtures.IN_90_DAYS), 2, 0), Position.of(BTC_PERP, -2, 0)),
                List.of(Position.of(BTC_PERP, 1, 0), Position.of(Fixtures.btcCall(110_000, IN_30_DAYS), -1, 0)),
                List.of(Position.of(BTC_SPOT, 1, 0), Position.of(Fixtures.btcPut(90_000, IN_30_DAYS), 1, 0)));
        for (List<Position> book : books) {
            double together = pm(book, Fixtures.params()).maintenanceMarginUsd();
            assertThat(together).as(book.toString()).isLessThan(standaloneSum(book));
        }
        // long spot against a short perp is fully hedged in every scenario and nets to zero linear exposure
        assertThat(pm(books.get(0), Fixtures.params()).maintenanceMarginUsd()).isCloseTo(0, within(1e-9));
        assertThat(standaloneSum(books.get(0))).isCloseTo(65_000, within(1e-6));
    }

    @Test
    void shortOptionWorstScenarioHasVolUpAndPaysTheContingency() {
        // without the extreme moves (weight 0), the worst regular scenario of a short call is price up, vol up
        RiskParameterSet params = Fixtures.params().withMarket("BTC",
                Fixtures.params().market("BTC").toBuilder().extremeMove(3, 0).build());
        PoolMargin pool = pm(List.of(Position.of(Fixtures.btcCall(110_000, IN_30_DAYS), -3, 0)), params);
        UnderlyingRisk btc = pool.breakdown().underlyings().get(0);
        assertThat(btc.worstScenario()).contains("vol UP").contains("+15.00 %");
        ChargeLine charge = pool.breakdown().charges().get(0);
        assertThat(charge.amountUsd()).isCloseTo(3 * 0.01 * 100_000, within(1e-9));
        assertThat(pool.maintenanceMarginUsd()).isCloseTo(btc.worstLossUsd() + 3_000, within(1e-9));
    }

    @ParameterizedTest
    @ValueSource(doubles = {2.0, 0.5, 7.0, -1.0})
    void scalingEveryQuantityByKScalesPortfolioMarginByAbsK(double k) {
        SplittableRandom rnd = new SplittableRandom(7);
        List<Instrument> universe = RandomBooks.universe();
        for (int t = 0; t < 20; t++) {
            List<Position> book = RandomBooks.portfolio(rnd, universe);
            double base = pm(book, Fixtures.params()).maintenanceMarginUsd();
            List<Position> scaled = book.stream().map(p -> p.scaled(k)).toList();
            double expected = k > 0 ? k * base : Math.abs(k) * pm(scaled, Fixtures.params()).maintenanceMarginUsd();
            if (k > 0) {
                assertThat(pm(scaled, Fixtures.params()).maintenanceMarginUsd())
                        .isCloseTo(expected, within(1e-9 * Math.max(1, expected)));
            } else {
                // k = -1 flips the book: still positively homogeneous, scaling the flipped book by 3 triples it
                List<Position> tripled = scaled.stream().map(p -> p.scaled(3)).toList();
                assertThat(pm(tripled, Fixtures.params()).maintenanceMarginUsd())
                        .isCloseTo(3 * expected, within(1e-9 * Math.max(1, expected)));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.6, 0.0})
    void riskArrayMarginEqualsFullRevaluationOnRandomPortfolios(double rho) {
        RiskParameterSet params = Fixtures.params().withCrossUnderlyingCorrelation(rho);
        SplittableRandom rnd = new SplittableRandom(42);
        List<Instrument> universe = RandomBooks.universe();
        for (int t = 0; t < 200; t++) {
            List<Position> book = RandomBooks.portfolio(rnd, universe);
            double arrays = pm(book, params).maintenanceMarginUsd();
            double naive = NaiveRevaluation.maintenanceUsd(book, Fixtures.market(), params);
            assertThat(arrays).as("portfolio %d %s", t, book).isCloseTo(naive, within(1e-9 * Math.max(1, naive)));
        }
    }

    @Test
    void breakdownAddsUp() {
        SplittableRandom rnd = new SplittableRandom(3);
        List<Instrument> universe = RandomBooks.universe();
        for (int t = 0; t < 50; t++) {
            PoolMargin pool = pm(RandomBooks.portfolio(rnd, universe), Fixtures.params());
            double charges = pool.breakdown().charges().stream().mapToDouble(ChargeLine::amountUsd).sum();
            assertThat(charges).isCloseTo(pool.breakdown().contingencyUsd(), within(1e-9));
            for (UnderlyingRisk r : pool.breakdown().underlyings()) {
                double contributions = pool.breakdown().positions().stream()
                        .filter(l -> l.underlying().equals(r.underlying()))
                        .mapToDouble(PositionLine::maintenanceUsd).sum();
                if (r.worstLossUsd() > 0) {
                    assertThat(contributions).isCloseTo(r.worstLossUsd(), within(1e-9 * (1 + r.worstLossUsd())));
                }
            }
            assertThat(pool.maintenanceMarginUsd()).isCloseTo(
                    pool.breakdown().scenarioLossUsd() + pool.breakdown().contingencyUsd(), within(1e-9));
        }
    }

    @Test
    void workedExampleCorrelationCreditBetweenUnderlyings() {
        List<Position> book = List.of(Position.of(BTC_PERP, 1, 0), Position.of(ETH_PERP, 10, 0));
        // BTC: 0.35 * 45,000 = 15,750; ETH: 0.35 * 10 * 4,000 * 0.45 = 6,300; contingency 500 + 200
        PoolMargin noOffset = pm(book, Fixtures.params());
        assertThat(noOffset.maintenanceMarginUsd()).isCloseTo(15_750 + 6_300 + 700, within(1e-6));
        PoolMargin credited = pm(book, Fixtures.params().withCrossUnderlyingCorrelation(0.5));
        double combined = Math.sqrt(0.5 * (15_750.0 * 15_750 + 6_300.0 * 6_300) + 0.5 * 22_050.0 * 22_050);
        assertThat(combined).isCloseTo(19_671.75, within(0.01));
        assertThat(credited.maintenanceMarginUsd()).isCloseTo(combined + 700, within(1e-6));
        assertThat(credited.breakdown().correlationCreditUsd()).isCloseTo(22_050 - combined, within(1e-6));
    }

    @Test
    void volShocksAreScaledByDaysToExpiry() {
        var m = Fixtures.params().market("BTC");
        assertThat(m.volShockScale(30)).isEqualTo(1.0);
        assertThat(m.volShockScale(7)).isCloseTo(Math.pow(30.0 / 7, 0.3), within(1e-15));
        assertThat(VolShock.UP.apply(0.6, m, 30, 0.01)).isCloseTo(0.6 * 1.45, within(1e-15));
        assertThat(VolShock.DOWN.apply(0.6, m, 30, 0.01)).isCloseTo(0.6 * 0.70, within(1e-15));
        // one day: the down shock 0.30 * 30^0.3 = 0.83 still leaves vol above the floor
        assertThat(VolShock.DOWN.apply(0.6, m, 1, 0.01)).isCloseTo(0.6 * (1 - 0.3 * Math.pow(30, 0.3)), within(1e-12));
    }
}
