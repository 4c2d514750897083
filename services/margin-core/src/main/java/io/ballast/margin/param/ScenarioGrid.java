package io.ballast.margin.param;

import java.util.ArrayList;
import java.util.List;

/**
 * The portfolio-margin scenario grid: {@code priceSteps} equally spaced price moves over -scan..+scan (0 included),
 * each with volatility unchanged, up and down, then two extreme moves (up, down) with volatility unchanged.
 * Scenario index = volState * priceSteps + step for regular scenarios (volState 0 NONE, 1 UP, 2 DOWN), then
 * 3 * priceSteps (extreme up) and 3 * priceSteps + 1 (extreme down).
 *
 * @param scenarios the scenarios in index order
 */
public record ScenarioGrid(List<Scenario> scenarios) {

    /** Copies the list. */
    public ScenarioGrid {
        scenarios = List.copyOf(scenarios);
    }

    /**
     * The grid of a parameter set.
     *
     * @param params parameters (only {@code priceSteps} is used)
     * @return the grid
     */
    public static ScenarioGrid of(RiskParameterSet params) {
        int n = params.priceSteps();
        List<Scenario> list = new ArrayList<>(3 * n + 2);
        VolShock[] states = {VolShock.NONE, VolShock.UP, VolShock.DOWN};
        for (VolShock v : states) {
            for (int i = 0; i < n; i++) {
                list.add(new Scenario(list.size(), -1.0 + 2.0 * i / (n - 1), v, false));
            }
        }
        list.add(new Scenario(list.size(), 1.0, VolShock.NONE, true));
        list.add(new Scenario(list.size(), -1.0, VolShock.NONE, true));
        return new ScenarioGrid(list);
    }

    /**
     * Number of scenarios.
     *
     * @return size
     */
    public int size() {
        return scenarios.size();
    }

    /**
     * Scenario by index.
     *
     * @param index index
     * @return scenario
     */
    public Scenario get(int index) {
        return scenarios.get(index);
    }
}
