package io.ballast.margin.engine;

import io.ballast.margin.Decimals;
import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.pricer.InstrumentPricer;
import io.ballast.margin.product.CollateralBalance;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.MarginPool;
import io.ballast.margin.product.Position;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool's equity minus maintenance requirement as one underlying's index moves and everything else stays: the
 * function the liquidation-price search solves. What does not depend on that underlying (collateral in other assets,
 * other underlyings' positions, their P&amp;L, standard lines and scenario losses) is computed once; at each trial
 * price only the underlying's instruments are priced again. The same numbers as the pool's full margin at the moved
 * market (up to the order of the sums), without its breakdown, netting and lookups by name, which were about a
 * third of a what-if's CPU time in a profile (docs/benchmarks.md, session 12). Not thread-safe: one search at a time.
 */
final class PoolSurplus {

    private final MarketSnapshot market;
    private final RiskParameterSet params;
    private final String underlying;
    private final boolean standard;
    /** Collateral in other assets plus P&amp;L of other underlyings' positions (minus their MM if standard), USD. */
    private final double fixedUsd;
    /** Units of collateral in the underlying itself, after haircut (valued at the trial price). */
    private final double collateralUnits;
    /** The netted instruments on the underlying (indices into the netted positions), their quantities. */
    private final int[] moving;
    private final double[] movingQty;
    private final Instrument[] movingInstrument;
    /** The original positions on the underlying (P&amp;L is summed per position) and their netted index. */
    private final Position[] positions;
    private final int[] positionNet;
    /** Portfolio pools: arrays over the netted instruments, re-priced on the underlying at each trial price. */
    private final RiskArrays arrays;
    /** Portfolio pools: positions packed by underlying, the moving one's index, every other one's loss. */
    private final ScenarioKernel.Packed packed;
    private final int u;
    private final double[] losses;
    private final double otherContingencyUsd;
    private final double[] kernelScratch;
    /** The moving underlying's parameters (standard lines). */
    private final MarketRiskParameters movingParams;
    private final double[] out = new double[3];
    private final double[] markUsd;
    private int evaluations;
    /** Arrays at trial prices shared with other searches at this market, or null. */
    private final TrialArrays trials;
    /** A bound of |d surplus / d price| at any price of the underlying ({@link SlopeBounds}), USD per USD. */
    private final double slopeBound;

    /**
     * @param pool       the pool
     * @param method     its method
     * @param net        its netted positions at {@code market}
     * @param market     the market today
     * @param params     the parameters
     * @param underlying the underlying that moves
     */
    PoolSurplus(MarginPool pool, MarginMethod method, NettedPositions net, MarketSnapshot market,
            RiskParameterSet params, String underlying) {
        this(pool, method, net, market, params, underlying, null);
    }

    /**
     * @param pool       the pool
     * @param method     its method
     * @param net        its netted positions at {@code market}
     * @param market     the market today
     * @param params     the parameters
     * @param underlying the underlying that moves
     * @param trials     arrays priced at trial prices by other searches at this market and parameters, which
     *                   {@link #atTrial} copies and adds to; null for none
     */
    PoolSurplus(MarginPool pool, MarginMethod method, NettedPositions net, MarketSnapshot market,
            RiskParameterSet params, String underlying, TrialArrays trials) {
        this.trials = trials != null && trials.serves(market, params) ? trials : null;
        this.market = market;
        this.params = params;
        this.underlying = underlying;
        this.standard = method == MarginMethod.STANDARD;
        double fixed = 0;
        double units = 0;
        for (CollateralBalance c : pool.collateral()) {
            double balance = Decimals.toDouble(c.balance());
            double keep = balance * (1.0 - params.collateral(c.asset()).haircut(balance));
            if (c.asset().equals(underlying)) {
                units += keep;
            } else {
                fixed += keep * market.indexPrice(c.asset());
            }
        }
        List<Integer> on = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            Instrument ins = net.instruments().get(i);
            if (ins.underlying().equals(underlying)) {
                on.add(i);
            } else {
                fixed += net.unrealizedPnlUsd()[i];
                if (standard) {
                    fixed -= StandardMarginCalculator.line(ins, net.quantities()[i], net.markPricesUsd()[i],
                            market.indexPrice(ins.underlying()), params.market(ins.underlying()))[1];
                }
            }
        }
        this.moving = on.stream().mapToInt(Integer::intValue).toArray();
        this.movingQty = new double[moving.length];
        this.movingInstrument = new Instrument[moving.length];
        for (int k = 0; k < moving.length; k++) {
            movingQty[k] = net.quantities()[moving[k]];
            movingInstrument[k] = net.instruments().get(moving[k]);
        }
        java.util.Map<String, Integer> netIndex = new java.util.HashMap<>();
        for (int i = 0; i < net.size(); i++) {
            netIndex.put(net.instruments().get(i).id(), i);
        }
        List<Position> mine = new ArrayList<>();
        List<Integer> mineNet = new ArrayList<>();
        for (Position p : pool.positions()) {
            if (p.instrument().underlying().equals(underlying)) {
                mine.add(p);
                mineNet.add(netIndex.get(p.instrument().id()));
            }
        }
        this.positions = mine.toArray(new Position[0]);
        this.positionNet = mineNet.stream().mapToInt(Integer::intValue).toArray();
        this.fixedUsd = fixed;
        this.collateralUnits = units;
        this.markUsd = new double[net.size()];
        this.movingParams = params.market(underlying);
        double s0 = market.indexPrice(underlying);
        double equitySlope = Math.abs(units);
        for (int p = 0; p < positions.length; p++) {
            equitySlope += Math.abs(positions[p].quantity()) * SlopeBounds.mark(positions[p].instrument(), market,
                    net.markPricesUsd()[positionNet[p]], s0);
        }
        if (standard) {
            double requirementSlope = 0.0;
            for (int k = 0; k < moving.length; k++) {
                Instrument ins = movingInstrument[k];
                double q = movingQty[k];
                double mark = SlopeBounds.mark(ins, market, net.markPricesUsd()[moving[k]], s0);
                if (ins.inverse()) {
                    requirementSlope = Double.POSITIVE_INFINITY;
                } else if (ins.kind().isLinear()) {
                    requirementSlope += SlopeBounds.linearLine(Math.abs(q), movingParams);
                } else {
                    requirementSlope += q >= 0 ? q * mark : -q * SlopeBounds.shortOption(movingParams, mark);
                }
            }
            this.slopeBound = equitySlope + requirementSlope;
            this.arrays = null;
            this.kernelScratch = null;
            this.packed = null;
            this.u = -1;
            this.losses = null;
            this.otherContingencyUsd = 0;
            return;
        }
        // the other underlyings' losses and contingencies, once
        this.arrays = this.trials != null ? RiskArrays.subset(net.instruments(), this.trials.today(net.instruments()))
                : RiskArrays.build(net.instruments(), market, params);
        this.kernelScratch = new double[arrays.scenarioCount()];
        this.packed = ScenarioKernel.Packed.of(arrays, net.quantities());
        this.u = arrays.underlyings().indexOf(underlying);
        this.losses = new double[arrays.underlyings().size()];
        double contingency = 0;
        for (int x = 0; x < losses.length; x++) {
            if (x != u) {
                kernel(x);
                losses[x] = out[ScenarioKernel.LOSS];
                contingency += out[ScenarioKernel.CONTINGENCY];
            }
        }
        this.otherContingencyUsd = contingency;
        // the combined loss is a norm of the losses per underlying (sqrt(L' M L), M positive semi-definite for a
        // correlation in [0, 1]) with M_uu = 1, so it moves at most as fast as u's own loss
        double rho = params.crossUnderlyingCorrelation();
        double requirementSlope = rho >= 0.0 && rho <= 1.0 ? 0.0 : Double.POSITIVE_INFINITY;
        for (int k = 0; k < moving.length; k++) {
            requirementSlope += Math.abs(movingQty[k]) * SlopeBounds.portfolio(movingInstrument[k], market,
                    net.markPricesUsd()[moving[k]], s0, arrays.grid(), movingParams);
        }
        this.slopeBound = equitySlope + requirementSlope;
    }

    /**
     * @return a bound of |d surplus / d price| valid at any price of the underlying, USD per USD (+infinity for
     *         inverse instruments); the search skips a trial price the bound proves to leave the surplus positive
     */
    double slopeBound() {
        return slopeBound;
    }

    /** @return how many times {@link #at} was called */
    int evaluations() {
        return evaluations;
    }

    /** The scenario kernel over one underlying's packed positions, into {@link #out}. */
    private void kernel(int x) {
        int[] start = packed.start();
        ScenarioKernel.evaluate(arrays, x, packed.instr(), packed.qty(), start[x], start[x + 1], kernelScratch, out);
    }

    /**
     * @param priceUsd the underlying's index price
     * @return equity minus maintenance requirement at that price, USD
     */
    double at(double priceUsd) {
        return at(priceUsd, false);
    }

    /**
     * {@link #at} at one of the search's trial prices (today's times e^(+-1 %), e^(+-2 %), ...), which other searches
     * at the same market try too: a portfolio pool's arrays are copied from those another search priced there, when
     * shared arrays hold them ({@link TrialArrays}), and kept there otherwise. The same number as {@link #at}.
     *
     * @param priceUsd the trial price
     * @return equity minus maintenance requirement at that price, USD
     */
    double atTrial(double priceUsd) {
        return at(priceUsd, trials != null);
    }

    private double at(double priceUsd, boolean shared) {
        evaluations++;
        MarketSnapshot moved = market.withPrice(underlying, priceUsd);
        if (arrays != null) {
            RiskArrays known = shared ? trials.at(underlying, priceUsd) : null;
            if (known != null) {
                arrays.rebuild(underlying, moved, known);
            } else {
                arrays.rebuild(underlying, moved);
                if (shared) {
                    trials.keep(underlying, priceUsd, arrays);
                }
            }
        }
        double surplus = fixedUsd + collateralUnits * priceUsd;
        for (int k = 0; k < moving.length; k++) {
            int i = moving[k];
            markUsd[i] = arrays != null ? arrays.markPriceUsd(i)
                    : InstrumentPricer.DEFAULT.markPrice(movingInstrument[k], moved);
        }
        for (int p = 0; p < positions.length; p++) {
            surplus += InstrumentPricer.DEFAULT.unrealizedPnlUsd(positions[p], markUsd[positionNet[p]], moved);
        }
        if (standard) {
            for (int k = 0; k < moving.length; k++) {
                surplus -= StandardMarginCalculator.line(movingInstrument[k], movingQty[k], markUsd[moving[k]],
                        priceUsd, movingParams)[1];
            }
            return surplus;
        }
        kernel(u);
        losses[u] = out[ScenarioKernel.LOSS];
        double mm = ScenarioKernel.combine(losses, 0, losses.length, params.crossUnderlyingCorrelation())
                + otherContingencyUsd + out[ScenarioKernel.CONTINGENCY];
        return surplus - mm;
    }
}
