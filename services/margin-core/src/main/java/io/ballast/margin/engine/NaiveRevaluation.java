package io.ballast.margin.engine;

import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.param.MarketRiskParameters;
import io.ballast.margin.param.RiskParameterSet;
import io.ballast.margin.param.Scenario;
import io.ballast.margin.param.ScenarioGrid;
import io.ballast.margin.pricer.InstrumentPricer;
import io.ballast.margin.product.Instrument;
import io.ballast.margin.product.Position;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Portfolio maintenance margin by full revaluation, without risk arrays: every position is repriced in every
 * scenario, the portfolio's value in the scenario is compared with its value today, and the worst weighted loss per
 * underlying is taken. The reference the risk-array engine is tested against, and the baseline of the benchmarks.
 */
public final class NaiveRevaluation {

    private NaiveRevaluation() {
    }

    /**
     * Maintenance requirement of one pool's positions by full revaluation.
     *
     * @param positions the positions
     * @param market the market
     * @param params the risk parameters
     * @return USD
     */
    public static double maintenanceUsd(List<Position> positions, MarketSnapshot market, RiskParameterSet params) {
        Map<String, List<Instrument>> ins = new LinkedHashMap<>();
        Map<String, List<Double>> qty = new LinkedHashMap<>();
        for (Position p : positions) {
            ins.computeIfAbsent(p.instrument().underlying(), k -> new ArrayList<>()).add(p.instrument());
            qty.computeIfAbsent(p.instrument().underlying(), k -> new ArrayList<>()).add(p.quantity());
        }
        ScenarioGrid grid = ScenarioGrid.of(params);
        double[] losses = new double[ins.size()];
        double contingency = 0;
        int u = 0;
        for (String underlying : ins.keySet()) {
            List<Instrument> list = ins.get(underlying);
            double[] q = qty.get(underlying).stream().mapToDouble(Double::doubleValue).toArray();
            losses[u++] = worstLoss(list, q, market, params, grid);
            contingency += contingency(list, q, market, params);
        }
        return ScenarioKernel.combine(losses, 0, losses.length, params.crossUnderlyingCorrelation()) + contingency;
    }

    /**
     * Maintenance requirement of every account of a book by full revaluation.
     *
     * @param book the book
     * @param universe the universe the book refers to (only its instruments are used, not its arrays)
     * @param market the market
     * @param params the risk parameters
     * @param out receives one requirement per account, USD
     */
    public static void maintenanceUsd(PortfolioBook book, RiskArrays universe, MarketSnapshot market,
            RiskParameterSet params, double[] out) {
        ScenarioGrid grid = ScenarioGrid.of(params);
        int nu = book.underlyingCount();
        double[] losses = new double[book.accountCount() * nu];
        double[] contingency = new double[book.accountCount()];
        for (int u = 0; u < nu; u++) {
            int[] accts = book.accounts(u);
            int[] starts = book.starts(u);
            for (int k = 0; k < accts.length; k++) {
                int from = starts[k];
                int to = starts[k + 1];
                List<Instrument> list = new ArrayList<>(to - from);
                double[] q = new double[to - from];
                for (int p = from; p < to; p++) {
                    list.add(universe.instrument(book.instr(u)[p]));
                    q[p - from] = book.qty(u)[p];
                }
                losses[accts[k] * nu + u] = worstLoss(list, q, market, params, grid);
                contingency[accts[k]] += contingency(list, q, market, params);
            }
        }
        for (int a = 0; a < book.accountCount(); a++) {
            out[a] = ScenarioKernel.combine(losses, a * nu, nu, params.crossUnderlyingCorrelation()) + contingency[a];
        }
    }

    private static double worstLoss(List<Instrument> instruments, double[] q, MarketSnapshot market,
            RiskParameterSet params, ScenarioGrid grid) {
        InstrumentPricer pricer = InstrumentPricer.DEFAULT;
        double worst = 0;
        for (Scenario sc : grid.scenarios()) {
            double value = 0;
            for (int p = 0; p < q.length; p++) {
                value += q[p] * pricer.scenarioPnl(instruments.get(p), market, params, sc);
            }
            MarketRiskParameters m = params.market(instruments.get(0).underlying());
            double loss = -sc.weight(m) * value;
            worst = Math.max(worst, loss);
        }
        return worst;
    }

    private static double contingency(List<Instrument> instruments, double[] q, MarketSnapshot market,
            RiskParameterSet params) {
        Map<String, Double> netByInstrument = new LinkedHashMap<>();
        Map<String, Instrument> byId = new LinkedHashMap<>();
        double netLinear = 0;
        for (int p = 0; p < q.length; p++) {
            Instrument ins = instruments.get(p);
            netByInstrument.merge(ins.id(), q[p], Double::sum);
            byId.put(ins.id(), ins);
            netLinear += q[p] * InstrumentPricer.DEFAULT.linearUnits(ins, InstrumentPricer.DEFAULT.markPrice(ins,
                    market));
        }
        double charge = 0;
        for (Map.Entry<String, Double> e : netByInstrument.entrySet()) {
            Instrument ins = byId.get(e.getKey());
            if (!ins.kind().isLinear() && e.getValue() < 0) {
                MarketRiskParameters m = params.market(ins.underlying());
                charge += -e.getValue() * m.shortOptionContingencyFraction() * market.indexPrice(ins.underlying());
            }
        }
        if (!instruments.isEmpty()) {
            String u = instruments.get(0).underlying();
            charge += Math.abs(netLinear) * params.market(u).linearContingencyFraction() * market.indexPrice(u);
        }
        return charge;
    }
}
