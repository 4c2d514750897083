package io.ballast.margin.engine;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.HealthStatus;
import io.ballast.margin.measure.MarginBreakdown;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.EuropeanOption;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.MarginPool;
import io.ballast.margin.product.PoolKind;
import io.ballast.margin.product.Position;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The margin of many single-pool accounts (a tenant's book), kept current as prices tick: equity, initial and
 * maintenance requirement and status of every account, plus an MPOR stress per account and underlying (the early
 * warning). The same numbers as {@link MarginEngine#computeRequirements} per account, computed in bulk:
 * <ul>
 *   <li>one set of {@link RiskArrays} over the universe of instruments the accounts hold; portfolio accounts are a
 *       {@link PortfolioBook} under a {@link PortfolioMarginEngine};</li>
 *   <li>standard accounts: the position-by-position rules of standard margin on the arrays' mark prices, with each
 *       account's own per-underlying parameters (its margin fractions depend on what it holds);</li>
 *   <li>equity: collateral at index price after haircut plus unrealized P&amp;L at the arrays' mark prices;</li>
 *   <li>stress: per underlying u held, the requirement and equity with u's index moved down and up by a log-move
 *       while everything else stays; with a cross-underlying correlation of 1 both are sums over underlyings, so
 *       only u's term changes: two more arrays of u's instruments (at the shocked prices) per tick of u.</li>
 * </ul>
 *
 * <p>{@link #onTick} rebuilds only the ticking symbol's arrays and re-evaluates only the accounts exposed to it
 * (positions on it or collateral in it). Not thread-safe: one caller at a time (the work itself may use the common
 * fork-join pool when {@code parallel}).
 */
public final class BulkMarginBook {

    /** Accounts per parallel task. */
    private static final int BLOCK = 2048;
    private static final int DOWN = 0;
    private static final int UP = 1;

    private final RiskArrays arrays;
    private final RiskArrays[] stressArrays;
    private final double[][] stressPriceUsd;
    private final double[] stressLogMove;
    private final PortfolioMarginEngine portfolio;
    private final boolean parallel;
    private final int accountCount;
    private final int nu;
    private final List<String> symbols;
    private final Map<String, Integer> symbolIndex;
    private final int[] portfolioNumber;
    private final int[] posStart;
    private final int[] posInstr;
    private final double[] posQty;
    private final double[] posCostUsd;
    /**
     * Per netted position, its unrealized P&amp;L and standard maintenance line at the current market, as the
     * account's last {@link #evaluate} computed them: {@link #stress}, which always runs right after it, reuses them
     * as its unstressed side instead of computing them again for each direction (the short-option lines were the
     * largest share of a tick's CPU in a profile).
     */
    private final double[] posPnlUsd;
    private final double[] posMaintenanceUsd;
    private final MarketRiskParameters[] posParams;
    private final int[] colStart;
    private final int[] colSymbol;
    private final double[] colBalance;
    private final double[] colKeep;
    private final int[][] exposedBySymbol;
    private final boolean[] holdsUnderlying;
    private final double[] collateralUsd;
    private final double[] unrealizedPnlUsd;
    private final double[] initialUsd;
    private final double[] maintenanceUsd;
    private final double[] stressUsd;
    private MarketSnapshot market;
    /**
     * Index price of each symbol (underlyings first, in the arrays' order, then collateral-only assets) at
     * {@link #market}, USD: read by number in the per-account loops instead of by name from the snapshot (a string
     * hash and map lookup per position was a tenth of a tick's work at 1,000,000 positions).
     */
    private final double[] symbolPriceUsd;

    private BulkMarginBook(Builder b) {
        this.arrays = b.arrays;
        this.parallel = b.parallel;
        this.nu = arrays.underlyings().size();
        this.accountCount = b.accountCount;
        this.symbols = List.copyOf(b.symbols);
        this.symbolIndex = Map.copyOf(b.symbolIndex);
        this.portfolioNumber = b.portfolioNumber.stream().mapToInt(Integer::intValue).toArray();
        this.portfolio = new PortfolioMarginEngine(arrays, b.portfolioBook.build(), parallel);
        b.posStart.add(b.posInstr.size());
        this.posStart = b.posStart.stream().mapToInt(Integer::intValue).toArray();
        this.posInstr = b.posInstr.stream().mapToInt(Integer::intValue).toArray();
        this.posQty = b.posQty.stream().mapToDouble(Double::doubleValue).toArray();
        this.posCostUsd = b.posCost.stream().mapToDouble(Double::doubleValue).toArray();
        this.posPnlUsd = new double[posCostUsd.length];
        this.posMaintenanceUsd = new double[posCostUsd.length];
        this.posParams = b.posParams.toArray(new MarketRiskParameters[0]);
        b.colStart.add(b.colSymbol.size());
        this.colStart = b.colStart.stream().mapToInt(Integer::intValue).toArray();
        this.colSymbol = b.colSymbol.stream().mapToInt(Integer::intValue).toArray();
        this.colBalance = b.colBalance.stream().mapToDouble(Double::doubleValue).toArray();
        this.colKeep = b.colKeep.stream().mapToDouble(Double::doubleValue).toArray();
        this.holdsUnderlying = new boolean[accountCount * nu];
        List<List<Integer>> exposed = new ArrayList<>();
        symbols.forEach(s -> exposed.add(new ArrayList<>()));
        for (int a = 0; a < accountCount; a++) {
            boolean[] seen = new boolean[symbols.size()];
            for (int p = posStart[a]; p < posStart[a + 1]; p++) {
                int u = arrays.underlyingOf(posInstr[p]);
                holdsUnderlying[a * nu + u] = true;
                seen[u] = true;
            }
            for (int c = colStart[a]; c < colStart[a + 1]; c++) {
                seen[colSymbol[c]] = true;
            }
            for (int s = 0; s < seen.length; s++) {
                if (seen[s]) {
                    exposed.get(s).add(a);
                }
            }
        }
        this.exposedBySymbol = exposed.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        this.collateralUsd = new double[accountCount];
        this.unrealizedPnlUsd = new double[accountCount];
        this.initialUsd = new double[accountCount];
        this.maintenanceUsd = new double[accountCount];
        this.stressUsd = new double[accountCount * nu];
        this.stressLogMove = new double[nu];
        this.symbolPriceUsd = new double[symbols.size()];
        this.stressPriceUsd = new double[2][nu];
        List<Instrument> universe = new ArrayList<>(arrays.instrumentCount());
        for (int i = 0; i < arrays.instrumentCount(); i++) {
            universe.add(arrays.instrument(i));
        }
        this.stressArrays = new RiskArrays[] {RiskArrays.build(universe, b.market, arrays.params()),
            RiskArrays.build(universe, b.market, arrays.params())};
        recomputeAll(b.market, b.stressLogMoves);
    }

    /**
     * A builder over a universe of instruments.
     *
     * @param universe       every instrument an account may hold (unique ids, none expired at {@code market})
     * @param market         the market (prices of every underlying and collateral asset, vols of every option's
     *                       underlying)
     * @param params         the parameters the risk arrays are built with (scenario grid, shocks, contingencies;
     *                       margin fractions and haircuts are taken per account); its cross-underlying correlation
     *                       must be 1
     * @param stressLogMoves per underlying, the log-move of the stress (absent: no stress, 0)
     * @param parallel       whether to spread work over the common fork-join pool
     * @return the builder
     * @throws MarginInputException when the correlation is not 1 or the universe cannot be priced
     */
    public static Builder builder(List<? extends Instrument> universe, MarketSnapshot market, RiskParameterSet params,
            Map<String, Double> stressLogMoves, boolean parallel) {
        if (params.crossUnderlyingCorrelation() != 1.0) {
            throw new MarginInputException("crossUnderlyingCorrelation", "the bulk book needs 1 (additive "
                    + "underlyings), was " + params.crossUnderlyingCorrelation());
        }
        return new Builder(RiskArrays.build(universe, market, params), market, Map.copyOf(stressLogMoves),
                parallel);
    }

    /** Collects accounts; account numbers are given in the order of {@link #addAccount}. Not thread-safe. */
    public static final class Builder {
        private final RiskArrays arrays;
        private final MarketSnapshot market;
        private final Map<String, Double> stressLogMoves;
        private final boolean parallel;
        private final PortfolioBook.Builder portfolioBook;
        private final List<String> symbols = new ArrayList<>();
        private final Map<String, Integer> symbolIndex = new HashMap<>();
        private final List<Integer> portfolioNumber = new ArrayList<>();
        private final List<Integer> posStart = new ArrayList<>();
        private final List<Integer> posInstr = new ArrayList<>();
        private final List<Double> posQty = new ArrayList<>();
        private final List<Double> posCost = new ArrayList<>();
        private final List<MarketRiskParameters> posParams = new ArrayList<>();
        private final List<Integer> colStart = new ArrayList<>();
        private final List<Integer> colSymbol = new ArrayList<>();
        private final List<Double> colBalance = new ArrayList<>();
        private final List<Double> colKeep = new ArrayList<>();
        private int accountCount;
        private int portfolioCount;

        private Builder(RiskArrays arrays, MarketSnapshot market, Map<String, Double> stressLogMoves,
                boolean parallel) {
            this.arrays = arrays;
            this.market = market;
            this.stressLogMoves = stressLogMoves;
            this.parallel = parallel;
            this.portfolioBook = PortfolioBook.builder(arrays);
            for (String u : arrays.underlyings()) {
                symbolIndex.put(u, symbols.size());
                symbols.add(u);
            }
        }

        /**
         * Adds an account of one pool. Checked before anything is added: an account holding an instrument outside
         * the universe, or collateral without a price, is refused and the builder is unchanged.
         *
         * @param account the account (one pool)
         * @param params  its parameters: per-underlying margin fractions (standard margin) and haircuts
         * @return the account number
         * @throws MarginInputException when the account cannot be held
         */
        public int addAccount(AccountInput account, RiskParameterSet params) {
            Checks.present("account", account);
            if (account.pools().size() != 1) {
                throw new MarginInputException("pools", "the bulk book holds single-pool accounts");
            }
            MarginPool pool = account.pools().get(0);
            Map<Integer, double[]> net = new java.util.TreeMap<>();
            for (Position p : pool.positions()) {
                int i = arrays.indexOf(p.instrument().id());
                double[] qc = net.computeIfAbsent(i, k -> new double[2]);
                qc[0] += p.quantity();
                // cost in USD, or in coins for an inverse perpetual or future (P&L = S * (cost - q / mark))
                qc[1] += arrays.isInverseDeltaOne(i) ? p.quantity() / p.entryPriceUsd()
                        : p.quantity() * p.entryPriceUsd();
            }
            boolean standard = account.method() == MarginMethod.STANDARD;
            List<MarketRiskParameters> lineParams = new ArrayList<>();
            for (int i : net.keySet()) {
                lineParams.add(standard ? params.market(arrays.instrument(i).underlying()) : null);
            }
            List<double[]> collateral = new ArrayList<>();
            for (CollateralBalance c : pool.collateral()) {
                market.indexPrice(c.asset());
                double balance = c.balance().doubleValue();
                collateral.add(new double[] {balance, 1.0 - params.collateral(c.asset()).haircut(balance)});
            }
            // checked: now add
            int number = accountCount++;
            posStart.add(posInstr.size());
            int k = 0;
            for (Map.Entry<Integer, double[]> e : net.entrySet()) {
                posInstr.add(e.getKey());
                posQty.add(e.getValue()[0]);
                posCost.add(e.getValue()[1]);
                posParams.add(lineParams.get(k++));
            }
            colStart.add(colSymbol.size());
            for (int c = 0; c < collateral.size(); c++) {
                String asset = pool.collateral().get(c).asset();
                Integer s = symbolIndex.get(asset);
                if (s == null) {
                    s = symbols.size();
                    symbolIndex.put(asset, s);
                    symbols.add(asset);
                }
                colSymbol.add(s);
                colBalance.add(collateral.get(c)[0]);
                colKeep.add(collateral.get(c)[1]);
            }
            if (standard) {
                portfolioNumber.add(-1);
            } else {
                int[] idx = new int[net.size()];
                double[] q = new double[net.size()];
                int j = 0;
                for (Map.Entry<Integer, double[]> e : net.entrySet()) {
                    idx[j] = e.getKey();
                    q[j++] = e.getValue()[0];
                }
                portfolioBook.addAccount(idx, q);
                portfolioNumber.add(portfolioCount++);
            }
            return number;
        }

        /** @return the book, every account computed at the builder's market */
        public BulkMarginBook build() {
            return new BulkMarginBook(this);
        }
    }

    /**
     * Rebuilds every array at a market and re-evaluates every account.
     *
     * @param newMarket      the market
     * @param stressLogMoves per underlying, the stress log-move (absent: 0)
     */
    public void recomputeAll(MarketSnapshot newMarket, Map<String, Double> stressLogMoves) {
        this.market = Checks.present("market", newMarket);
        refreshIndexPrices();
        portfolio.recomputeAll(newMarket);
        for (int u = 0; u < nu; u++) {
            stressLogMove[u] = stressLogMoves.getOrDefault(arrays.underlyings().get(u), 0.0);
            rebuildStress(u);
        }
        forBlocks(accountCount, (from, to) -> {
            double[] scratch = new double[arrays.scenarioCount()];
            for (int a = from; a < to; a++) {
                evaluate(a);
                for (int u = 0; u < nu; u++) {
                    stress(a, u, scratch);
                }
            }
        });
    }

    /**
     * One symbol's price or volatility changed (and nothing else): rebuilds its arrays (when it is an underlying)
     * and re-evaluates the accounts exposed to it.
     *
     * @param newMarket     the new market, with the same valuation time as far as the other underlyings go
     * @param symbol        the underlying or collateral asset that moved
     * @param stressLogMove the stress log-move of that underlying now
     * @return the numbers of the accounts re-evaluated (do not modify)
     */
    public int[] onTick(MarketSnapshot newMarket, String symbol, double stressLogMove) {
        Integer s = symbolIndex.get(symbol);
        this.market = Checks.present("market", newMarket);
        if (s == null) {
            return new int[0];
        }
        refreshIndexPrices();
        int u = s < nu ? s : -1;
        if (u >= 0) {
            portfolio.onTick(newMarket, symbol);
            this.stressLogMove[u] = stressLogMove;
            rebuildStress(u);
        }
        int[] exposed = exposedBySymbol[s];
        forBlocks(exposed.length, (from, to) -> {
            double[] scratch = new double[arrays.scenarioCount()];
            for (int k = from; k < to; k++) {
                evaluate(exposed[k]);
                if (u >= 0) {
                    stress(exposed[k], u, scratch);
                }
            }
        });
        return exposed;
    }

    private void refreshIndexPrices() {
        for (int s = 0; s < symbolPriceUsd.length; s++) {
            symbolPriceUsd[s] = market.indexPrice(symbols.get(s));
        }
    }

    private void rebuildStress(int u) {
        String name = arrays.underlyings().get(u);
        double s0 = market.indexPrice(name);
        stressPriceUsd[DOWN][u] = s0 * Math.exp(-stressLogMove[u]);
        stressPriceUsd[UP][u] = s0 * Math.exp(stressLogMove[u]);
        for (int d = DOWN; d <= UP; d++) {
            stressArrays[d].rebuild(name, market.withPrice(name, stressPriceUsd[d][u]));
        }
    }

    private void evaluate(int a) {
        double collateral = 0;
        for (int c = colStart[a]; c < colStart[a + 1]; c++) {
            collateral += colBalance[c] * symbolPriceUsd[colSymbol[c]] * colKeep[c];
        }
        double upnl = 0;
        double im = 0;
        double mm = 0;
        boolean standard = portfolioNumber[a] < 0;
        double[] line = new double[2];
        for (int p = posStart[a]; p < posStart[a + 1]; p++) {
            int i = posInstr[p];
            double mark = arrays.markPriceUsd(i);
            double underlyingUsd = symbolPriceUsd[arrays.underlyingOf(i)];
            double pnl = unrealizedPnl(p, underlyingUsd, mark);
            posPnlUsd[p] = pnl;
            upnl += pnl;
            if (standard) {
                standardLine(p, underlyingUsd, mark, line);
                im += line[0];
                mm += line[1];
                posMaintenanceUsd[p] = line[1];
            }
        }
        if (!standard) {
            im = portfolio.initialUsd(portfolioNumber[a]);
            mm = portfolio.maintenanceUsd(portfolioNumber[a]);
        }
        collateralUsd[a] = collateral;
        unrealizedPnlUsd[a] = upnl;
        initialUsd[a] = im;
        maintenanceUsd[a] = mm;
    }

    /**
     * Requirement minus equity change of the worse of u's two stresses (-infinity when u is not held). Runs right
     * after {@code evaluate(a)} at the same market: it reads that evaluation's per-position figures.
     */
    private void stress(int a, int u, double[] scratch) {
        int slot = a * nu + u;
        if (!holdsUnderlying[slot]) {
            stressUsd[slot] = Double.NEGATIVE_INFINITY;
            return;
        }
        double s0 = symbolPriceUsd[u];
        int pn = portfolioNumber[a];
        double base = 0;
        int run = -1;
        if (pn >= 0) {
            base = portfolio.lossUsd(pn, u) + portfolio.contingencyUsd(pn, u);
            run = Arrays.binarySearch(portfolio.book().accounts(u), pn);
        }
        double worst = Double.NEGATIVE_INFINITY;
        double[] line = new double[2];
        double[] out = new double[3];
        for (int d = DOWN; d <= UP; d++) {
            RiskArrays shocked = stressArrays[d];
            double s1 = stressPriceUsd[d][u];
            double equityChange = 0;
            double requirementChange = 0;
            for (int p = posStart[a]; p < posStart[a + 1]; p++) {
                int i = posInstr[p];
                if (arrays.underlyingOf(i) != u) {
                    continue;
                }
                double mark1 = shocked.markPriceUsd(i);
                // the unstressed side as evaluate(a) left it, at s0 and the current mark (the same computation)
                equityChange += unrealizedPnl(p, s1, mark1) - posPnlUsd[p];
                if (pn < 0) {
                    standardLine(p, s1, mark1, line);
                    requirementChange += line[1] - posMaintenanceUsd[p];
                }
            }
            for (int c = colStart[a]; c < colStart[a + 1]; c++) {
                if (colSymbol[c] == u) {
                    equityChange += colBalance[c] * (s1 - s0) * colKeep[c];
                }
            }
            if (pn >= 0) {
                PortfolioBook book = portfolio.book();
                int[] starts = book.starts(u);
                ScenarioKernel.evaluate(shocked, u, book.instr(u), book.qty(u), starts[run], starts[run + 1],
                        scratch, out);
                requirementChange = out[ScenarioKernel.LOSS] + out[ScenarioKernel.CONTINGENCY] - base;
            }
            worst = Math.max(worst, requirementChange - equityChange);
        }
        stressUsd[slot] = worst;
    }

    /** Unrealized P&amp;L of one netted position at an index price and mark, USD (InstrumentPricer's rule). */
    private double unrealizedPnl(int p, double indexUsd, double markUsd) {
        return arrays.isInverseDeltaOne(posInstr[p]) ? indexUsd * (posCostUsd[p] - posQty[p] / markUsd)
                : posQty[p] * markUsd - posCostUsd[p];
    }

    /** Standard initial and maintenance requirement of one netted position at an index price and mark. */
    private void standardLine(int p, double indexUsd, double markUsd, double[] out) {
        int i = posInstr[p];
        double q = posQty[p];
        MarketRiskParameters m = posParams[p];
        double size = arrays.isInverseDeltaOne(i) ? Math.abs(q) / markUsd : Math.abs(q);
        if (arrays.isLinear(i)) {
            out[0] = size * indexUsd * m.imf(size);
            out[1] = size * indexUsd * m.mmf(size);
        } else if (q >= 0) {
            out[0] = size * markUsd;
            out[1] = out[0];
        } else {
            double[] perUnit = StandardMarginCalculator.shortOptionPerUnit((EuropeanOption) arrays.instrument(i),
                    indexUsd, markUsd, m);
            out[0] = size * perUnit[0];
            out[1] = size * perUnit[1];
        }
    }

    private void forBlocks(int n, Blocks.RangeTask task) {
        Blocks.run(n, BLOCK, parallel, task);
    }

    /** @return number of accounts */
    public int accountCount() {
        return accountCount;
    }

    /** @return the market of the last computation */
    public MarketSnapshot market() {
        return market;
    }

    /** @param account account number @return equity (collateral after haircut plus unrealized P&amp;L), USD */
    public double equityUsd(int account) {
        return collateralUsd[account] + unrealizedPnlUsd[account];
    }

    /** @param account account number @return initial requirement, USD */
    public double initialUsd(int account) {
        return initialUsd[account];
    }

    /** @param account account number @return maintenance requirement, USD */
    public double maintenanceUsd(int account) {
        return maintenanceUsd[account];
    }

    /** @param account account number @return HEALTHY, MARGIN_CALL or LIQUIDATABLE */
    public HealthStatus status(int account) {
        return HealthStatus.of(equityUsd(account), initialUsd[account], maintenanceUsd[account]);
    }

    /**
     * Whether the stress of some held underlying takes equity below the maintenance requirement: the early warning
     * (the same test as recomputing the account with that underlying's index at {@code S x exp(-+move)}).
     *
     * @param account account number
     * @return true when equity - MM &lt; the worst stress of an underlying the account has positions on
     */
    public boolean stressBreached(int account) {
        double surplus = equityUsd(account) - maintenanceUsd[account];
        for (int u = 0; u < nu; u++) {
            if (stressUsd[account * nu + u] > surplus) {
                return true;
            }
        }
        return false;
    }

    /**
     * The account's margin as a result of one cross pool without breakdown lines or liquidation price (the numbers
     * a summary shows).
     *
     * @param account   account number
     * @param accountId its id
     * @param method    its method
     * @return the result
     */
    public MarginResult result(int account, String accountId, MarginMethod method) {
        double equity = equityUsd(account);
        double im = initialUsd[account];
        double mm = maintenanceUsd[account];
        HealthStatus status = status(account);
        double ratio = mm == 0 ? 0.0 : equity > 0 ? mm / equity : Double.POSITIVE_INFINITY;
        PoolMargin pool = new PoolMargin("cross", PoolKind.CROSS, collateralUsd[account], unrealizedPnlUsd[account],
                equity, im, mm, equity - im, ratio, status, new MarginBreakdown(List.of(), List.of(), List.of(),
                        List.of(), 0, 0, 0), Optional.empty());
        return new MarginResult(accountId, method, List.of(pool), equity, im, mm, equity - im, status);
    }
}
