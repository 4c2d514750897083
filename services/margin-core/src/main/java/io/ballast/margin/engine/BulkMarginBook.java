package io.ballast.margin.engine;

import io.ballast.margin.Checks;
import io.ballast.margin.Decimals;
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
    /** Accounts exposed to a symbol in one part of a sweep ({@link #sweep}): a tick of a sweep re-values one or more. */
    static final int SWEEP_PART = 256;
    /** How long a sweep takes at most when ticks come often enough ({@link #sweep}). */
    static final java.time.Duration SWEEP_DURATION = java.time.Duration.ofSeconds(2);
    private static final int DOWN = 0;
    private static final int UP = 1;
    /** Sides of the market in {@link #soPerUnit}: the market itself, then the down and up stresses. */
    private static final int MARKET = 0;
    private static final int DOWN_SIDE = 1;
    private static final int UP_SIDE = 2;

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
    /**
     * An account's positions, grouped by underlying: those of account a on underlying u are
     * {@code [posU[a * nu + u], posU[a * nu + u + 1])} (so a tick of u reads only u's positions of each account).
     */
    private final int[] posU;
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
    /** Index into {@link #paramSets} of a standard account's position (-1 for a portfolio account's). */
    private final int[] posParam;
    /** The distinct per-underlying parameters of standard accounts' positions. */
    private final MarketRiskParameters[] paramSets;
    /**
     * Short-option requirement per unit, {IM, MM}, per parameter set, instrument and side (the market, the down
     * stress, the up stress), computed once per tick of the underlying instead of once per position and side:
     * {@code soPerUnit[((k * instruments + i) * 3 + side) * 2 + {0: IM, 1: MM}]}.
     */
    private final double[] soPerUnit;
    /** The options of each underlying (instrument indices). */
    private final int[][] optionsOf;
    /** Per account and underlying: unrealized P&amp;L and standard IM and MM of its positions on it, USD. */
    private final double[] pnlByUnderlyingUsd;
    private final double[] imByUnderlyingUsd;
    private final double[] mmByUnderlyingUsd;
    /** Per account and underlying: the account's run in the portfolio book's runs of that underlying (-1: none). */
    private final int[] portfolioRun;
    /**
     * Per account and underlying: the stress is not computed at the current market (left by a tick for an account
     * below its initial requirement, where the early warning does not apply); {@link #stressBreached} computes it
     * when asked, with the same inputs, so the answer is the same.
     */
    private final boolean[] stressPending;
    private final double[] lazyScratch;
    private final int[] colStart;
    private final int[] colSymbol;
    private final double[] colBalance;
    private final double[] colKeep;
    private final int[][] exposedBySymbol;
    /** {@link #exposedToAny} of the sets of several symbols ticked together so far, by bit mask. */
    private final Map<Long, int[]> exposedByMask = new HashMap<>();
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
    /**
     * The screen (see {@link Builder#screen}): on, with the hysteresis fraction of the status rule; off (NaN), every
     * exposed account is re-valued on every tick.
     */
    private final double screenHysteresis;
    private final boolean screening;
    /**
     * Symbols (underlyings, then collateral-only assets): the screen's per-account figures are by symbol,
     * {@code [a * ns + s]}, so that a collateral-only asset's tick is screened too.
     */
    private final int ns;
    /** Per instrument, bounds of |d/dS| per unit (USD per USD of index), for the ticking underlying's instruments. */
    private final double[] markSlope;
    private final double[] portfolioSlope;
    /** Per parameter set and instrument: a standard short option's line, IM or MM, any side. */
    private final double[] shortOptionSlope;
    /** Per netted position of a standard account on a linear (not inverse) instrument: |q| x max(IMF, MMF). */
    private final double[] posLinearSlope;
    /** Per account and symbol: the account is exposed to it (positions or collateral). */
    private final boolean[] exposedSlot;
    /** Per account and symbol: |balance x (1 - haircut)| of collateral in it. */
    private final double[] collateralSlope;
    /** Per account and symbol, at its last valuation: bounds of |d equity / dS| and |d requirement / dS|. */
    private final double[] slopeEquity;
    private final double[] slopeRequirement;
    /** Per account and symbol: the bound of |d gap / dS| the screen multiplies by the price's displacement. */
    private final double[] slopeSum;
    /**
     * Per account and symbol: the index price the account's figures on it were valued at (its collateral in that
     * asset too, so that its figures are those of one set of prices).
     */
    private final double[] refPrice;
    /** Per account: the smallest distance of a status-deciding gap from its threshold at its last valuation, USD. */
    private final double[] distanceUsd;
    /** Per account: never skipped by the screen (its owner must look at it on every tick). */
    private final boolean[] pinned;
    /**
     * Per account number: holds no account (a spare not given one yet, or a number whose account was retired or
     * moved to a spare): no tick re-values it.
     */
    private final boolean[] idle;
    /** The index of each of {@link #paramSets}, for an update's standard lines. */
    private final Map<MarketRiskParameters, Integer> paramIndexOf = new HashMap<>();
    private int idleCount;
    /**
     * Sweeps in progress ({@link #sweep}), per symbol: the part the next tick re-values (-1: no sweep) and how many
     * parts there are (an account is in part {@code number % parts}).
     */
    private final int[] sweepNext;
    private final int[] sweepParts;
    /** Per symbol swept: the end (exclusive) of the parts the tick in progress re-values. */
    private final int[] sweepTo;
    /** Per symbol swept: the valuation time of its sweep's first tick (null until that tick). */
    private final java.time.Instant[] sweepStart;
    private final int sweepPart;
    private final java.time.Duration sweepDuration;
    private final double[] lazyOut = new double[3];

    private BulkMarginBook(Builder b) {
        this.arrays = b.arrays;
        this.parallel = b.parallel;
        this.nu = arrays.underlyings().size();
        this.accountCount = b.accountCount;
        this.symbols = List.copyOf(b.symbols);
        this.symbolIndex = Map.copyOf(b.symbolIndex);
        this.portfolioNumber = b.portfolioNumber.stream().mapToInt(Integer::intValue).toArray();
        this.portfolio = new PortfolioMarginEngine(arrays, b.portfolioBook.build(), parallel);
        b.posU.add(b.posInstr.size());
        this.posU = b.posU.stream().mapToInt(Integer::intValue).toArray();
        this.posInstr = b.posInstr.stream().mapToInt(Integer::intValue).toArray();
        this.posQty = b.posQty.stream().mapToDouble(Double::doubleValue).toArray();
        this.posCostUsd = b.posCost.stream().mapToDouble(Double::doubleValue).toArray();
        this.posPnlUsd = new double[posCostUsd.length];
        this.posMaintenanceUsd = new double[posCostUsd.length];
        this.posParam = b.posParam.stream().mapToInt(Integer::intValue).toArray();
        this.paramSets = b.paramSets.toArray(new MarketRiskParameters[0]);
        for (int k = 0; k < paramSets.length; k++) {
            paramIndexOf.put(paramSets[k], k);
        }
        this.idle = new boolean[accountCount];
        b.spares.forEach(n -> idle[n] = true);
        this.idleCount = b.spares.size();
        this.soPerUnit = new double[paramSets.length * arrays.instrumentCount() * 6];
        List<List<Integer>> options = new ArrayList<>();
        for (int u = 0; u < nu; u++) {
            options.add(new ArrayList<>());
        }
        for (int i = 0; i < arrays.instrumentCount(); i++) {
            if (arrays.instrument(i) instanceof EuropeanOption) {
                options.get(arrays.underlyingOf(i)).add(i);
            }
        }
        this.optionsOf = options.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        this.pnlByUnderlyingUsd = new double[accountCount * nu];
        this.imByUnderlyingUsd = new double[accountCount * nu];
        this.mmByUnderlyingUsd = new double[accountCount * nu];
        this.stressPending = new boolean[accountCount * nu];
        this.lazyScratch = new double[arrays.scenarioCount()];
        this.sweepPart = b.sweepPart;
        this.sweepDuration = b.sweepDuration;
        this.sweepNext = new int[symbols.size()];
        this.sweepParts = new int[symbols.size()];
        this.sweepTo = new int[symbols.size()];
        this.sweepStart = new java.time.Instant[symbols.size()];
        Arrays.fill(sweepNext, -1);
        this.portfolioRun = new int[accountCount * nu];
        Arrays.fill(portfolioRun, -1);
        int[] accountOfPortfolio = new int[b.portfolioCount];
        for (int a = 0; a < accountCount; a++) {
            if (portfolioNumber[a] >= 0) {
                accountOfPortfolio[portfolioNumber[a]] = a;
            }
        }
        PortfolioBook pb = portfolio.book();
        for (int u = 0; u < nu; u++) {
            int[] runs = pb.accounts(u);
            for (int r = 0; r < runs.length; r++) {
                portfolioRun[accountOfPortfolio[runs[r]] * nu + u] = r;
            }
        }
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
            for (int u = 0; u < nu; u++) {
                if (posU[a * nu + u + 1] > posU[a * nu + u]) {
                    holdsUnderlying[a * nu + u] = true;
                    seen[u] = true;
                }
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
        this.screenHysteresis = b.screenHysteresis;
        this.ns = symbols.size();
        // the refresh's set of moved symbols is a bit mask
        this.screening = !Double.isNaN(screenHysteresis) && ns <= 64;
        int n = arrays.instrumentCount();
        int slots = screening ? accountCount * ns : 0;
        this.markSlope = new double[n];
        this.portfolioSlope = new double[n];
        this.shortOptionSlope = new double[paramSets.length * n];
        this.posLinearSlope = new double[screening ? posQty.length : 0];
        this.exposedSlot = new boolean[slots];
        this.collateralSlope = new double[slots];
        this.slopeEquity = new double[slots];
        this.slopeRequirement = new double[slots];
        this.slopeSum = new double[slots];
        this.refPrice = new double[slots];
        this.distanceUsd = new double[screening ? accountCount : 0];
        this.pinned = new boolean[screening ? accountCount : 0];
        if (screening) {
            for (int p = 0; p < posQty.length; p++) {
                int i = posInstr[p];
                if (posParam[p] >= 0 && arrays.isLinear(i) && !arrays.isInverseDeltaOne(i)) {
                    posLinearSlope[p] = SlopeBounds.linearLine(Math.abs(posQty[p]), paramSets[posParam[p]]);
                }
            }
            for (int a = 0; a < accountCount; a++) {
                for (int u = 0; u < nu; u++) {
                    exposedSlot[a * ns + u] = holdsUnderlying[a * nu + u];
                }
                for (int c = colStart[a]; c < colStart[a + 1]; c++) {
                    exposedSlot[a * ns + colSymbol[c]] = true;
                    collateralSlope[a * ns + colSymbol[c]] += Math.abs(colBalance[c] * colKeep[c]);
                }
                for (int x = nu; x < ns; x++) {
                    // a collateral-only asset moves equity only
                    slopeEquity[a * ns + x] = collateralSlope[a * ns + x];
                }
            }
        }
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
        private final List<Integer> posU = new ArrayList<>();
        private final List<Integer> posInstr = new ArrayList<>();
        private final List<Double> posQty = new ArrayList<>();
        private final List<Double> posCost = new ArrayList<>();
        private final List<Integer> posParam = new ArrayList<>();
        private final List<MarketRiskParameters> paramSets = new ArrayList<>();
        private final Map<MarketRiskParameters, Integer> paramIndex = new HashMap<>();
        private final List<Integer> colStart = new ArrayList<>();
        private final List<Integer> colSymbol = new ArrayList<>();
        private final List<Double> colBalance = new ArrayList<>();
        private final List<Double> colKeep = new ArrayList<>();
        private int accountCount;
        private int portfolioCount;
        private double screenHysteresis = Double.NaN;
        private int sweepPart = SWEEP_PART;
        private java.time.Duration sweepDuration = SWEEP_DURATION;
        private final List<Integer> spares = new ArrayList<>();

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
            // netted per instrument, grouped by underlying
            Map<Integer, double[]> net = new java.util.TreeMap<>(java.util.Comparator
                    .comparingInt((Integer i) -> arrays.underlyingOf(i)).thenComparingInt(i -> i));
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
                double balance = Decimals.toDouble(c.balance());
                collateral.add(new double[] {balance, 1.0 - params.collateral(c.asset()).haircut(balance)});
            }
            List<String> assets = pool.collateral().stream().map(CollateralBalance::asset).toList();
            return append(net, lineParams, assets, collateral, standard);
        }

        /**
         * Adds a spare: an account number with a slot for every instrument of the universe and for each of the given
         * collateral assets, all empty, that no tick looks at until {@link BulkMarginBook#update} gives it an
         * account whose positions no longer fit its own slots (a new instrument, a new collateral asset, another
         * method). Each spare costs one slot per instrument of the universe.
         *
         * @param method           the method of the accounts it can take
         * @param params           the parameters its standard lines are laid out with (those of every underlying
         *                         of the universe; unused for PORTFOLIO)
         * @param collateralAssets the collateral assets it has slots for (each must have a price)
         * @return its number
         * @throws MarginInputException when a collateral asset has no price or an underlying no parameters
         */
        public int addSpare(MarginMethod method, RiskParameterSet params, List<String> collateralAssets) {
            boolean standard = method == MarginMethod.STANDARD;
            Map<Integer, double[]> net = new java.util.TreeMap<>(java.util.Comparator
                    .comparingInt((Integer i) -> arrays.underlyingOf(i)).thenComparingInt(i -> i));
            List<MarketRiskParameters> lineParams = new ArrayList<>();
            for (int i = 0; i < arrays.instrumentCount(); i++) {
                net.put(i, new double[2]);
            }
            for (int i : net.keySet()) {
                lineParams.add(standard ? params.market(arrays.instrument(i).underlying()) : null);
            }
            List<double[]> collateral = new ArrayList<>();
            for (String asset : collateralAssets) {
                market.indexPrice(asset);
                collateral.add(new double[] {0.0, 1.0 - params.collateral(asset).haircut(0.0)});
            }
            int number = append(net, lineParams, collateralAssets, collateral, standard);
            spares.add(number);
            return number;
        }

        /** Appends a checked account: its netted positions (by underlying, then instrument) and collateral. */
        private int append(Map<Integer, double[]> net, List<MarketRiskParameters> lineParams, List<String> assets,
                List<double[]> collateral, boolean standard) {
            int number = accountCount++;
            int k = 0;
            int nextU = 0;
            for (Map.Entry<Integer, double[]> e : net.entrySet()) {
                for (int u = arrays.underlyingOf(e.getKey()); nextU <= u; nextU++) {
                    posU.add(posInstr.size());
                }
                posInstr.add(e.getKey());
                posQty.add(e.getValue()[0]);
                posCost.add(e.getValue()[1]);
                MarketRiskParameters m = lineParams.get(k++);
                posParam.add(m == null ? -1 : paramIndex.computeIfAbsent(m, x -> {
                    paramSets.add(x);
                    return paramSets.size() - 1;
                }));
            }
            for (; nextU < arrays.underlyings().size(); nextU++) {
                posU.add(posInstr.size());
            }
            colStart.add(colSymbol.size());
            for (int c = 0; c < collateral.size(); c++) {
                String asset = assets.get(c);
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

        /**
         * Turns the screen on. A price-only tick ({@link #onTick(MarketSnapshot, String, double, boolean)}) then
         * re-values only the exposed accounts whose status could change: an account is skipped when, for every
         * underlying, a proven bound of how fast its status-deciding gaps change with that index, times how far the
         * index moved since the account was last valued, sums to less than the smallest gap. The gaps are equity
         * minus MM and IM, each also times {@code 1 + hysteresis}, and, for an account at or above IM, equity minus
         * MM minus each underlying's stress: when none of them changes sign, no status (raw or with hysteresis) and
         * no early warning changes. A skipped account's figures stay those of its last valuation until it is read:
         * every reader below re-values it first.
         *
         * @param hysteresisFraction the status rule's hysteresis (recovery needs equity above requirement x (1 + h))
         * @return this
         */
        public Builder screen(double hysteresisFraction) {
            Checks.finite("hysteresisFraction", hysteresisFraction);
            this.screenHysteresis = Math.abs(hysteresisFraction);
            return this;
        }

        /**
         * Accounts a sweep re-values per tick ({@link BulkMarginBook#sweep}; default {@value #SWEEP_PART}).
         *
         * @param accounts at least 1
         * @return this
         */
        Builder sweepPart(int accounts) {
            this.sweepPart = Math.max(1, accounts);
            return this;
        }

        /**
         * How long a sweep takes at most when ticks come often enough ({@link BulkMarginBook#sweep}; default
         * {@link #SWEEP_DURATION}).
         *
         * @param duration zero or more (zero: a sweep's first tick re-values every part)
         * @return this
         */
        Builder sweepDuration(java.time.Duration duration) {
            this.sweepDuration = duration.isNegative() ? java.time.Duration.ZERO : duration;
            return this;
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
        Arrays.fill(sweepNext, -1); // every account is valued here
        refreshIndexPrices();
        portfolio.recomputeAll(newMarket);
        for (int u = 0; u < nu; u++) {
            stressLogMove[u] = stressLogMoves.getOrDefault(arrays.underlyings().get(u), 0.0);
            rebuildStress(u);
        }
        forBlocks(accountCount, (from, to) -> {
            double[] scratch = new double[arrays.scenarioCount()];
            for (int a = from; a < to; a++) {
                for (int u = 0; u < nu; u++) {
                    evaluate(a, u);
                }
                settle(a, scratch);
            }
        });
    }

    /**
     * After account a's positions were valued on every underlying at the current market: its totals, stresses and
     * (screening) the screen's figures, at every symbol's current price.
     */
    private void settle(int a, double[] scratch) {
        total(a);
        for (int u = 0; u < nu; u++) {
            stressOrDefer(a, u, scratch);
        }
        if (screening) {
            for (int x = 0; x < ns; x++) {
                refPrice[a * ns + x] = symbolPriceUsd[x];
            }
            distance(a, scratch);
        }
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
        return onTick(newMarket, symbol, stressLogMove, false);
    }

    /**
     * One symbol's price or volatility changed (and nothing else): as {@link #onTick(MarketSnapshot, String, double)},
     * and, when the book screens and only the index moved, only the exposed accounts the screen cannot skip are
     * re-valued.
     *
     * @param newMarket     the new market, with the same valuation time as far as the other underlyings go
     * @param symbol        the underlying or collateral asset that moved
     * @param newStressLogMove the stress log-move of that underlying now
     * @param priceOnly     the caller's word that only the symbol's index price changed: its vol at every strike and
     *                      expiry, its forward factors and the parameters are those of the last tick (false: every
     *                      exposed account is re-valued)
     * @return the numbers of the accounts re-valued, ascending (do not modify)
     */
    public int[] onTick(MarketSnapshot newMarket, String symbol, double newStressLogMove, boolean priceOnly) {
        if (screening) {
            return onTicks(newMarket, List.of(symbol), new double[] {newStressLogMove}, new boolean[] {priceOnly});
        }
        Integer s = symbolIndex.get(symbol);
        this.market = Checks.present("market", newMarket);
        if (s == null) {
            return new int[0];
        }
        refreshIndexPrices();
        int u = s < nu ? s : -1;
        if (u >= 0) {
            portfolio.onTick(newMarket, symbol);
            this.stressLogMove[u] = newStressLogMove;
            rebuildStress(u);
        }
        int[] exposed = exposedBySymbol[s];
        forBlocks(exposed.length, (from, to) -> {
            double[] scratch = new double[arrays.scenarioCount()];
            for (int k = from; k < to; k++) {
                int a = exposed[k];
                if (u >= 0) {
                    evaluate(a, u);
                }
                total(a);
                if (u >= 0) {
                    stressOrDefer(a, u, scratch);
                }
            }
        });
        return idleCount == 0 ? exposed : Arrays.stream(exposed).filter(a -> !idle[a]).toArray();
    }

    /**
     * Several symbols' prices or volatilities changed at once (and nothing else): each moved underlying's arrays are
     * rebuilt, then the accounts exposed to any of the symbols are looked at once, each re-valued on every symbol
     * that moved for it, so that an account holding two of them costs one screen and one refresh, not two. Each
     * symbol is screened as {@link #onTick(MarketSnapshot, String, double, boolean)} screens it alone: the accounts
     * exposed to a symbol whose tick is not price-only are all re-valued. The end state is the one ticking the symbols
     * one after the other would leave.
     *
     * @param newMarket         the new market, with every moved symbol's price (and vol, forward) in it
     * @param moved             the symbols that moved (distinct)
     * @param newStressLogMoves each moved underlying's stress log-move now, in the order of {@code moved}
     * @param priceOnly         each symbol's price-only word (see {@link #onTick(MarketSnapshot, String, double,
     *                          boolean)}), in the order of {@code moved}
     * @return the numbers of the accounts re-valued, ascending
     */
    public int[] onTicks(MarketSnapshot newMarket, List<String> moved, double[] newStressLogMoves,
            boolean[] priceOnly) {
        Checks.present("market", newMarket);
        if (!screening) {
            // without the screen, each symbol's exposed accounts are evaluated on it in turn: the same end state
            int[] out = new int[0];
            for (int k = 0; k < moved.size(); k++) {
                out = union(out, onTick(newMarket, moved.get(k), newStressLogMoves[k], false));
            }
            return out;
        }
        this.market = newMarket;
        if (moved.stream().noneMatch(symbolIndex::containsKey)) {
            return new int[0];
        }
        refreshIndexPrices();
        long force = 0L;
        long symbolsMoved = 0L;
        for (int k = 0; k < moved.size(); k++) {
            Integer s = symbolIndex.get(moved.get(k));
            if (s == null) {
                continue;
            }
            int u = s < nu ? s : -1;
            boolean screen = priceOnly[k] && (u < 0 || newStressLogMoves[k] == stressLogMove[u]);
            if (u >= 0) {
                // the screened accounts' portfolio runs are recomputed one by one (refresh)
                portfolio.rebuildArrays(newMarket, moved.get(k));
                this.stressLogMove[u] = newStressLogMoves[k];
                rebuildStress(u);
            }
            if (!screen) {
                force |= 1L << s;
            }
            symbolsMoved |= 1L << s;
        }
        long sweeps = sweepMask();
        for (long m = sweeps; m != 0L; m &= m - 1) {
            int s = Long.numberOfTrailingZeros(m);
            sweepTo[s] = sweepTarget(s, newMarket.valuationTime());
        }
        return revalueScreened(exposedToAny(symbolsMoved | sweeps), force, sweeps);
    }

    /**
     * The end (exclusive) of the parts of symbol s's sweep that a tick valued at {@code now} re-values: at least the
     * next part, and every part up to the share of the parts that the time since the sweep's first tick is of the
     * sweep's duration.
     */
    private int sweepTarget(int s, java.time.Instant now) {
        if (sweepStart[s] == null) {
            sweepStart[s] = now;
        }
        int parts = sweepParts[s];
        long total = sweepDuration.toNanos();
        long elapsed = java.time.Duration.between(sweepStart[s], now).toNanos();
        int due = elapsed >= total ? parts : (int) Math.ceil(parts * (elapsed / (double) total));
        return Math.min(parts, Math.max(sweepNext[s] + 1, due));
    }

    /**
     * Re-values the accounts exposed to a symbol over the ticks that follow, in parts (account number modulo the
     * number of parts, about {@value #SWEEP_PART} accounts a part by default), whether or not the screen could skip
     * them: from the next screened tick on, each tick re-values the next part, or more: as many as bring the sweep to
     * the share of its parts that the time since its first tick (by the ticks' valuation time) is of the sweep's
     * duration ({@link #SWEEP_DURATION} by default). So at a high tick rate the work is spread over that duration, a
     * few hundred accounts a tick, and at a low rate a sweep still ends within it (a tick after it re-values every
     * part left). For what the screen does not bound, such as options' time decay since an account was valued: where
     * re-valuing every exposed account in one tick holds the book for as long (100,000 accounts: the tick and those
     * behind it wait 0.1-0.3 s once a minute), a sweep spreads the work. A sweep of a symbol already being swept
     * starts again from its first part. Without the screen, every tick re-values every exposed account: a no-op.
     *
     * @param symbol an underlying or collateral asset of the book (others: nothing happens)
     * @return the number of parts (0 when nothing is swept)
     */
    public int sweep(String symbol) {
        Integer s = symbolIndex.get(symbol);
        if (!screening || s == null || exposedBySymbol[s].length == 0) {
            return 0;
        }
        sweepParts[s] = Math.max(1, (exposedBySymbol[s].length + sweepPart - 1) / sweepPart);
        sweepNext[s] = 0;
        sweepStart[s] = null;
        return sweepParts[s];
    }

    /** @return whether a sweep of the symbol is still in progress */
    public boolean sweeping(String symbol) {
        Integer s = symbolIndex.get(symbol);
        return s != null && sweepNext[s] >= 0;
    }

    /** The symbols being swept, as a bit mask. */
    private long sweepMask() {
        long mask = 0L;
        for (int s = 0; s < sweepNext.length; s++) {
            if (sweepNext[s] >= 0) {
                mask |= 1L << s;
            }
        }
        return mask;
    }

    /** Account a's symbols whose sweep re-values it at this tick, as a bit mask. */
    private long sweptNow(int a, long mask) {
        long out = 0L;
        for (long m = mask; m != 0L; m &= m - 1) {
            int s = Long.numberOfTrailingZeros(m);
            int part = a % sweepParts[s];
            if (part >= sweepNext[s] && part < sweepTo[s]) {
                out |= 1L << s;
            }
        }
        return out;
    }

    /** The accounts exposed to any symbol of a bit mask, ascending (kept per mask: the same few masks recur). */
    private int[] exposedToAny(long symbolMask) {
        if (Long.bitCount(symbolMask) == 1) {
            return exposedBySymbol[Long.numberOfTrailingZeros(symbolMask)];
        }
        return exposedByMask.computeIfAbsent(symbolMask, mask -> {
            int[] out = new int[0];
            for (int x = 0; x < ns; x++) {
                if ((mask & 1L << x) != 0L) {
                    out = union(out, exposedBySymbol[x]);
                }
            }
            return out;
        });
    }

    /** The union of two ascending arrays of distinct numbers, ascending. */
    private static int[] union(int[] x, int[] y) {
        int[] out = new int[x.length + y.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < x.length || j < y.length) {
            if (j == y.length || i < x.length && x[i] < y[j]) {
                out[n++] = x[i++];
            } else if (i == x.length || y[j] < x[i]) {
                out[n++] = y[j++];
            } else {
                out[n++] = x[i++];
                j++;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * The exposed accounts of a tick in a screened book: each one the screen cannot skip, and each one exposed to a
     * symbol of {@code force} (whose tick was not price-only) or swept now on a symbol of {@code sweeps} (the symbols
     * being swept, {@link #sweepMask}), is refreshed.
     */
    private int[] revalueScreened(int[] exposed, long force, long sweeps) {
        boolean[] revalued = new boolean[exposed.length];
        forBlocks(exposed.length, (from, to) -> {
            double[] scratch = new double[arrays.scenarioCount()];
            double[] out = new double[3];
            for (int k = from; k < to; k++) {
                int a = exposed[k];
                if (idle[a]) {
                    continue;
                }
                long f = sweeps == 0L ? force : force | sweptNow(a, sweeps);
                if (f != 0L && exposedTo(a, f) || !skippable(a)) {
                    refresh(a, f, scratch, out);
                    revalued[k] = true;
                }
            }
        });
        for (long m = sweeps; m != 0L; m &= m - 1) {
            int s = Long.numberOfTrailingZeros(m);
            sweepNext[s] = sweepTo[s] < sweepParts[s] ? sweepTo[s] : -1;
        }
        int count = 0;
        for (boolean r : revalued) {
            count += r ? 1 : 0;
        }
        int[] out = new int[count];
        for (int k = 0, j = 0; k < exposed.length; k++) {
            if (revalued[k]) {
                out[j++] = exposed[k];
            }
        }
        return out;
    }

    /** Whether account a is exposed to any symbol of a bit mask. */
    private boolean exposedTo(int a, long symbolMask) {
        for (int x = 0, slot = a * ns; x < ns; x++, slot++) {
            if ((symbolMask & 1L << x) != 0L && exposedSlot[slot]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the screen may skip an account at the current prices: the sum over underlyings of its gap-slope bound
     * times the index's displacement since its figures were valued stays below its smallest gap (with room for
     * rounding). An unbounded slope (an inverse instrument, an unknown smile) or NaN never skips.
     */
    private boolean skippable(int a) {
        if (pinned[a]) {
            return false;
        }
        double change = 0.0;
        for (int x = 0, slot = a * ns; x < ns; x++, slot++) {
            if (exposedSlot[slot]) {
                change += slopeSum[slot] * Math.abs(symbolPriceUsd[x] - refPrice[slot]);
            }
        }
        return change * (1.0 + 1e-9) + 1e-9 < distanceUsd[a];
    }

    /**
     * Re-values account a on every symbol whose index moved since its figures were valued (and on each symbol of the
     * bit mask {@code force} it is exposed to): the positions on a moved underlying, then its totals (all its
     * collateral at the prices now, the moved symbols' included), stress and screen figures: afterwards its figures
     * are those of the current market, as if every tick had re-valued it.
     */
    private void refresh(int a, long force, double[] scratch, double[] out) {
        int pn = portfolioNumber[a];
        long moved = 0L;
        for (int x = 0, slot = a * ns; x < ns; x++, slot++) {
            if (exposedSlot[slot] && ((force & 1L << x) != 0L || refPrice[slot] != symbolPriceUsd[x])) {
                moved |= 1L << x;
                refPrice[slot] = symbolPriceUsd[x];
                if (x < nu) {
                    evaluate(a, x);
                    if (pn >= 0 && portfolioRun[a * nu + x] >= 0) {
                        portfolio.evaluateRun(pn, x, portfolioRun[a * nu + x], scratch, out);
                    }
                }
            }
        }
        if (pn >= 0 && (moved & ((nu == 64 ? 0L : 1L << nu) - 1)) != 0) {
            portfolio.aggregateAccount(pn);
        }
        total(a);
        for (int u = 0; u < nu; u++) {
            if ((moved & 1L << u) != 0) {
                stressOrDefer(a, u, scratch);
            }
        }
        distance(a, scratch);
    }

    /**
     * The screen's figures of account a from its current figures: the smallest gap and, per underlying, the bound of
     * how fast the gaps can change with its index. The gaps: equity - c x MM and equity - c x IM for c = 1 and
     * 1 + hysteresis; at or above IM also equity - MM - stress of each held underlying (the early warning). Their
     * slopes per underlying: |d equity| + (1 + h) |d requirement|, plus, for the stress gaps, the stress's own
     * (1 + e^m) (|d requirement| + |d equity|): the stress is a difference of those at S e^(+-m) and at S.
     */
    private void distance(int a, double[] scratch) {
        double e = collateralUsd[a] + unrealizedPnlUsd[a];
        double im = initialUsd[a];
        double mm = maintenanceUsd[a];
        double c = 1.0 + screenHysteresis;
        double d = Math.min(Math.min(Math.abs(e - mm), Math.abs(e - im)),
                Math.min(Math.abs(e - c * mm), Math.abs(e - c * im)));
        boolean warningApplies = e >= im;
        for (int x = 0, slot = a * ns; x < ns; x++, slot++) {
            boolean stressGap = x < nu && warningApplies && holdsUnderlying[a * nu + x];
            if (stressGap) {
                if (stressPending[a * nu + x]) {
                    stress(a, x, scratch);
                    stressPending[a * nu + x] = false;
                }
                d = Math.min(d, Math.abs(e - mm - stressUsd[a * nu + x]));
            }
            double se = slopeEquity[slot];
            double sr = slopeRequirement[slot];
            slopeSum[slot] = se + c * sr + (stressGap ? (1.0 + Math.exp(Math.abs(stressLogMove[x]))) * (se + sr) : 0.0);
        }
        distanceUsd[a] = d;
    }

    /** Per instrument of u, its bounds of |d/dS| per unit at any index S ({@link SlopeBounds}). */
    private void computeSlopes(int u) {
        String name = arrays.underlyings().get(u);
        double s0 = symbolPriceUsd[u];
        MarketRiskParameters pm = arrays.params().market(name);
        int n = arrays.instrumentCount();
        for (int i = 0; i < n; i++) {
            if (arrays.underlyingOf(i) != u) {
                continue;
            }
            Instrument ins = arrays.instrument(i);
            double mark = arrays.markPriceUsd(i);
            double lm = SlopeBounds.mark(ins, market, mark, s0);
            markSlope[i] = lm;
            portfolioSlope[i] = SlopeBounds.portfolio(ins, market, mark, s0, arrays.grid(), pm);
            if (ins instanceof EuropeanOption) {
                for (int k = 0; k < paramSets.length; k++) {
                    shortOptionSlope[k * n + i] = SlopeBounds.shortOption(paramSets[k], lm);
                }
            }
        }
    }

    private void refreshIndexPrices() {
        for (int s = 0; s < symbolPriceUsd.length; s++) {
            symbolPriceUsd[s] = market.indexPrice(symbols.get(s));
        }
    }

    /** Rebuilds u's stressed arrays, then u's options' short-option requirements per unit on all three sides. */
    private void rebuildStress(int u) {
        String name = arrays.underlyings().get(u);
        double s0 = market.indexPrice(name);
        stressPriceUsd[DOWN][u] = s0 * Math.exp(-stressLogMove[u]);
        stressPriceUsd[UP][u] = s0 * Math.exp(stressLogMove[u]);
        for (int d = DOWN; d <= UP; d++) {
            stressArrays[d].rebuild(name, market.withPrice(name, stressPriceUsd[d][u]));
        }
        int n = arrays.instrumentCount();
        for (int k = 0; k < paramSets.length; k++) {
            for (int i : optionsOf[u]) {
                EuropeanOption o = (EuropeanOption) arrays.instrument(i);
                int at = (k * n + i) * 3 * 2;
                put(at, StandardMarginCalculator.shortOptionPerUnit(o, s0, arrays.markPriceUsd(i), paramSets[k]));
                for (int d = DOWN; d <= UP; d++) {
                    put(at + (1 + d) * 2, StandardMarginCalculator.shortOptionPerUnit(o, stressPriceUsd[d][u],
                            stressArrays[d].markPriceUsd(i), paramSets[k]));
                }
            }
        }
        if (screening) {
            computeSlopes(u);
        }
    }

    private void put(int at, double[] imMm) {
        soPerUnit[at] = imMm[0];
        soPerUnit[at + 1] = imMm[1];
    }

    /** The P&amp;L and standard lines of account a's positions on underlying u, at the current market. */
    private void evaluate(int a, int u) {
        int slot = a * nu + u;
        boolean standard = portfolioNumber[a] < 0;
        double s = symbolPriceUsd[u];
        double upnl = 0;
        double im = 0;
        double mm = 0;
        for (int p = posU[slot]; p < posU[slot + 1]; p++) {
            double mark = arrays.markPriceUsd(posInstr[p]);
            double pnl = unrealizedPnl(p, s, mark);
            posPnlUsd[p] = pnl;
            upnl += pnl;
            if (standard) {
                im += standardLine(p, MARKET, s, mark, true);
                double pm = standardLine(p, MARKET, s, mark, false);
                mm += pm;
                posMaintenanceUsd[p] = pm;
            }
        }
        pnlByUnderlyingUsd[slot] = upnl;
        imByUnderlyingUsd[slot] = im;
        mmByUnderlyingUsd[slot] = mm;
        if (screening) {
            slopes(a, u, standard);
        }
    }

    /** Account a's bounds of |d equity / dS| and |d requirement / dS| on u (see {@link SlopeBounds}). */
    private void slopes(int a, int u, boolean standard) {
        int slot = a * ns + u;
        int n = arrays.instrumentCount();
        double se = collateralSlope[slot];
        double sr = 0.0;
        for (int p = posU[a * nu + u]; p < posU[a * nu + u + 1]; p++) {
            int i = posInstr[p];
            double q = posQty[p];
            if (q == 0.0) {
                continue; // an empty slot (a closed position, a spare's): no slope (0 x an unbounded one is NaN)
            }
            double aq = Math.abs(q);
            se += aq * markSlope[i];
            if (!standard) {
                sr += aq * portfolioSlope[i];
            } else if (arrays.isLinear(i)) {
                sr += arrays.isInverseDeltaOne(i) ? Double.POSITIVE_INFINITY : posLinearSlope[p];
            } else {
                sr += q >= 0 ? q * markSlope[i] : aq * shortOptionSlope[posParam[p] * n + i];
            }
        }
        slopeEquity[slot] = se;
        slopeRequirement[slot] = standard ? sr : sr * Math.max(1.0, arrays.params().imMultiplier());
    }

    /** Account a's collateral at the current market and its totals over underlyings. */
    private void total(int a) {
        double collateral = 0;
        for (int c = colStart[a]; c < colStart[a + 1]; c++) {
            collateral += colBalance[c] * symbolPriceUsd[colSymbol[c]] * colKeep[c];
        }
        double upnl = 0;
        double im = 0;
        double mm = 0;
        for (int slot = a * nu; slot < (a + 1) * nu; slot++) {
            upnl += pnlByUnderlyingUsd[slot];
            im += imByUnderlyingUsd[slot];
            mm += mmByUnderlyingUsd[slot];
        }
        if (portfolioNumber[a] >= 0) {
            im = portfolio.initialUsd(portfolioNumber[a]);
            mm = portfolio.maintenanceUsd(portfolioNumber[a]);
        }
        collateralUsd[a] = collateral;
        unrealizedPnlUsd[a] = upnl;
        initialUsd[a] = im;
        maintenanceUsd[a] = mm;
    }

    /**
     * The stress of u now when the account is at or above its initial requirement (where the early warning applies),
     * else left for {@link #stressBreached} to compute if asked.
     */
    private void stressOrDefer(int a, int u, double[] scratch) {
        int slot = a * nu + u;
        if (collateralUsd[a] + unrealizedPnlUsd[a] >= initialUsd[a] || !holdsUnderlying[slot]) {
            stress(a, u, scratch);
            stressPending[slot] = false;
        } else {
            stressPending[slot] = true;
        }
    }

    /**
     * Requirement minus equity change of the worse of u's two stresses (-infinity when u is not held). Reads the
     * per-position figures of the last {@code evaluate(a, u)}, which ran at the same market (u has not moved since).
     */
    private void stress(int a, int u, double[] scratch) {
        int slot = a * nu + u;
        if (!holdsUnderlying[slot]) {
            stressUsd[slot] = Double.NEGATIVE_INFINITY;
            return;
        }
        double s0 = symbolPriceUsd[u];
        double sDown = stressPriceUsd[DOWN][u];
        double sUp = stressPriceUsd[UP][u];
        RiskArrays down = stressArrays[DOWN];
        RiskArrays up = stressArrays[UP];
        boolean standard = portfolioNumber[a] < 0;
        double equityDown = 0;
        double equityUp = 0;
        double requirementDown = 0;
        double requirementUp = 0;
        for (int p = posU[slot]; p < posU[slot + 1]; p++) {
            int i = posInstr[p];
            double markDown = down.markPriceUsd(i);
            double markUp = up.markPriceUsd(i);
            // the unstressed side as evaluate(a, u) left it, at s0 and the current mark (the same computation)
            equityDown += unrealizedPnl(p, sDown, markDown) - posPnlUsd[p];
            equityUp += unrealizedPnl(p, sUp, markUp) - posPnlUsd[p];
            if (standard) {
                requirementDown += standardLine(p, DOWN_SIDE, sDown, markDown, false) - posMaintenanceUsd[p];
                requirementUp += standardLine(p, UP_SIDE, sUp, markUp, false) - posMaintenanceUsd[p];
            }
        }
        for (int c = colStart[a]; c < colStart[a + 1]; c++) {
            if (colSymbol[c] == u) {
                equityDown += colBalance[c] * (sDown - s0) * colKeep[c];
                equityUp += colBalance[c] * (sUp - s0) * colKeep[c];
            }
        }
        if (!standard) {
            int pn = portfolioNumber[a];
            double base = portfolio.lossUsd(pn, u) + portfolio.contingencyUsd(pn, u);
            int run = portfolioRun[slot];
            PortfolioBook book = portfolio.book();
            int[] starts = book.starts(u);
            double[] out = new double[3];
            ScenarioKernel.evaluate(down, u, book.instr(u), book.qty(u), starts[run], starts[run + 1], scratch, out);
            requirementDown = out[ScenarioKernel.LOSS] + out[ScenarioKernel.CONTINGENCY] - base;
            ScenarioKernel.evaluate(up, u, book.instr(u), book.qty(u), starts[run], starts[run + 1], scratch, out);
            requirementUp = out[ScenarioKernel.LOSS] + out[ScenarioKernel.CONTINGENCY] - base;
        }
        stressUsd[slot] = Math.max(requirementDown - equityDown, requirementUp - equityUp);
    }

    /** Unrealized P&amp;L of one netted position at an index price and mark, USD (InstrumentPricer's rule). */
    private double unrealizedPnl(int p, double indexUsd, double markUsd) {
        return arrays.isInverseDeltaOne(posInstr[p]) ? indexUsd * (posCostUsd[p] - posQty[p] / markUsd)
                : posQty[p] * markUsd - posCostUsd[p];
    }

    /**
     * Standard initial or maintenance requirement of one netted position at an index price and mark (a short
     * option's per unit as {@link #rebuildStress} computed it for that side of the market).
     */
    private double standardLine(int p, int side, double indexUsd, double markUsd, boolean initial) {
        int i = posInstr[p];
        double q = posQty[p];
        if (arrays.isLinear(i)) {
            MarketRiskParameters m = paramSets[posParam[p]];
            double size = arrays.isInverseDeltaOne(i) ? Math.abs(q) / markUsd : Math.abs(q);
            return size * indexUsd * (initial ? m.imf(size) : m.mmf(size));
        }
        if (q >= 0) {
            return q * markUsd;
        }
        return -q * soPerUnit[((posParam[p] * arrays.instrumentCount() + i) * 3 + side) * 2 + (initial ? 0 : 1)];
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

    /**
     * Makes a screened account's figures current: re-values it on every underlying whose index moved since.
     * The readers below call it; not for the parallel loops (it uses the book's one lazy scratch).
     */
    private void fresh(int a) {
        if (!screening) {
            return;
        }
        for (int x = 0, slot = a * ns; x < ns; x++, slot++) {
            if (exposedSlot[slot] && refPrice[slot] != symbolPriceUsd[x]) {
                refresh(a, 0L, lazyScratch, lazyOut);
                return;
            }
        }
    }

    /**
     * Keeps an account out of the screen (re-valued on every tick of what it is exposed to), or lets the screen
     * skip it again. For an owner that must look at an account on every tick: one whose stored state does not
     * follow from its figures, or a held alert waiting for its oracles.
     *
     * @param account account number
     * @param pin     true: never skipped
     */
    public void pin(int account, boolean pin) {
        if (screening) {
            pinned[account] = pin;
        }
    }

    /**
     * Replaces an account's positions and collateral in place, and re-values it at the current market, when its
     * number's slots cover them: every instrument it holds has a position slot there and every collateral asset a
     * collateral slot (slots it no longer uses hold zero), its method is the number's, and its standard lines'
     * parameters are among the book's. Its figures are then those a book built with the account as it is now
     * would give (at the same market). An idle number (a spare) takes an account this way.
     *
     * @param account the account's number (its own, or an idle one)
     * @param input   the account now (one pool)
     * @param params  its parameters
     * @return true when replaced; false when it does not fit (nothing changed)
     */
    public boolean update(int account, AccountInput input, RiskParameterSet params) {
        Checks.present("account", input);
        if (input.pools().size() != 1 || (input.method() == MarginMethod.STANDARD) != (portfolioNumber[account] < 0)) {
            return false;
        }
        boolean standard = portfolioNumber[account] < 0;
        MarginPool pool = input.pools().get(0);
        int first = posU[account * nu];
        int end = posU[account * nu + nu];
        double[] qty = new double[end - first];
        double[] cost = new double[end - first];
        int[] param = new int[end - first];
        Arrays.fill(param, -1);
        try {
            for (Position p : pool.positions()) {
                int i = arrays.indexOf(p.instrument().id());
                int slot = slotOf(account, i);
                if (slot < 0) {
                    return false;
                }
                qty[slot - first] += p.quantity();
                cost[slot - first] += arrays.isInverseDeltaOne(i) ? p.quantity() / p.entryPriceUsd()
                        : p.quantity() * p.entryPriceUsd();
            }
            if (standard) {
                for (int p = first; p < end; p++) {
                    if (qty[p - first] == 0.0) {
                        param[p - first] = posParam[p]; // an empty slot: its line is zero whatever its parameters
                        continue;
                    }
                    Integer k = paramIndexOf.get(params.market(arrays.instrument(posInstr[p]).underlying()));
                    if (k == null) {
                        return false;
                    }
                    param[p - first] = k;
                }
            }
        } catch (MarginInputException e) {
            return false;
        }
        double[] balance = new double[colStart[account + 1] - colStart[account]];
        double[] keep = new double[balance.length];
        Arrays.fill(keep, 1.0);
        for (CollateralBalance c : pool.collateral()) {
            Integer x = symbolIndex.get(c.asset());
            int at = -1;
            for (int k = colStart[account]; x != null && k < colStart[account + 1]; k++) {
                if (colSymbol[k] == x) {
                    at = k - colStart[account];
                }
            }
            if (at < 0) {
                return false;
            }
            double b = Decimals.toDouble(c.balance());
            balance[at] += b;
            keep[at] = 1.0 - params.collateral(c.asset()).haircut(balance[at]);
        }
        // fits: write
        if (idle[account]) {
            idle[account] = false;
            idleCount--;
        }
        int pn = portfolioNumber[account];
        for (int p = first; p < end; p++) {
            posQty[p] = qty[p - first];
            posCostUsd[p] = cost[p - first];
            posParam[p] = param[p - first];
            int i = posInstr[p];
            if (screening) {
                posLinearSlope[p] = posParam[p] >= 0 && arrays.isLinear(i) && !arrays.isInverseDeltaOne(i)
                        ? SlopeBounds.linearLine(Math.abs(posQty[p]), paramSets[posParam[p]]) : 0.0;
            }
        }
        for (int u = 0; u < nu; u++) {
            boolean holds = false;
            for (int p = posU[account * nu + u]; p < posU[account * nu + u + 1]; p++) {
                holds |= posQty[p] != 0.0;
                if (pn >= 0) {
                    portfolio.book().setQuantity(u, portfolio.book().starts(u)[portfolioRun[account * nu + u]]
                            + (p - posU[account * nu + u]), posQty[p]);
                }
            }
            holdsUnderlying[account * nu + u] = holds;
        }
        for (int k = colStart[account]; k < colStart[account + 1]; k++) {
            colBalance[k] = balance[k - colStart[account]];
            colKeep[k] = keep[k - colStart[account]];
        }
        if (screening) {
            for (int x = 0; x < ns; x++) {
                int slot = account * ns + x;
                collateralSlope[slot] = 0.0;
                exposedSlot[slot] = x < nu && holdsUnderlying[account * nu + x];
            }
            for (int k = colStart[account]; k < colStart[account + 1]; k++) {
                int slot = account * ns + colSymbol[k];
                collateralSlope[slot] += Math.abs(colBalance[k] * colKeep[k]);
                exposedSlot[slot] |= colBalance[k] != 0.0;
            }
            for (int x = nu; x < ns; x++) {
                slopeEquity[account * ns + x] = collateralSlope[account * ns + x];
            }
        }
        revalue(account);
        return true;
    }

    /** The position slot of instrument i among account a's slots, or -1. */
    private int slotOf(int a, int i) {
        int u = arrays.underlyingOf(i);
        for (int p = posU[a * nu + u]; p < posU[a * nu + u + 1]; p++) {
            if (posInstr[p] == i) {
                return p;
            }
        }
        return -1;
    }

    /** Re-values account a on everything at the current market (after its positions or collateral changed). */
    private void revalue(int a) {
        double[] scratch = new double[arrays.scenarioCount()];
        double[] out = new double[3];
        int pn = portfolioNumber[a];
        for (int u = 0; u < nu; u++) {
            evaluate(a, u);
            if (pn >= 0 && portfolioRun[a * nu + u] >= 0) {
                portfolio.evaluateRun(pn, u, portfolioRun[a * nu + u], scratch, out);
            }
        }
        if (pn >= 0) {
            portfolio.aggregateAccount(pn);
        }
        settle(a, scratch);
    }

    /**
     * Takes an account number out of use (its account closed, or moved to a spare): it holds nothing and no tick
     * looks at it again.
     *
     * @param account the number
     */
    public void retire(int account) {
        if (idle[account]) {
            return;
        }
        for (int p = posU[account * nu]; p < posU[account * nu + nu]; p++) {
            posQty[p] = 0.0;
            posCostUsd[p] = 0.0;
        }
        for (int k = colStart[account]; k < colStart[account + 1]; k++) {
            colBalance[k] = 0.0;
        }
        idle[account] = true;
        idleCount++;
        if (screening) {
            pinned[account] = false;
        }
    }

    /**
     * @param account an account number
     * @return whether it holds no account (a spare not given one, or retired)
     */
    public boolean idle(int account) {
        return idle[account];
    }

    /** @return whether the book screens price-only ticks */
    public boolean screening() {
        return screening;
    }

    /**
     * @param instrumentId an instrument of the universe
     * @return the screen's bound of |d mark / dS| per unit at the last tick of its underlying, USD per USD
     */
    double screenMarkSlope(String instrumentId) {
        return markSlope[arrays.indexOf(instrumentId)];
    }

    /** @param account account number @return the screen's smallest gap at the account's last valuation, USD */
    double screenDistanceUsd(int account) {
        return distanceUsd[account];
    }

    /**
     * @param account account number
     * @param u       underlying index
     * @return the screen's bound of |d gap / dS_u| at the account's last valuation, USD per USD
     */
    double screenSlope(int account, int u) {
        return slopeSum[account * ns + u];
    }

    /** @param account account number @return equity (collateral after haircut plus unrealized P&amp;L), USD */
    public double equityUsd(int account) {
        fresh(account);
        return collateralUsd[account] + unrealizedPnlUsd[account];
    }

    /** @param account account number @return initial requirement, USD */
    public double initialUsd(int account) {
        fresh(account);
        return initialUsd[account];
    }

    /** @param account account number @return maintenance requirement, USD */
    public double maintenanceUsd(int account) {
        fresh(account);
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
        fresh(account);
        double surplus = equityUsd(account) - maintenanceUsd[account];
        for (int u = 0; u < nu; u++) {
            if (stressPending[account * nu + u]) {
                stress(account, u, lazyScratch);
                stressPending[account * nu + u] = false;
            }
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
        fresh(account);
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
