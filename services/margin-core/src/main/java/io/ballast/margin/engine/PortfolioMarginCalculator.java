package io.ballast.margin.engine;

import io.ballast.margin.market.MarketSnapshot;
import io.ballast.margin.measure.ChargeKind;
import io.ballast.margin.measure.ChargeLine;
import io.ballast.margin.measure.PositionLine;
import io.ballast.margin.measure.UnderlyingRisk;
import io.ballast.margin.param.RiskParameterSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Portfolio margin of one pool with its breakdown. Builds the risk arrays of the pool's instruments and runs the same
 * {@link ScenarioKernel} as the bulk {@link PortfolioMarginEngine}.
 */
final class PortfolioMarginCalculator {

    private PortfolioMarginCalculator() {
    }

    /** Result of one pool. */
    record Evaluation(List<PositionLine> lines, List<UnderlyingRisk> underlyings, List<ChargeLine> charges,
            double scenarioLossUsd, double correlationCreditUsd, double contingencyUsd, double maintenanceUsd,
            double initialUsd) {
    }

    static Evaluation evaluate(NettedPositions net, MarketSnapshot market, RiskParameterSet params) {
        return evaluate(net, market, params, null);
    }

    /**
     * As {@link #evaluate(NettedPositions, MarketSnapshot, RiskParameterSet)}, with the arrays copied from
     * {@code priced} when it was priced at this very market and these parameters (else priced here).
     */
    static Evaluation evaluate(NettedPositions net, MarketSnapshot market, RiskParameterSet params,
            RiskArrays priced) {
        RiskArrays arrays = priced != null && priced.market() == market && priced.params() == params
                ? RiskArrays.subset(net.instruments(), priced)
                : RiskArrays.build(net.instruments(), market, params);
        int nu = arrays.underlyings().size();
        int n = net.size();
        // pack positions grouped by underlying (RiskArrays keeps the instruments' order, so index i = net index i)
        ScenarioKernel.Packed packed = ScenarioKernel.Packed.of(arrays, net.quantities());
        int[] instr = packed.instr();
        double[] qty = packed.qty();
        int[] start = packed.start();

        double[] scratch = new double[arrays.scenarioCount()];
        double[] out = new double[3];
        double[] losses = new double[nu];
        int[] worst = new int[nu];
        double contingency = 0.0;
        List<UnderlyingRisk> risks = new ArrayList<>(nu);
        List<ChargeLine> charges = new ArrayList<>();
        for (int u = 0; u < nu; u++) {
            ScenarioKernel.evaluate(arrays, u, instr, qty, start[u], start[u + 1], scratch, out);
            losses[u] = out[ScenarioKernel.LOSS];
            worst[u] = (int) out[ScenarioKernel.WORST];
            contingency += out[ScenarioKernel.CONTINGENCY];
            String name = arrays.underlyings().get(u);
            risks.add(new UnderlyingRisk(name, worst[u],
                    arrays.grid().get(worst[u]).describe(params.market(name)), losses[u]));
            double netLinear = 0.0;
            for (int p = start[u]; p < start[u + 1]; p++) {
                int i = instr[p];
                if (qty[p] < 0 && !arrays.isLinear(i)) {
                    charges.add(new ChargeLine(ChargeKind.SHORT_OPTION_CONTINGENCY, arrays.instrument(i).id(),
                            qty[p], -qty[p] * arrays.shortOptionChargePerUnitUsd(i)));
                }
                if (arrays.isLinear(i)) {
                    netLinear += qty[p] * arrays.linearUnitsPerUnit(i);
                }
            }
            if (netLinear != 0.0) {
                charges.add(new ChargeLine(ChargeKind.LINEAR_CONTINGENCY, name, netLinear,
                        Math.abs(netLinear) * arrays.linearChargePerUnitUsd(u)));
            }
        }
        double sum = 0.0;
        for (double l : losses) {
            sum += l;
        }
        double combined = ScenarioKernel.combine(losses, 0, nu, params.crossUnderlyingCorrelation());
        double mm = combined + contingency;
        double multiplier = params.imMultiplier();

        List<PositionLine> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double q = net.quantities()[i];
            double contribution = -q * arrays.value(i, worst[arrays.underlyingOf(i)]);
            lines.add(new PositionLine(arrays.instrument(i).id(), arrays.instrument(i).underlying(), q,
                    net.markPricesUsd()[i], net.unrealizedPnlUsd()[i], contribution * multiplier, contribution));
        }
        return new Evaluation(lines, risks, charges, combined, sum - combined, contingency, mm, mm * multiplier);
    }
}
