package io.ballast.margin.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ballast.margin.Fixtures;
import io.ballast.margin.RandomBooks;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.Position;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The liquidation-price search's surplus, which prices only the moving underlying, against the pool's full margin at
 * the moved market: books on both underlyings with options, inverse contracts, a futures basis and a smile, and
 * collateral in stablecoin, BTC and ETH (the moving underlying's collateral moves with it).
 */
class PoolSurplusTest {

    /** One pool of a random book, with everything the surplus and the search need. */
    private record Book(int index, AccountInput account, MarginMethod method, NettedPositions net,
            MarketSnapshot market, RiskParameterSet params) {

        PoolSurplus surplus(String u) {
            return new PoolSurplus(account.pools().get(0), method, net, market, params, u);
        }

        /** The underlyings the book holds positions on, of BTC and ETH. */
        List<String> held() {
            return List.of("BTC", "ETH").stream().filter(u -> account.pools().get(0).positions().stream()
                    .anyMatch(p -> p.instrument().underlying().equals(u))).toList();
        }
    }

    /** 120 random books; with inverse contracts unless {@code linearOnly}. */
    private static List<Book> books(double correlation, boolean withInverse, long seed) {
        RiskParameterSet base = Fixtures.params();
        RiskParameterSet params = RiskParameterSet.of(11, 1.3, correlation, 0.01,
                Map.of("BTC", MarketRiskParameters.defaults().toBuilder().imf(0.05, 0.0002).mmf(0.03, 0.0001).build(),
                        "ETH", MarketRiskParameters.defaults()),
                Map.of("USDC", base.collateral("USDC"), "BTC", base.collateral("BTC"), "ETH", base.collateral("ETH")));
        List<Instrument> universe = new ArrayList<>(RandomBooks.universe());
        if (withInverse) {
            universe.addAll(Fixtures.inverseInstruments());
        }
        MarketSnapshot market = Fixtures.marketWithBasisAndSmile();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Book> books = new ArrayList<>();
        for (int a = 0; a < 120; a++) {
            List<Position> positions = new ArrayList<>();
            for (Position p : RandomBooks.portfolio(rnd, universe)) {
                Instrument ins = p.instrument();
                double s = market.indexPrice(ins.underlying());
                positions.add(ins.inverse() && ins.kind().isLinear()
                        ? Position.of(ins, p.quantity() * s, s * (0.8 + 0.4 * rnd.nextDouble()))
                        : Position.of(ins, p.quantity(), rnd.nextDouble() * 100));
            }
            // the same instrument twice: P&L per position, requirement on the netted quantity
            positions.add(Position.of(positions.get(0).instrument(), positions.get(0).quantity() / 3, 99));
            List<CollateralBalance> collateral = new ArrayList<>();
            collateral.add(CollateralBalance.of("USDC", BigDecimal.valueOf(rnd.nextInt(400_000))));
            collateral.add(CollateralBalance.of("BTC", BigDecimal.valueOf(rnd.nextInt(4))));
            collateral.add(CollateralBalance.of("ETH", BigDecimal.valueOf(rnd.nextInt(40))));
            MarginMethod method = a % 2 == 0 ? MarginMethod.PORTFOLIO : MarginMethod.STANDARD;
            AccountInput account = AccountInput.cross("a" + a, method, positions, collateral);
            books.add(new Book(a, account, method, NettedPositions.of(positions, market), market, params));
        }
        return books;
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.6})
    void theSurplusAtATrialPriceIsTheFullMarginsEquityMinusMaintenance(double correlation) {
        int compared = 0;
        for (Book book : books(correlation, true, 41)) {
            int a = book.index();
            AccountInput account = book.account();
            MarketSnapshot market = book.market();
            RiskParameterSet params = book.params();
            for (String u : book.held()) {
                PoolSurplus surplus = book.surplus(u);
                double s0 = market.indexPrice(u);
                for (double f : new double[] {1.3, 0.5, 0.97, 1.01, 2.2, 0.12}) {
                    PoolMargin full = MarginEngine.DEFAULT.computeRequirements(account, market.withPrice(u, s0 * f),
                            params).pools().get(0);
                    double expected = full.equityUsd() - full.maintenanceMarginUsd();
                    double tolerance = 1e-9 * Math.max(1, Math.abs(full.equityUsd()) + full.maintenanceMarginUsd());
                    assertThat(surplus.at(s0 * f)).as("account %d, %s x %s", a, u, f).isCloseTo(expected,
                            within(tolerance));
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(1_000);
    }

    /**
     * The slope bound is a Lipschitz constant of the surplus over the whole range the search covers (a hundredth to
     * ten times today's price): checked between neighbouring prices of a fine grid and between random pairs. Inverse
     * contracts have no bound.
     */
    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.6})
    void theSlopeBoundHoldsBetweenAnyTwoPrices(double correlation) {
        int bounded = 0;
        int unbounded = 0;
        double tightest = 0;
        SplittableRandom rnd = new SplittableRandom(7);
        for (Book book : books(correlation, true, 43)) {
            for (String u : book.held()) {
                PoolSurplus surplus = book.surplus(u);
                double bound = surplus.slopeBound();
                boolean inverse = book.account().pools().get(0).positions().stream()
                        .anyMatch(p -> p.instrument().inverse() && p.instrument().underlying().equals(u));
                if (inverse) {
                    assertThat(bound).isInfinite();
                    unbounded++;
                    continue;
                }
                assertThat(bound).as("book %d on %s", book.index(), u).isFinite().isPositive();
                bounded++;
                double s0 = book.market().indexPrice(u);
                int n = 400;
                double[] x = new double[n + 40];
                for (int k = 0; k <= n; k++) {
                    x[k] = s0 * Math.exp(Math.log(0.01) + (Math.log(10.0) - Math.log(0.01)) * k / n);
                }
                for (int k = n + 1; k < x.length; k++) {
                    x[k] = s0 * Math.exp(Math.log(0.01) + (Math.log(10.0) - Math.log(0.01)) * rnd.nextDouble());
                }
                double[] f = new double[x.length];
                for (int k = 0; k < x.length; k++) {
                    f[k] = surplus.at(x[k]);
                }
                for (int k = 1; k < x.length; k++) {
                    int j = k <= n ? k - 1 : rnd.nextInt(x.length);
                    double dx = Math.abs(x[k] - x[j]);
                    double slope = dx == 0 ? 0 : Math.abs(f[k] - f[j]) / dx;
                    assertThat(slope).as("book %d on %s between %s and %s", book.index(), u, x[j], x[k])
                            .isLessThanOrEqualTo(bound * (1 + 1e-9) + 1e-9);
                    tightest = Math.max(tightest, slope / bound);
                }
            }
        }
        assertThat(bounded).isGreaterThan(60);
        assertThat(unbounded).isGreaterThan(10);
        // a bound that is not a bound at all would fail above; one that is useless (far too loose) fails here
        assertThat(tightest).isGreaterThan(0.2);
    }

    /**
     * The search that skips the trial prices the slope bound proves positive, and answers Brent's ends it has
     * evaluated from what it knows, answers exactly as the one that evaluates everything, with fewer evaluations.
     */
    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.6})
    void skippingProvenTrialPricesChangesNoLiquidationPrice(double correlation) {
        long skipping = 0;
        long exhaustive = 0;
        int found = 0;
        for (boolean withInverse : new boolean[] {false, true}) {
            for (Book book : books(correlation, withInverse, withInverse ? 45 : 47)) {
                PoolMargin today = MarginEngine.DEFAULT.computeRequirements(book.account(), book.market(),
                        book.params()).pools().get(0);
                double surplusUsd = today.equityUsd() - today.maintenanceMarginUsd();
                if (surplusUsd < 0) {
                    continue;
                }
                for (String u : book.held()) {
                    double s0 = book.market().indexPrice(u);
                    for (int direction : new int[] {-1, 1}) {
                        double reach = direction < 0 ? MarginEngine.MAX_LOG_MOVE_DOWN : MarginEngine.MAX_LOG_MOVE_UP;
                        PoolSurplus a = book.surplus(u);
                        PoolSurplus b = book.surplus(u);
                        OptionalDouble fast = MarginEngine.DEFAULT.search(a, s0, surplusUsd, direction, reach);
                        OptionalDouble all = MarginEngine.EXHAUSTIVE.search(b, s0, surplusUsd, direction, reach);
                        assertThat(fast).as("book %d on %s, side %d", book.index(), u, direction).isEqualTo(all);
                        assertThat(a.evaluations()).isLessThanOrEqualTo(b.evaluations());
                        skipping += a.evaluations();
                        exhaustive += b.evaluations();
                        found += all.isPresent() ? 1 : 0;
                    }
                }
            }
        }
        assertThat(found).isGreaterThan(50);
        assertThat(skipping).isLessThan(exhaustive * 3 / 4);
    }

    /** Whole answers, through the engine: the same liquidation prices with and without the skipping. */
    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.6})
    void theEngineAnswersTheSameLiquidationPrices(double correlation) {
        int priced = 0;
        for (Book book : books(correlation, true, 49)) {
            PoolMargin fast = MarginEngine.DEFAULT.compute(book.account(), book.market(), book.params()).pools()
                    .get(0);
            PoolMargin all = MarginEngine.EXHAUSTIVE.compute(book.account(), book.market(), book.params()).pools()
                    .get(0);
            assertThat(fast.liquidationPrice()).as("book %d", book.index()).isEqualTo(all.liquidationPrice());
            priced += all.liquidationPrice().isPresent() ? 1 : 0;
        }
        assertThat(priced).isGreaterThan(30);
    }

    /**
     * The searches of an account before and after a trade on the underlying they move, sharing the arrays priced at
     * their trial prices ({@link TrialArrays}): the second copies what the first priced, and both answer exactly as
     * searches of their own; through the engine, {@link MarginEngine#computeBeforeAfter} gives the two results that
     * two computes give.
     */
    @ParameterizedTest
    @ValueSource(doubles = {1.0, 0.6})
    void searchesBeforeAndAfterATradeShareTheirTrialPricesAndAnswerAsAlone(double correlation) {
        List<Instrument> universe = RandomBooks.universe();
        long copied = 0;
        int compared = 0;
        int whole = 0;
        for (Book book : books(correlation, true, 51)) {
            MarginResultPair expected = pair(book, universe, false);
            MarginResultPair shared = pair(book, universe, true);
            assertThat(shared.before()).as("book %d before", book.index()).isEqualTo(expected.before());
            assertThat(shared.after()).as("book %d after", book.index()).isEqualTo(expected.after());
            whole += expected.after().pools().get(0).liquidationPrice().isPresent() ? 1 : 0;
            if (book.method() != MarginMethod.PORTFOLIO) {
                continue;
            }
            AccountInput after = traded(book, universe);
            NettedPositions afterNet = NettedPositions.of(after.pools().get(0).positions(), book.market());
            PoolMargin today = MarginEngine.DEFAULT.computeRequirements(after, book.market(), book.params()).pools()
                    .get(0);
            double afterSurplusUsd = today.equityUsd() - today.maintenanceMarginUsd();
            PoolMargin before = MarginEngine.DEFAULT.computeRequirements(book.account(), book.market(),
                    book.params()).pools().get(0);
            double beforeSurplusUsd = before.equityUsd() - before.maintenanceMarginUsd();
            if (afterSurplusUsd < 0 || beforeSurplusUsd < 0) {
                continue;
            }
            for (String u : book.held()) {
                double s0 = book.market().indexPrice(u);
                for (int direction : new int[] {-1, 1}) {
                    double reach = direction < 0 ? MarginEngine.MAX_LOG_MOVE_DOWN : MarginEngine.MAX_LOG_MOVE_UP;
                    TrialArrays trials = new TrialArrays(book.market(), book.params());
                    MarginEngine.DEFAULT.search(new PoolSurplus(book.account().pools().get(0), book.method(),
                            book.net(), book.market(), book.params(), u, trials), s0, beforeSurplusUsd, direction,
                            reach);
                    int copiesBefore = trials.copies();
                    PoolSurplus alone = new PoolSurplus(after.pools().get(0), book.method(), afterNet, book.market(),
                            book.params(), u);
                    PoolSurplus sharing = new PoolSurplus(after.pools().get(0), book.method(), afterNet,
                            book.market(), book.params(), u, trials);
                    assertThat(MarginEngine.DEFAULT.search(sharing, s0, afterSurplusUsd, direction, reach))
                            .as("book %d on %s, side %d", book.index(), u, direction)
                            .isEqualTo(MarginEngine.DEFAULT.search(alone, s0, afterSurplusUsd, direction, reach));
                    assertThat(copiesBefore).as("the first search copies nothing").isZero();
                    copied += trials.copies();
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(40);
        assertThat(whole).isGreaterThan(30);
        // most trial prices of the second search were priced by the first
        assertThat(copied).isGreaterThan(compared * 3L);
    }

    /** Margin before and after a trade, through the engine: with shared trial prices or two computes. */
    private static MarginResultPair pair(Book book, List<Instrument> universe, boolean shared) {
        AccountInput after = traded(book, universe);
        if (shared) {
            MarginEngine.BeforeAfter r = MarginEngine.DEFAULT.computeBeforeAfter(book.account(), after,
                    book.market(), book.params(), true);
            return new MarginResultPair(r.before(), r.after());
        }
        return new MarginResultPair(MarginEngine.DEFAULT.compute(book.account(), book.market(), book.params()),
                MarginEngine.DEFAULT.compute(after, book.market(), book.params()));
    }

    private record MarginResultPair(io.ballast.margin.measure.MarginResult before,
            io.ballast.margin.measure.MarginResult after) {
    }

    /** The book with one more position: an instrument of the universe on its first held underlying. */
    private static AccountInput traded(Book book, List<Instrument> universe) {
        String u = book.held().isEmpty() ? "BTC" : book.held().get(0);
        List<Instrument> on = universe.stream().filter(i -> i.underlying().equals(u)).toList();
        Instrument ins = on.get(book.index() % on.size());
        List<Position> positions = new ArrayList<>(book.account().pools().get(0).positions());
        positions.add(Position.of(ins, book.index() % 3 == 0 ? -0.5 : 0.5, 10));
        return book.account().withPool(book.account().pools().get(0).withPositions(positions));
    }
}
