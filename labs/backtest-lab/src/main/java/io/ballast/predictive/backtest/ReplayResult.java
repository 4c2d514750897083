package io.ballast.predictive.backtest;

/**
 * Outcome of one crash replay for one policy.
 *
 * @param accounts accounts simulated (per seed)
 * @param liquidated accounts liquidated (first seed)
 * @param badDebtUsd summed equity below zero at liquidation, USD (analytics double), >= 0 (first seed)
 * @param warnedHoursAheadMedian median over liquidated accounts of the hours between the first margin call (equity
 *                               below initial margin) and the liquidation trigger; NaN when nobody was liquidated
 *                               (first seed)
 * @param barHours hours per bar of the path used (1 hourly, 24 daily)
 * @param openInterestUsd the book's open interest at the opening bar, USD (mean over the seeds)
 * @param badDebtPerOpenInterest bad debt per unit of open interest, mean over the seeds
 * @param badDebtPerOpenInterestCi95 [low, high]: 95 % confidence interval of that mean over the seeds (Student t,
 *                                   low floored at 0); [x, x] for one seed
 * @param seeds populations replayed (seeds {@code seed .. seed + seeds - 1})
 */
public record ReplayResult(int accounts, int liquidated, double badDebtUsd, double warnedHoursAheadMedian, int barHours,
                           double openInterestUsd, double badDebtPerOpenInterest, double[] badDebtPerOpenInterestCi95,
                           int seeds) {

    /** Copies the interval. */
    public ReplayResult {
        badDebtPerOpenInterestCi95 = badDebtPerOpenInterestCi95.clone();
    }

    /** A one-seed result without open interest (bad debt in USD only). */
    public ReplayResult(int accounts, int liquidated, double badDebtUsd, double warnedHoursAheadMedian, int barHours) {
        this(accounts, liquidated, badDebtUsd, warnedHoursAheadMedian, barHours, Double.NaN, Double.NaN,
            new double[] {Double.NaN, Double.NaN}, 1);
    }

    /** @return a copy of the interval */
    @Override
    public double[] badDebtPerOpenInterestCi95() {
        return badDebtPerOpenInterestCi95.clone();
    }

    /**
     * Combines one replay per seed: counts, USD bad debt and warning time of the first, bad debt per open interest
     * averaged with its 95 % confidence interval (t with seeds - 1 degrees of freedom).
     *
     * @param perSeed results of the seeds, in seed order, at least 1
     * @return the combined result
     */
    public static ReplayResult overSeeds(java.util.List<ReplayResult> perSeed) {
        int n = perSeed.size();
        ReplayResult first = perSeed.get(0);
        double[] x = new double[n];
        double oi = 0;
        for (int i = 0; i < n; i++) {
            x[i] = perSeed.get(i).badDebtPerOpenInterest();
            oi += perSeed.get(i).openInterestUsd() / n;
        }
        double mean = MarginStats.mean(x);
        double[] ci = {mean, mean};
        if (n > 1) {
            double ss = 0;
            for (double v : x) {
                double d = v - mean;
                ss += d * d;
            }
            double half = org.apache.commons.statistics.distribution.TDistribution.of(n - 1)
                .inverseCumulativeProbability(0.975) * Math.sqrt(ss / (n - 1) / n);
            ci = new double[] {Math.max(0, mean - half), mean + half};
        }
        return new ReplayResult(first.accounts(), first.liquidated(), first.badDebtUsd(),
            first.warnedHoursAheadMedian(), first.barHours(), oi, mean, ci, n);
    }
}
