package io.ballast.margin.engine;

/**
 * The inner loop of portfolio margin, shared by the single-account façade and the bulk engine: sums the risk arrays
 * of a run of (instrument, quantity) pairs of one underlying into a scratch array, finds the worst scenario and
 * computes the contingency charges. Positions of a run must be netted per instrument.
 *
 * <p>Linear spot, perpetuals and dated futures of one underlying have risk arrays that are multiples of one linear
 * array: the same array without a basis, and {@code F / S} times it for a dated future with a basis (its own array,
 * {@link RiskArrays#sharesLinearArray} false, but proportional since the basis is not shocked). So their quantities
 * are netted first, each times its multiple, and the underlying's linear array is added once; options and inverse
 * instruments add their own arrays. The last pass also finds the worst scenario; a run without them needs no pass at
 * all (the linear array's lowest and highest scenarios are known). The linear contingency charges the net delta-one
 * exposure in units of underlying: the netted quantities plus each inverse instrument's quantity times
 * {@link RiskArrays#linearUnitsPerUnit}.
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
        boolean[] linear = arrays.rawNettedOnLinear();
        double[] scale = arrays.rawLinearScale();
        double[] units = arrays.rawLinearUnits();
        // pass 1 (scalar): net the linear delta-one positions onto the underlying's linear risk array (each times its
        // multiple of it), and find the first and last positions that add arrays of their own
        double shortOption = 0.0;
        double netLinear = 0.0;
        double netLinearUnits = 0.0;
        double ownLinearUnits = 0.0;
        int firstOption = -1;
        int lastOption = -1;
        for (int p = from; p < to; p++) {
            int i = instr[p];
            double q = qty[p];
            if (linear[i]) {
                netLinear += q * scale[i];
                netLinearUnits += q;
            } else {
                if (q < 0) {
                    shortOption -= q * soc[i];
                }
                ownLinearUnits += q * units[i];
                if (firstOption < 0) {
                    firstOption = p;
                }
                lastOption = p;
            }
        }
        double[] lin = arrays.rawLinearValues();
        int lbase = u * n;
        int worst = 0;
        double min = Double.POSITIVE_INFINITY;
        if (lastOption < 0) {
            // delta-one only: the worst scenario is where the linear array is lowest (net long) or highest (net
            // short), found once per underlying when the arrays were built
            worst = netLinear > 0 ? arrays.linearArgMin(u) : netLinear < 0 ? arrays.linearArgMax(u) : 0;
            min = netLinear * lin[lbase + worst];
        } else {
            if (firstOption < lastOption) {
                // the net linear exposure and the first option in one pass, then every option but the last
                double q = qty[firstOption];
                int base = instr[firstOption] * n;
                for (int s = 0; s < n; s++) {
                    scratch[s] = netLinear * lin[lbase + s] + q * values[base + s];
                }
                for (int p = firstOption + 1; p < lastOption; p++) {
                    int i = instr[p];
                    if (!linear[i]) {
                        double qp = qty[p];
                        int bp = i * n;
                        for (int s = 0; s < n; s++) {
                            scratch[s] += qp * values[bp + s];
                        }
                    }
                }
            }
            // the last option, fused with the search for the worst scenario (and with the linear array when it is
            // the only option)
            double q = qty[lastOption];
            int base = instr[lastOption] * n;
            if (firstOption < lastOption) {
                for (int s = 0; s < n; s++) {
                    double v = scratch[s] + q * values[base + s];
                    scratch[s] = v;
                    if (v < min) {
                        min = v;
                        worst = s;
                    }
                }
            } else {
                for (int s = 0; s < n; s++) {
                    double v = netLinear * lin[lbase + s] + q * values[base + s];
                    scratch[s] = v;
                    if (v < min) {
                        min = v;
                        worst = s;
                    }
                }
            }
        }
        out[LOSS] = min < 0 ? -min : 0.0;
        out[CONTINGENCY] = shortOption + Math.abs(netLinearUnits + ownLinearUnits) * arrays.linearChargePerUnitUsd(u);
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

    /**
     * Netted positions packed for {@link #evaluate}, grouped by underlying in the arrays' order.
     *
     * @param instr instrument index per packed position
     * @param qty   quantity per packed position
     * @param start first packed position of each underlying, plus the end
     */
    record Packed(int[] instr, double[] qty, int[] start) {

        /**
         * @param arrays     arrays over the netted instruments (index i = netted position i)
         * @param quantities net quantity per netted position
         * @return the packed positions
         */
        static Packed of(RiskArrays arrays, double[] quantities) {
            int nu = arrays.underlyings().size();
            int n = quantities.length;
            int[] instr = new int[n];
            double[] qty = new double[n];
            int[] start = new int[nu + 1];
            int k = 0;
            for (int u = 0; u < nu; u++) {
                start[u] = k;
                for (int i = 0; i < n; i++) {
                    if (arrays.underlyingOf(i) == u) {
                        instr[k] = i;
                        qty[k] = quantities[i];
                        k++;
                    }
                }
            }
            start[nu] = k;
            return new Packed(instr, qty, start);
        }
    }
}
