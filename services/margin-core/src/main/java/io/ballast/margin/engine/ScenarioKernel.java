package io.ballast.margin.engine;

import java.util.Arrays;

/**
 * The inner loop of portfolio margin, shared by the single-account façade and the bulk engine: sums the risk arrays
 * of a run of (instrument, quantity) pairs of one underlying into a scratch array, finds the worst scenario and
 * computes the contingency charges. Positions of a run must be netted per instrument.
 */
final class ScenarioKernel {

    /** Output slot: weighted worst loss, USD, &gt;= 0. */
    static final int LOSS = 0;
    /** Output slot: contingency charges, USD. */
    static final int CONTINGENCY = 1;
    /** Output slot: worst scenario index (as a double). */
    static final int WORST = 2;

    private ScenarioKernel() {
    }

    /**
     * Evaluates one underlying's positions of one account.
     *
     * @param arrays the risk arrays
     * @param u underlying index of every instrument in the run
     * @param instr instrument indexes
     * @param qty signed quantities, netted per instrument
     * @param from first position (inclusive)
     * @param to last position (exclusive)
     * @param scratch array of at least scenarioCount doubles, overwritten with the summed P&amp;L per scenario
     * @param out array of at least 3 doubles receiving LOSS, CONTINGENCY and WORST
     */
    static void evaluate(RiskArrays arrays, int u, int[] instr, double[] qty, int from, int to, double[] scratch,
            double[] out) {
        int n = arrays.scenarioCount();
        double[] values = arrays.rawValues();
        double[] soc = arrays.rawShortOptionCharges();
        boolean[] linear = arrays.rawLinear();
        Arrays.fill(scratch, 0, n, 0.0);
        double shortOption = 0.0;
        double netLinear = 0.0;
        for (int p = from; p < to; p++) {
            int i = instr[p];
            double q = qty[p];
            int base = i * n;
            for (int s = 0; s < n; s++) {
                scratch[s] += q * values[base + s];
            }
            if (q < 0) {
                shortOption -= q * soc[i];
            }
            if (linear[i]) {
                netLinear += q;
            }
        }
        int worst = 0;
        double min = scratch[0];
        for (int s = 1; s < n; s++) {
            if (scratch[s] < min) {
                min = scratch[s];
                worst = s;
            }
        }
        out[LOSS] = min < 0 ? -min : 0.0;
        out[CONTINGENCY] = shortOption + Math.abs(netLinear) * arrays.linearChargePerUnitUsd(u);
        out[WORST] = worst;
    }

    /**
     * Combines the worst losses of several underlyings: sqrt((1 - rho) * sum L^2 + rho * (sum L)^2), which is
     * sqrt(sum_u sum_v rho_uv L_u L_v) with rho_uu = 1. With rho = 1 it is the plain sum (no offset).
     *
     * @param losses losses per underlying, USD, &gt;= 0
     * @param from first index
     * @param count number of underlyings
     * @param rho cross-underlying correlation in [0, 1]
     * @return combined loss, USD
     */
    static double combine(double[] losses, int from, int count, double rho) {
        double sum = 0.0;
        double sumSq = 0.0;
        for (int k = from; k < from + count; k++) {
            sum += losses[k];
            sumSq += losses[k] * losses[k];
        }
        if (rho == 1.0) {
            return sum;
        }
        return Math.sqrt(Math.max(0.0, (1.0 - rho) * sumSq + rho * sum * sum));
    }
}
