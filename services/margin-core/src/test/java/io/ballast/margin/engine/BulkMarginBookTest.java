package io.ballast.margin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.RandomBooks;
import io.ballast.margin.market.FlatSmileVolSurface;
import io.ballast.margin.market.ForwardCurve;
import io.ballast.margin.market.SmileVolSurface;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.DatedFuture;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.OptionType;
import io.ballast.margin.product.PerpetualFuture;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bulk book gives, for every account, the single-account façade's equity, requirements and status, and the same
 * early-warning answer as recomputing the account at each stressed price; after ticks, the same as a fresh book.
 */
class BulkMarginBookTest {

    private static final int ACCOUNTS = 400;
    private static final Map<String, Double> MOVES = Map.of("BTC", 0.08, "ETH", 0.11);

    @ParameterizedTest
    @CsvSource({"false, false, false", "true, false, false", "false, true, false", "true, true, false",
        "false, false, true", "true, true, true"})
    void bulkBookMatchesTheFacadeBeforeAndAfterTicks(boolean parallel, boolean basisSmileInverse, boolean screen) {
        Accounts x = accounts(basisSmileInverse, 29);
        List<Instrument> universe = x.universe();
        MarketSnapshot m0 = x.market();
        RiskParameterSet universeParams = x.universeParams();
        List<AccountInput> accounts = x.accounts();
        List<RiskParameterSet> params = x.params();
        BulkMarginBook.Builder builder = BulkMarginBook.builder(universe, m0, universeParams, MOVES, parallel);
        if (screen) {
            // a screened book's readers re-value what the screen skipped: the same figures
            builder.screen(0.05);
        }
        for (int a = 0; a < accounts.size(); a++) {
            assertThat(builder.addAccount(accounts.get(a), params.get(a))).isEqualTo(a);
        }
        BulkMarginBook book = builder.build();
        Set<String> statuses = assertMatchesFacade(book, accounts, params, m0);
        assertThat(statuses).contains("HEALTHY", "MARGIN_CALL", "LIQUIDATABLE", "warning");

        // BTC falls 6 % and its vol rises; then USDC (collateral only) moves; then ETH rises
        MarketSnapshot m1 = m0.withPrice("BTC", 94_000).withVolSurface("BTC", FlatSmileVolSurface.flat(0.75));
        int[] exposed = book.onTick(m1, "BTC", MOVES.get("BTC"));
        assertThat(exposed.length).isLessThan(accounts.size());
        MarketSnapshot m2 = m1.withPrice("USDC", 0.97);
        book.onTick(m2, "USDC", 0, screen);
        MarketSnapshot m3 = m2.withPrice("ETH", 4_300);
        book.onTick(m3, "ETH", MOVES.get("ETH"), true);
        assertMatchesFacade(book, accounts, params, m3);

        BulkMarginBook.Builder again = BulkMarginBook.builder(universe, m3, universeParams, MOVES, parallel);
        for (int a = 0; a < accounts.size(); a++) {
            again.addAccount(accounts.get(a), params.get(a));
        }
        BulkMarginBook fresh = again.build();
        for (int a = 0; a < accounts.size(); a++) {
            assertThat(book.maintenanceUsd(a)).isCloseTo(fresh.maintenanceUsd(a), within(1e-9));
            assertThat(book.equityUsd(a)).isCloseTo(fresh.equityUsd(a), within(1e-6));
            assertThat(book.stressBreached(a)).isEqualTo(fresh.stressBreached(a));
        }
    }

    /**
     * A random tenant book: ACCOUNTS accounts of random portfolios over the universe, standard and portfolio margin,
     * collateral from very thin to ample (so that every status occurs), some with steeper BTC fractions; plus an
     * empty portfolio account.
     */
    record Accounts(List<Instrument> universe, MarketSnapshot market, RiskParameterSet universeParams,
            List<AccountInput> accounts, List<RiskParameterSet> params) {
    }

    static Accounts accounts(boolean basisSmileInverse, long seed) {
        RiskParameterSet universeParams = Fixtures.params();
        // standard accounts carry their own fractions (steeper for some), as the service's inputs do
        RiskParameterSet steep = universeParams.withMarket("BTC", MarketRiskParameters.defaults().toBuilder()
                .imf(0.05, 0.0002).mmf(0.03, 0.0001).build());
        List<Instrument> universe = new ArrayList<>(RandomBooks.universe());
        MarketSnapshot m0 = Fixtures.market();
        if (basisSmileInverse) {
            // BTC futures with a basis, an ETH smile, inverse perpetual and future and a coin-settled option
            universe.addAll(Fixtures.inverseInstruments());
            m0 = Fixtures.marketWithBasisAndSmile();
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<AccountInput> accounts = new ArrayList<>();
        List<RiskParameterSet> params = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            List<Position> positions = new ArrayList<>();
            for (Position p : RandomBooks.portfolio(rnd, universe)) {
                Instrument ins = p.instrument();
                if (ins.inverse() && ins.kind().isLinear()) {
                    // USD of face value, entered within 20 % of the index
                    double s = m0.indexPrice(ins.underlying());
                    positions.add(Position.of(ins, p.quantity() * s, s * (0.8 + 0.4 * rnd.nextDouble())));
                } else {
                    positions.add(Position.of(ins, p.quantity(), rnd.nextDouble() * 100));
                }
            }
            List<CollateralBalance> collateral = new ArrayList<>();
            // collateral from very thin to ample, so that every status occurs
            collateral.add(CollateralBalance.of("USDC", BigDecimal.valueOf(rnd.nextInt(400_000))));
            if (rnd.nextInt(4) == 0) {
                collateral.add(CollateralBalance.of("BTC", BigDecimal.valueOf(rnd.nextInt(5) + 1)));
            }
            MarginMethod method = a % 3 == 0 ? MarginMethod.PORTFOLIO : MarginMethod.STANDARD;
            accounts.add(AccountInput.cross("a" + a, method, positions, collateral));
            params.add(a % 5 == 1 ? steep : universeParams);
        }
        accounts.add(AccountInput.cross("empty", MarginMethod.PORTFOLIO, List.of(),
                List.of(CollateralBalance.of("USDC", "10"))));
        params.add(universeParams);

        return new Accounts(universe, m0, universeParams, accounts, params);
    }

    private static Set<String> assertMatchesFacade(BulkMarginBook book, List<AccountInput> accounts,
            List<RiskParameterSet> params, MarketSnapshot market) {
        Set<String> seen = new HashSet<>();
        for (int a = 0; a < accounts.size(); a++) {
            MarginResult r = MarginEngine.DEFAULT.computeRequirements(accounts.get(a), market, params.get(a));
            double tol = 1e-9 * Math.max(1, Math.abs(r.equityUsd()) + r.maintenanceMarginUsd());
            assertThat(book.equityUsd(a)).as("equity of account %d", a).isCloseTo(r.equityUsd(), within(tol));
            assertThat(book.initialUsd(a)).as("IM of account %d", a).isCloseTo(r.initialMarginUsd(), within(tol));
            assertThat(book.maintenanceUsd(a)).as("MM of account %d", a)
                    .isCloseTo(r.maintenanceMarginUsd(), within(tol));
            assertThat(book.status(a)).isEqualTo(r.status());
            MarginResult bulk = book.result(a, "x", accounts.get(a).method());
            assertThat(bulk.pools().get(0).collateralValueUsd())
                    .isCloseTo(r.pools().get(0).collateralValueUsd(), within(tol));
            boolean warning = stressed(accounts.get(a), params.get(a), market);
            assertThat(book.stressBreached(a)).as("stress of account %d", a).isEqualTo(warning);
            seen.add(r.status().name());
            if (warning && r.equityUsd() >= r.initialMarginUsd()) {
                seen.add("warning");
            }
        }
        return seen;
    }

    /** The early warning as the single-account path computes it: each held underlying moved down and up. */
    private static boolean stressed(AccountInput account, RiskParameterSet params, MarketSnapshot market) {
        Set<String> underlyings = new HashSet<>();
        account.pools().forEach(p -> p.positions().forEach(x -> underlyings.add(x.instrument().underlying())));
        for (String u : underlyings) {
            double s0 = market.indexPrice(u);
            for (double s : new double[] {s0 * Math.exp(-MOVES.get(u)), s0 * Math.exp(MOVES.get(u))}) {
                MarginResult x = MarginEngine.DEFAULT.computeRequirements(account, market.withPrice(u, s), params);
                if (x.equityUsd() < x.maintenanceMarginUsd()) {
                    return true;
                }
            }
        }
        return false;
    }
}
