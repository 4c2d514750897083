package io.ballast.predictive.backtest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded synthetic population margined in crash replays (documented in docs/predictive-margin.md):
 * <ul>
 *   <li>side: long with probability {@value #LONG_SHARE} (crypto perp books lean long), short otherwise;</li>
 *   <li>desired leverage: log-normal with median {@value #LEVERAGE_MEDIAN}x and log-sd {@value #LEVERAGE_LOG_SD},
 *       clipped to [1, 50]; the policy's IMF caps it at open (leverage <= 1 / IMF);</li>
 *   <li>equity: log-normal with median {@value #EQUITY_MEDIAN_USD} USD and log-sd {@value #EQUITY_LOG_SD}, clipped to
 *       [50, 5,000,000] USD.</li>
 * </ul>
 * The same seed and size always give the same population.
 */
public final class AccountPopulation {

    /** Probability of a long account. */
    public static final double LONG_SHARE = 0.6;
    /** Median desired leverage. */
    public static final double LEVERAGE_MEDIAN = 5.0;
    /** Log standard deviation of desired leverage. */
    public static final double LEVERAGE_LOG_SD = 0.7;
    /** Median starting equity in USD. */
    public static final double EQUITY_MEDIAN_USD = 2000.0;
    /** Log standard deviation of equity. */
    public static final double EQUITY_LOG_SD = 1.5;

    private AccountPopulation() {
    }

    /**
     * Draws a population.
     *
     * @param seed random seed
     * @param size number of accounts, >= 1
     * @return the accounts, ids 0..size-1
     */
    public static List<SyntheticAccount> generate(long seed, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<SyntheticAccount> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            boolean isLong = rnd.nextDouble() < LONG_SHARE;
            double lev = clip(LEVERAGE_MEDIAN * Math.exp(LEVERAGE_LOG_SD * gaussian(rnd)), 1.0, 50.0);
            double eq = clip(EQUITY_MEDIAN_USD * Math.exp(EQUITY_LOG_SD * gaussian(rnd)), 50.0, 5_000_000.0);
            out.add(new SyntheticAccount(i, isLong, lev, eq));
        }
        return out;
    }

    private static double clip(double v, double lo, double hi) {
        return Math.min(hi, Math.max(lo, v));
    }

    /** Box-Muller, so the stream depends only on SplittableRandom's documented nextDouble. */
    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
