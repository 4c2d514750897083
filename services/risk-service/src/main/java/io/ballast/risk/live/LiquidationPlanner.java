package io.ballast.risk.live;

import io.ballast.margin.engine.MarginEngine;
import io.ballast.margin.engine.RiskArrays;
import io.ballast.margin.measure.MarginResult;
import io.ballast.margin.product.AccountInput;
import io.ballast.margin.product.MarginMethod;
import io.ballast.margin.product.MarginPool;
import io.ballast.margin.product.Position;
import io.ballast.risk.domain.Instrument;
import io.ballast.risk.service.MarginInputs;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The liquidation plan of a LIQUIDATABLE account: the smallest reduction of positions, largest risk contribution
 * first, after which equity is at least maintenance x (1 + buffer), as incremental liquidation works at Deribit and
 * dYdX. A reduction is taken at the mark, so it leaves equity unchanged and lowers the requirement.
 *
 * <p>Risk contribution of a position = maintenance of the account minus maintenance without that position. Positions
 * are reduced in that order: each one fully while that is not enough, the last one by the smallest fraction that is
 * (bisection to 1e-4 of the position). Plain Java; thread-safe.
 */
public final class LiquidationPlanner {

    private static final int BISECTIONS = 20;

    private LiquidationPlanner() {
    }

    /**
     * Plans the reduction.
     *
     * @param built  the account's engine inputs
     * @param now    its margin (requirements without liquidation price)
     * @param buffer the buffer above maintenance, fraction
     * @param inputs the tenant's inputs (contract sizes); null: contract size 1
     * @return {@code {"targetMaintenanceRatio", "steps": [{"instrument", "currentContracts", "reduceContracts",
     *         "fraction", "maintenanceAfterUsd"}], "sufficient", "equityUsd", "maintenanceAfterUsd"}}
     */
    public static Map<String, Object> plan(MarginInputs.Built built, MarginResult now, double buffer,
            MarginInputs inputs) {
        return plan(built, now, built.account().pools().get(0).poolId(), buffer, inputs);
    }

    /**
     * Plans the reduction of one pool (an isolated pool's plan touches only its own position; pools are margined
     * on their own).
     *
     * @param built  the account's engine inputs
     * @param now    its margin (requirements without liquidation price)
     * @param poolId the pool to bring back above maintenance
     * @param buffer the buffer above maintenance, fraction
     * @param inputs the tenant's inputs (contract sizes); null: contract size 1
     * @return the plan, as {@link #plan(MarginInputs.Built, MarginResult, double, MarginInputs)}, of that pool
     */
    public static Map<String, Object> plan(MarginInputs.Built built, MarginResult now, String poolId, double buffer,
            MarginInputs inputs) {
        double equity = now.pool(poolId).equityUsd();
        MarginPool pool = built.account().pool(poolId);
        List<Position> positions = new ArrayList<>(pool.positions());
        RiskArrays priced = priced(built, pool);
        double mm = now.pool(poolId).maintenanceMarginUsd();
        List<double[]> contribution = new ArrayList<>();
        for (int k = 0; k < positions.size(); k++) {
            List<Position> without = new ArrayList<>(positions);
            without.remove(k);
            contribution.add(new double[] {k, mm - maintenance(built, priced, pool, without)});
        }
        contribution.sort(Comparator.comparingDouble((double[] c) -> -c[1]));
        List<Map<String, Object>> steps = new ArrayList<>();
        List<Position> current = new ArrayList<>(positions);
        double after = mm;
        boolean sufficient = equity >= after * (1 + buffer);
        for (double[] c : contribution) {
            if (sufficient) {
                break;
            }
            int k = (int) c[0];
            Position p = positions.get(k);
            double full = maintenance(built, priced, pool, replace(current, p, 0.0));
            double fraction = 1.0;
            if (equity >= full * (1 + buffer)) {
                double lo = 0.0;
                double hi = 1.0;
                for (int i = 0; i < BISECTIONS; i++) {
                    double mid = 0.5 * (lo + hi);
                    if (equity >= maintenance(built, priced, pool, replace(current, p, p.quantity() * (1 - mid)))
                            * (1 + buffer)) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                fraction = hi;
                sufficient = true;
            }
            current = replace(current, p, p.quantity() * (1 - fraction));
            after = maintenance(built, priced, pool, current);
            Instrument ins = inputs == null ? null : inputs.instrument(p.instrument().id());
            double size = ins == null ? 1.0 : ins.contractSize.doubleValue();
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("instrument", p.instrument().id());
            step.put("currentContracts", BigDecimal.valueOf(p.quantity() / size).stripTrailingZeros().toPlainString());
            step.put("reduceContracts", BigDecimal.valueOf(-p.quantity() * fraction / size).stripTrailingZeros()
                    .toPlainString());
            step.put("fraction", fraction);
            step.put("riskContributionUsd", c[1]);
            step.put("maintenanceAfterUsd", after);
            steps.add(step);
        }
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("bufferFraction", buffer);
        if (built.account().pools().size() > 1) {
            plan.put("poolId", poolId);
        }
        plan.put("equityUsd", equity);
        plan.put("maintenanceAfterUsd", after);
        plan.put("sufficient", sufficient);
        plan.put("steps", steps);
        return plan;
    }

    private static List<Position> replace(List<Position> positions, Position p, double quantity) {
        List<Position> out = new ArrayList<>();
        for (Position x : positions) {
            if (x.instrument().id().equals(p.instrument().id())) {
                if (quantity != 0.0) {
                    out.add(Position.of(x.instrument(), quantity, x.entryPriceUsd()));
                }
            } else {
                out.add(x);
            }
        }
        return out;
    }

    /**
     * The pool's instruments priced once at the account's market: every variant the plan evaluates (30-50 of them)
     * copies these arrays instead of repricing its options on the scenario grid. Null for a standard-margin account,
     * which has no arrays.
     */
    private static RiskArrays priced(MarginInputs.Built built, MarginPool pool) {
        if (built.account().method() != MarginMethod.PORTFOLIO) {
            return null;
        }
        Map<String, io.ballast.margin.product.Instrument> instruments = new LinkedHashMap<>();
        for (Position p : pool.positions()) {
            instruments.putIfAbsent(p.instrument().id(), p.instrument());
        }
        return RiskArrays.build(new ArrayList<>(instruments.values()), built.market(), built.params());
    }

    private static double maintenance(MarginInputs.Built built, RiskArrays priced, MarginPool pool,
            List<Position> positions) {
        AccountInput a = built.account().withPool(pool.withPositions(positions));
        MarginResult r = priced == null ? MarginEngine.DEFAULT.computeRequirements(a, built.market(), built.params())
                : MarginEngine.DEFAULT.computeRequirements(a, priced);
        return r.pool(pool.poolId()).maintenanceMarginUsd();
    }
}
