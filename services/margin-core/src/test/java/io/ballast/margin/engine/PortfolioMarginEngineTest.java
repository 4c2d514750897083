package io.ballast.margin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.RandomBooks;
import io.ballast.margin.market.FlatSmileVolSurface;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bulk engine gives the façade's numbers, and an incremental tick gives a full recompute's numbers. */
class PortfolioMarginEngineTest {

    private static final int ACCOUNTS = 300;

    @ParameterizedTest
    @CsvSource({"false,1.0", "true,1.0", "false,0.7", "true,0.7"})
    void bulkEngineMatchesTheSingleAccountFacadeAndIncrementalMatchesFull(boolean parallel, double rho) {
        RiskParameterSet params = Fixtures.params().withCrossUnderlyingCorrelation(rho);
        List<Instrument> universe = RandomBooks.universe();
        SplittableRandom rnd = new SplittableRandom(11);
        List<List<Position>> accounts = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            accounts.add(RandomBooks.portfolio(rnd, universe));
        }
        accounts.add(List.of());

        MarketSnapshot m0 = Fixtures.market();
        PortfolioMarginEngine engine = newEngine(universe, accounts, m0, params, parallel);
        engine.recomputeAll(m0);
        assertMatchesFacade(engine, accounts, m0, params);
        assertThat(engine.maintenanceUsd(ACCOUNTS)).isZero();

        // BTC ticks: price -4 %, vol 60 % -> 75 %
        MarketSnapshot m1 = m0.withPrice("BTC", 96_000).withVolSurface("BTC", FlatSmileVolSurface.flat(0.75));
        int recomputed = engine.onTick(m1, "BTC");
        long exposed = accounts.stream()
                .filter(p -> p.stream().anyMatch(x -> x.instrument().underlying().equals("BTC"))).count();
        assertThat(recomputed).isEqualTo((int) exposed).isLessThan(ACCOUNTS);

        PortfolioMarginEngine fresh = newEngine(universe, accounts, m0, params, parallel);
        fresh.recomputeAll(m1);
        for (int a = 0; a <= ACCOUNTS; a++) {
            assertThat(engine.maintenanceUsd(a)).as("account %d", a).isEqualTo(fresh.maintenanceUsd(a));
            assertThat(engine.initialUsd(a)).isEqualTo(fresh.initialUsd(a));
        }
        assertMatchesFacade(engine, accounts, m1, params);

        double[] naive = new double[ACCOUNTS + 1];
        NaiveRevaluation.maintenanceUsd(engine.book(), engine.arrays(), m1, params, naive);
        for (int a = 0; a <= ACCOUNTS; a++) {
            assertThat(engine.maintenanceUsd(a)).isCloseTo(naive[a], within(1e-9 * Math.max(1, naive[a])));
        }
    }

    private static PortfolioMarginEngine newEngine(List<Instrument> universe, List<List<Position>> accounts,
            MarketSnapshot market, RiskParameterSet params, boolean parallel) {
        RiskArrays arrays = RiskArrays.build(universe, market, params);
        PortfolioBook.Builder builder = PortfolioBook.builder(arrays);
        for (List<Position> positions : accounts) {
            builder.addAccount(positions);
        }
        return new PortfolioMarginEngine(arrays, builder.build(), parallel);
    }

    private static void assertMatchesFacade(PortfolioMarginEngine engine, List<List<Position>> accounts,
            MarketSnapshot market, RiskParameterSet params) {
        for (int a = 0; a < accounts.size(); a++) {
            var pool = MarginEngine.DEFAULT.compute(
                    AccountInput.cross("x", MarginMethod.PORTFOLIO, accounts.get(a), List.of()), market, params)
                    .pool("cross");
            double expected = pool.maintenanceMarginUsd();
            assertThat(engine.maintenanceUsd(a)).as("account %d", a)
                    .isCloseTo(expected, within(1e-9 * Math.max(1, expected)));
            assertThat(engine.initialUsd(a)).isCloseTo(pool.initialMarginUsd(), within(1e-9 * Math.max(1, expected)));
        }
    }
}
