package io.ballast.ml.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hipparchus.random.RandomGenerator;
import org.hipparchus.random.Well19937c;

/**
 * Model confidence set of Hansen, Lunde and Nason (2011, Econometrica 79(2)), range-free T_max statistic: the set of
 * models not significantly worse than the best at level alpha, found by eliminating the worst model while the test of
 * equal predictive ability rejects.
 *
 * <p>For the models M still in the set, {@code dbar_i = Lbar_i - mean_{j in M} Lbar_j} (mean loss against the set's
 * average), its variance is estimated by a stationary bootstrap (Politis and Romano 1994: blocks of geometric length
 * with mean {@code meanBlock}, wrapping around) of the time indices, the same B resamples for every step;
 * {@code t_i = dbar_i / sd*(dbar_i)} and {@code T_max = max_i t_i}. Its bootstrap distribution uses the centred
 * resampled means {@code dbar*_i - dbar_i}; the p-value is the share of resamples whose {@code T*_max} is at least
 * {@code T_max}. While that p-value is below alpha, the model with the largest {@code t_i} is eliminated. A model's MCS
 * p-value is the largest p-value of the steps up to its elimination (1 for the last model), and the set at level
 * alpha is every model with an MCS p-value of at least alpha. The random stream is Hipparchus' Well19937c from a
 * fixed seed, so the result is reproducible.
 */
public final class ModelConfidenceSet {

    /** Default number of bootstrap resamples. */
    public static final int DEFAULT_RESAMPLES = 1000;
    /** Default seed of the bootstrap. */
    public static final long DEFAULT_SEED = 20110301L;

    private ModelConfidenceSet() {
    }

    /**
     * The outcome.
     *
     * @param alpha       the level
     * @param pValues     MCS p-value per model, in the order models were eliminated (the survivor last)
     * @param meanLoss    mean loss per model
     * @param included    the models with an MCS p-value of at least alpha (never empty)
     * @param meanBlock   mean block length of the stationary bootstrap (days)
     * @param resamples   bootstrap resamples
     */
    public record Result(double alpha, Map<String, Double> pValues, Map<String, Double> meanLoss, Set<String> included,
            double meanBlock, int resamples) {

        /** Copies the maps. */
        public Result {
            pValues = Collections.unmodifiableMap(new LinkedHashMap<>(pValues));
            meanLoss = Collections.unmodifiableMap(new LinkedHashMap<>(meanLoss));
            included = Collections.unmodifiableSet(new LinkedHashSet<>(included));
        }

        /** True when the model is in the set. */
        public boolean contains(String model) {
            return included.contains(model);
        }
    }

    /**
     * The default mean block length for {@code n} days: {@code max(2, round(n^(1/3)))}, the rate-optimal order of a
     * block bootstrap's block length for a variance (Hall, Horowitz and Jing 1995); 7 days for a year.
     */
    public static double defaultMeanBlock(int n) {
        return Math.max(2, Math.round(Math.cbrt(n)));
    }

    /** The set at level alpha with the defaults (mean block {@link #defaultMeanBlock}, 1,000 resamples, fixed seed). */
    public static Result of(Map<String, double[]> losses, double alpha) {
        int n = losses.values().iterator().next().length;
        return of(losses, alpha, defaultMeanBlock(n), DEFAULT_RESAMPLES, DEFAULT_SEED);
    }

    /**
     * The model confidence set.
     *
     * @param losses    loss series per model, all of the same length n >= 10, aligned in time
     * @param alpha     level in (0, 1), e.g. 0.10
     * @param meanBlock mean block length (days) >= 1
     * @param resamples bootstrap resamples >= 100
     * @param seed      bootstrap seed
     * @return the set and the MCS p-values
     */
    public static Result of(Map<String, double[]> losses, double alpha, double meanBlock, int resamples, long seed) {
        Objects.requireNonNull(losses, "losses");
        if (losses.isEmpty()) {
            throw new IllegalArgumentException("no models");
        }
        if (!(alpha > 0 && alpha < 1) || !(meanBlock >= 1) || resamples < 100) {
            throw new IllegalArgumentException("need 0 < alpha < 1, meanBlock >= 1, resamples >= 100");
        }
        List<String> names = new ArrayList<>(losses.keySet());
        int m = names.size();
        int n = losses.get(names.get(0)).length;
        if (n < 10) {
            throw new IllegalArgumentException("need at least 10 losses per model, got " + n);
        }
        double[][] l = new double[m][];
        for (int i = 0; i < m; i++) {
            l[i] = losses.get(names.get(i));
            if (l[i].length != n) {
                throw new IllegalArgumentException("loss series of unequal length: " + names.get(i));
            }
            for (double v : l[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("non-finite loss for " + names.get(i));
                }
            }
        }
        double[] mean = new double[m];
        for (int i = 0; i < m; i++) {
            mean[i] = Metrics.mean(l[i]);
        }
        // centred bootstrap means zeta[b][i] = Lbar*_i - Lbar_i, one index path per resample shared by all models
        double[][] zeta = new double[resamples][m];
        RandomGenerator rnd = new Well19937c(seed);
        double pNew = 1 / meanBlock;
        for (int b = 0; b < resamples; b++) {
            int idx = rnd.nextInt(n);
            for (int t = 0; t < n; t++) {
                if (t > 0) {
                    idx = rnd.nextDouble() < pNew ? rnd.nextInt(n) : (idx + 1) % n;
                }
                for (int i = 0; i < m; i++) {
                    zeta[b][i] += l[i][idx];
                }
            }
            for (int i = 0; i < m; i++) {
                zeta[b][i] = zeta[b][i] / n - mean[i];
            }
        }
        Map<String, Double> pValues = new LinkedHashMap<>();
        List<Integer> alive = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            alive.add(i);
        }
        double runningMax = 0;
        while (alive.size() > 1) {
            int k = alive.size();
            double avg = 0;
            for (int i : alive) {
                avg += mean[i] / k;
            }
            double[] var = new double[k];
            double[][] dStar = new double[resamples][k];
            for (int b = 0; b < resamples; b++) {
                double za = 0;
                for (int i : alive) {
                    za += zeta[b][i] / k;
                }
                for (int j = 0; j < k; j++) {
                    dStar[b][j] = zeta[b][alive.get(j)] - za;
                    var[j] += dStar[b][j] * dStar[b][j] / resamples;
                }
            }
            double tMax = Double.NEGATIVE_INFINITY;
            int worst = -1;
            for (int j = 0; j < k; j++) {
                double t = (mean[alive.get(j)] - avg) / Math.sqrt(Math.max(var[j], Double.MIN_NORMAL));
                if (t > tMax) {
                    tMax = t;
                    worst = j;
                }
            }
            int exceed = 0;
            for (int b = 0; b < resamples; b++) {
                double tb = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    tb = Math.max(tb, dStar[b][j] / Math.sqrt(Math.max(var[j], Double.MIN_NORMAL)));
                }
                exceed += tb >= tMax ? 1 : 0;
            }
            runningMax = Math.max(runningMax, exceed / (double) resamples);
            int out = alive.remove(worst);
            pValues.put(names.get(out), runningMax);
        }
        pValues.put(names.get(alive.get(0)), 1.0);
        Map<String, Double> meanLoss = new LinkedHashMap<>();
        Set<String> included = new LinkedHashSet<>();
        for (int i = 0; i < m; i++) {
            meanLoss.put(names.get(i), mean[i]);
            if (pValues.get(names.get(i)) >= alpha) {
                included.add(names.get(i));
            }
        }
        return new Result(alpha, pValues, meanLoss, included, meanBlock, resamples);
    }
}
