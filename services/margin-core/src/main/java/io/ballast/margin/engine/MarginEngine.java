package io.ballast.margin.engine;

import io.ballast.margin.Checks;
import io.ballast.margin.Decimals;
import io.ballast.margin.MarginInputException;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.CollateralLine;
import io.ballast.margin.measure.HealthStatus;
import io.ballast.margin.measure.LiquidationPrice;
import io.ballast.margin.measure.MarginBreakdown;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.measure.PoolMargin;
import io.ballast.margin.measure.PositionLine;
import io.ballast.margin.measure.WhatIfResult;
import io.ballast.margin.param.CollateralParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.HypotheticalChange;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.MarginPool;
import io.ballast.margin.product.PoolKind;
import io.ballast.margin.product.Position;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.hipparchus.analysis.UnivariateFunction;
import org.hipparchus.analysis.solvers.BrentSolver;

/**
 * The façade a service calls: margin, health and breakdown of one account, and what-ifs. Stateless and thread-safe;
 * use {@link #DEFAULT}.
 *
 * <p>Per pool: collateral value = sum of balance * price * (1 - haircut(asset, balance)); equity = collateral value +
 * unrealized P&amp;L; requirements by the account's {@link MarginMethod}; free collateral = equity - IM; margin ratio =
 * MM / equity; status HEALTHY, MARGIN_CALL (equity &lt; IM) or LIQUIDATABLE (equity &lt; MM). Isolated pools are
 * computed on their own; the cross pool pools all its positions and collateral.
 */
public final class MarginEngine {

    /** The single stateless instance. */
    public static final MarginEngine DEFAULT = new MarginEngine(true);
    /**
     * The same engine with the liquidation-price search as it was before its economies: every trial price evaluated
     * (the slope bound unused), and Brent's solver evaluating its bracket's ends again. Tests compare answers.
     */
    static final MarginEngine EXHAUSTIVE = new MarginEngine(false);

    /** An underlying needs more than this share of a pool's gross notional for a liquidation price to be reported. */
    public static final double DOMINANCE_SHARE = 0.5;

    /** Relative accuracy of a liquidation price (far below the cent at any price the API takes). */
    private static final double ROOT_RELATIVE_ACCURACY = 1e-13;
    /** Bound on the solver's surplus evaluations (bisection to {@link #ROOT_RELATIVE_ACCURACY} needs about 45). */
    private static final int MAX_EVALUATIONS = 200;
    private static final double SEARCH_STEP = 0.01;
    /** The search's reach: down to a hundredth of today's price, up to ten times it. */
    static final double MAX_LOG_MOVE_DOWN = Math.log(100.0);
    static final double MAX_LOG_MOVE_UP = Math.log(10.0);
    /** Relative margin of {@link #provenPositive} for the rounding of surpluses and slope bounds. */
    private static final double PROOF_MARGIN = 1e-9;

    /** Whether the search skips trial prices its surplus's slope bound proves positive and reuses evaluated ends. */
    private final boolean economical;

    private MarginEngine(boolean economical) {
        this.economical = economical;
    }

    /**
     * Margin of an account.
     *
     * @param account the account
     * @param market the market
     * @param params the tenant's risk parameters
     * @return margin per pool and totals, with breakdowns
     * @throws MarginInputException for invalid input (unknown underlying or asset, expired instrument, ...)
     */
    public MarginResult compute(AccountInput account, MarketSnapshot market, RiskParameterSet params) {
        return compute(account, market, params, true);
    }

    /**
     * Margin of an account without the liquidation-price search (every pool's {@code liquidationPrice} is empty):
     * the same requirements, equity and status as {@link #compute(AccountInput, MarketSnapshot, RiskParameterSet)}
     * at a fraction of the cost, for loops that re-evaluate many accounts on every tick.
     *
     * @param account the account
     * @param market the market
     * @param params the tenant's risk parameters
     * @return margin per pool and totals, with breakdowns, without liquidation prices
     * @throws MarginInputException for invalid input
     */
    public MarginResult computeRequirements(AccountInput account, MarketSnapshot market, RiskParameterSet params) {
        return compute(account, market, params, false);
    }

    /**
     * {@link #computeRequirements(AccountInput, MarketSnapshot, RiskParameterSet)} at the market and parameters of
     * risk arrays already priced, which portfolio pools copy instead of pricing their instruments again: for callers
     * that evaluate many variants of one account at one market (a liquidation plan). The result is the same.
     *
     * @param account the account
     * @param priced risk arrays of (at least) the account's instruments, at the market and parameters to use
     * @return margin per pool and totals, with breakdowns, without liquidation prices
     * @throws MarginInputException for invalid input
     */
    public MarginResult computeRequirements(AccountInput account, RiskArrays priced) {
        Checks.present("priced", priced);
        return compute(account, priced.market(), priced.params(), false, priced, null);
    }

    private MarginResult compute(AccountInput account, MarketSnapshot market, RiskParameterSet params,
            boolean withLiquidationPrice) {
        return compute(account, market, params, withLiquidationPrice, null, null);
    }

    /**
     * Margin of an account before and after a change, at one market, with or without the liquidation-price search:
     * the two results that two calls of {@link #compute(AccountInput, MarketSnapshot, RiskParameterSet)} (or
     * {@link #computeRequirements(AccountInput, MarketSnapshot, RiskParameterSet)}) give. With the search, at less
     * cost: portfolio pools copy the risk arrays at today's market that the first one priced, and the two searches,
     * which try the same trial prices on mostly the same instruments, copy the arrays the first priced there
     * ({@link TrialArrays}) instead of pricing them again. Without it (a pre-trade check), the two computes as they
     * are: the copies were not measured to pay there.
     *
     * @param before the account as it is
     * @param after the account after the change
     * @param market the market
     * @param params the tenant's risk parameters
     * @param withLiquidationPrices false to leave the search out (as {@code computeRequirements})
     * @return the margin before and after
     * @throws MarginInputException for invalid input
     */
    public BeforeAfter computeBeforeAfter(AccountInput before, AccountInput after, MarketSnapshot market,
            RiskParameterSet params, boolean withLiquidationPrices) {
        TrialArrays trials = withLiquidationPrices ? new TrialArrays(market, params) : null;
        return new BeforeAfter(compute(before, market, params, withLiquidationPrices, null, trials),
                compute(after, market, params, withLiquidationPrices, null, trials));
    }

    /**
     * Margin of an account before and after a change ({@link #computeBeforeAfter}).
     *
     * @param before the margin before
     * @param after the margin after
     */
    public record BeforeAfter(MarginResult before, MarginResult after) {
    }

    private MarginResult compute(AccountInput account, MarketSnapshot market, RiskParameterSet params,
            boolean withLiquidationPrice, RiskArrays priced, TrialArrays shared) {
        Checks.present("account", account);
        Checks.present("market", market);
        Checks.present("params", params);
        // arrays kept for another market or other parameters are not used
        TrialArrays trials = shared != null && shared.serves(market, params) ? shared : null;
        List<PoolMargin> pools = new ArrayList<>(account.pools().size());
        double equity = 0;
        double im = 0;
        double mm = 0;
        double free = 0;
        HealthStatus status = HealthStatus.HEALTHY;
        for (MarginPool pool : account.pools()) {
            PoolMargin pm = computePool(pool, account.method(), market, params, withLiquidationPrice, priced,
                    trials);
            pools.add(pm);
            equity += pm.equityUsd();
            im += pm.initialMarginUsd();
            mm += pm.maintenanceMarginUsd();
            if (pool.kind() == PoolKind.CROSS) {
                free = pm.freeCollateralUsd();
            }
            status = status.worst(pm.status());
        }
        return new MarginResult(account.accountId(), account.method(), pools, equity, im, mm, free, status);
    }

    /**
     * Margin before and after a hypothetical trade or transfer. Nothing is changed.
     *
     * @param account the account as it is
     * @param change the hypothetical change
     * @param market the market
     * @param params the risk parameters
     * @return before, after, whether the change reduces the changed pool's maintenance requirement, and whether it
     *         is acceptable
     */
    public WhatIfResult whatIf(AccountInput account, HypotheticalChange change, MarketSnapshot market,
            RiskParameterSet params) {
        Checks.present("change", change);
        BeforeAfter both = computeBeforeAfter(account, apply(account, change), market, params, true);
        MarginResult before = both.before();
        MarginResult after = both.after();
        PoolMargin b = before.pool(change.poolId());
        PoolMargin a = after.pool(change.poolId());
        boolean reduces = a.maintenanceMarginUsd() < b.maintenanceMarginUsd();
        boolean acceptable = a.status() == HealthStatus.HEALTHY
                || (reduces && a.status() != HealthStatus.LIQUIDATABLE);
        return new WhatIfResult(before, after, reduces, acceptable);
    }

    /**
     * The account with a change applied (a pure function; the input is not modified).
     *
     * @param account the account
     * @param change the change
     * @return a new account value
     */
    public AccountInput apply(AccountInput account, HypotheticalChange change) {
        MarginPool pool = account.pool(change.poolId());
        if (change instanceof HypotheticalChange.Trade t) {
            List<Position> positions = new ArrayList<>(pool.positions());
            positions.add(Position.of(t.instrument(), t.quantity(), t.priceUsd()));
            return account.withPool(pool.withPositions(positions));
        }
        HypotheticalChange.Transfer tr = (HypotheticalChange.Transfer) change;
        Map<String, BigDecimal> balances = new LinkedHashMap<>();
        for (CollateralBalance c : pool.collateral()) {
            balances.merge(c.asset(), c.balance(), BigDecimal::add);
        }
        balances.merge(tr.asset(), tr.amount(), BigDecimal::add);
        List<CollateralBalance> collateral = new ArrayList<>();
        balances.forEach((asset, bal) -> collateral.add(CollateralBalance.of(asset, bal)));
        return account.withPool(pool.withCollateral(collateral));
    }

    /**
     * The most of one collateral asset that can leave a pool (a withdrawal, or a transfer to another pool) while the
     * pool's equity stays at or above its initial requirement. Requirements do not depend on collateral, so the pool
     * may give up its free collateral (equity - IM): removing {@code x} units of a haircut asset lowers equity by
     * {@code value(b) - value(b - x)}, {@code value(y) = y * price * (1 - haircut(y))} (with a flat haircut
     * {@code x * price * (1 - haircut)}). A pool without positions may give up its whole balance. The answer is
     * analytic ({@code double}); a ledger that books in fixed decimals rounds it down and checks the rounded amount.
     *
     * @param account the account
     * @param poolId the pool
     * @param asset the collateral asset
     * @param market the market (the asset needs a price when the pool holds positions)
     * @param params the risk parameters
     * @return units of the asset, in [0, the pool's balance of it]; 0 when the pool holds none or is already below IM
     * @throws MarginInputException for an unknown pool or invalid input
     */
    public double maxTransferOut(AccountInput account, String poolId, String asset, MarketSnapshot market,
            RiskParameterSet params) {
        Checks.present("account", account);
        Checks.text("asset", asset);
        MarginPool pool = account.pool(poolId);
        BigDecimal held = BigDecimal.ZERO;
        for (CollateralBalance c : pool.collateral()) {
            if (c.asset().equals(asset)) {
                held = held.add(c.balance());
            }
        }
        double balance = Decimals.toDouble(held);
        if (balance <= 0) {
            return 0.0;
        }
        if (pool.positions().isEmpty()) {
            return balance;
        }
        PoolMargin pm = computePool(pool, account.method(), market, params, false, null, null);
        double free = pm.equityUsd() - pm.initialMarginUsd();
        if (!(free > 0)) {
            return 0.0;
        }
        double price = market.indexPrice(asset);
        CollateralParameters cp = params.collateral(asset);
        double value = balance * price * (1.0 - cp.haircut(balance));
        if (free >= value) {
            return balance;
        }
        // the value that must stay; the smallest y >= 0 with y * price * (1 - base - slope * y) >= keep lies on the
        // rising branch of that parabola: y = 2 k / ((1 - base) + sqrt((1 - base)^2 - 4 slope k)), k = keep / price
        // (the stable root; with slope 0 it is k / (1 - base))
        double k = (value - free) / price;
        double a = 1.0 - cp.haircutBase();
        double disc = Math.max(0.0, a * a - 4.0 * cp.haircutSlopePerUnit() * k);
        double keep = 2.0 * k / (a + Math.sqrt(disc));
        return Math.max(0.0, Math.min(balance, balance - keep));
    }

    private PoolMargin computePool(MarginPool pool, MarginMethod method, MarketSnapshot market,
            RiskParameterSet params, boolean withLiquidationPrice, RiskArrays priced, TrialArrays trials) {
        List<CollateralLine> collateral = new ArrayList<>(pool.collateral().size());
        double collateralValue = 0;
        for (CollateralBalance c : pool.collateral()) {
            double price = market.indexPrice(c.asset());
            double balance = Decimals.toDouble(c.balance());
            double haircut = params.collateral(c.asset()).haircut(balance);
            double value = balance * price * (1.0 - haircut);
            collateral.add(new CollateralLine(c.asset(), c.balance(), price, haircut, value));
            collateralValue += value;
        }
        NettedPositions net = NettedPositions.of(pool.positions(), market);
        double upnl = net.totalUnrealizedPnlUsd();
        double equity = collateralValue + upnl;
        double im;
        double mm;
        MarginBreakdown breakdown;
        if (method == MarginMethod.STANDARD) {
            List<PositionLine> lines = StandardMarginCalculator.lines(net, market, params);
            im = 0;
            mm = 0;
            for (PositionLine l : lines) {
                im += l.initialUsd();
                mm += l.maintenanceUsd();
            }
            breakdown = new MarginBreakdown(lines, List.of(), StandardMarginCalculator.sizeAddOns(net, market,
                    params), collateral, 0, 0, 0);
        } else {
            // before and after a change, the pools copy the arrays at today's market that the first one priced
            RiskArrays known = priced != null ? priced
                    : trials != null ? trials.today(net.instruments()) : null;
            PortfolioMarginCalculator.Evaluation e = PortfolioMarginCalculator.evaluate(net, market, params, known);
            im = e.initialUsd();
            mm = e.maintenanceUsd();
            breakdown = new MarginBreakdown(e.lines(), e.underlyings(), e.charges(), collateral, e.scenarioLossUsd(),
                    e.correlationCreditUsd(), e.contingencyUsd());
        }
        HealthStatus status = HealthStatus.of(equity, im, mm);
        double ratio = mm == 0 ? 0.0 : equity > 0 ? mm / equity : Double.POSITIVE_INFINITY;
        Optional<LiquidationPrice> liquidation = withLiquidationPrice && status != HealthStatus.LIQUIDATABLE
                ? liquidationPrice(pool, method, net, market, params, equity - mm, trials)
                : Optional.empty();
        return new PoolMargin(pool.poolId(), pool.kind(), collateralValue, upnl, equity, im, mm, equity - im, ratio,
                status, breakdown, liquidation);
    }

    private Optional<LiquidationPrice> liquidationPrice(MarginPool pool, MarginMethod method, NettedPositions net,
            MarketSnapshot market, RiskParameterSet params, double surplusUsd, TrialArrays trials) {
        Map<String, Double> gross = new LinkedHashMap<>();
        double total = 0;
        for (int i = 0; i < net.size(); i++) {
            String u = net.instruments().get(i).underlying();
            double g = Math.abs(net.quantities()[i]) * market.indexPrice(u);
            gross.merge(u, g, Double::sum);
            total += g;
        }
        if (total == 0) {
            return Optional.empty();
        }
        Map.Entry<String, Double> top = gross.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        if (top.getValue() <= DOMINANCE_SHARE * total) {
            return Optional.empty();
        }
        String u = top.getKey();
        double s0 = market.indexPrice(u);
        // the surplus prices what does not depend on u once; at each trial price only u's instruments (a portfolio
        // pool's arrays of them); the same numbers as the pool's margin at the moved market
        PoolSurplus surplus = new PoolSurplus(pool, method, net, market, params, u, trials);
        OptionalDouble below = search(surplus, s0, surplusUsd, -1, MAX_LOG_MOVE_DOWN);
        OptionalDouble above = search(surplus, s0, surplusUsd, +1, MAX_LOG_MOVE_UP);
        return Optional.of(new LiquidationPrice(u, below, above));
    }

    /**
     * First price on one side of today's at which equity falls below maintenance: log-moves of 1 %, 2 %, 4 %, ...
     * (doubling) up to {@code maxLogMove} bracket the crossing, then Hipparchus' Brent solver narrows it to
     * {@link #ROOT_RELATIVE_ACCURACY} of the price (a linear book's crossing takes two or three evaluations, where
     * bisection to the same accuracy took 48). A book whose surplus dips below zero and recovers within one bracket
     * is not seen.
     *
     * <p>A trial price is not evaluated when the surplus's slope bound ({@link PoolSurplus#slopeBound}) proves it
     * positive there from the last evaluated price (today's surplus, then each evaluated one): surplus - bound x
     * distance above a margin for rounding. Such a price would not have ended the bracketing, and Brent evaluates
     * its bracket's ends itself, so the answer is the one every trial price evaluated would give. Brent's ends that
     * the search did evaluate are answered from what it knows. Only the evaluations are fewer: {@link #EXHAUSTIVE}
     * searches without either economy, and tests compare the answers.
     *
     * @param surplus    the pool's surplus along the underlying
     * @param s0         today's index price
     * @param surplusUsd today's surplus (equity - maintenance, &gt;= 0)
     * @param direction  -1 below today's price, +1 above
     * @param maxLogMove the largest log-move searched
     */
    OptionalDouble search(PoolSurplus surplus, double s0, double surplusUsd, int direction, double maxLogMove) {
        double slope = economical ? surplus.slopeBound() : Double.POSITIVE_INFINITY;
        double knownPrice = s0;
        double knownSurplus = surplusUsd;
        double prev = s0;
        boolean prevEvaluated = false;
        double step = SEARCH_STEP;
        while (true) {
            double move = Math.min(step, maxLogMove);
            double x = s0 * Math.exp(direction * move);
            boolean evaluated = !provenPositive(knownSurplus, slope, Math.abs(x - knownPrice), s0);
            if (evaluated) {
                double atX = surplus.atTrial(x);
                if (atX < 0) {
                    return OptionalDouble.of(solve(surplus, s0, prev, prevEvaluated && economical ? knownSurplus
                            : Double.NaN, x, economical ? atX : Double.NaN));
                }
                knownPrice = x;
                knownSurplus = atX;
            }
            if (move >= maxLogMove) {
                return OptionalDouble.empty();
            }
            prev = x;
            prevEvaluated = evaluated;
            step *= 2;
        }
    }

    /**
     * Brent's solver between the last two trial prices. It evaluates both ends first; the surplus gives the same
     * number for the same price, so an end the search has already evaluated (its surplus given, not NaN) is
     * answered from what the search knows.
     */
    private static double solve(PoolSurplus surplus, double s0, double prev, double atPrev, double x, double atX) {
        BrentSolver solver = new BrentSolver(ROOT_RELATIVE_ACCURACY, ROOT_RELATIVE_ACCURACY * s0, 0.0);
        UnivariateFunction f = p -> p == x && !Double.isNaN(atX) ? atX
                : p == prev && !Double.isNaN(atPrev) ? atPrev : surplus.at(p);
        return solver.solve(MAX_EVALUATIONS, f, Math.min(prev, x), Math.max(prev, x));
    }

    /**
     * Whether a surplus of {@code knownUsd} at one price stays positive {@code distanceUsd} away under a slope bound:
     * with a margin of 1e-9 of the magnitudes involved, far above the rounding of either the surplus or the bound.
     */
    static boolean provenPositive(double knownUsd, double slopeBound, double distanceUsd, double s0) {
        double drop = slopeBound * distanceUsd;
        return knownUsd - drop > PROOF_MARGIN * (Math.abs(knownUsd) + slopeBound * (distanceUsd + s0));
    }
}
