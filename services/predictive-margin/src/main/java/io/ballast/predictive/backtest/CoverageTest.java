package io.ballast.predictive.backtest;

import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;

/**
 * Coverage statistics of an exception series (risk-methodology.md section 4): Kupiec's proportion-of-failures test,
 * Christoffersen's independence test and their sum, the conditional-coverage test.
 *
 * @param exceptions number of exceptions x
 * @param days number of observations T
 * @param level expected exception probability p (0.01 at 99 % coverage)
 * @param kupiecLr Kupiec likelihood ratio, chi2(1) under the null
 * @param kupiecP its p-value
 * @param independenceLr Christoffersen independence likelihood ratio, chi2(1)
 * @param independenceP its p-value
 * @param conditionalCoverageLr kupiecLr + independenceLr, chi2(2)
 * @param conditionalCoverageP its p-value
 */
public record CoverageTest(int exceptions, int days, double level, double kupiecLr, double kupiecP,
                           double independenceLr, double independenceP, double conditionalCoverageLr,
                           double conditionalCoverageP) {

    /**
     * Runs the three tests.
     *
     * @param exception exception indicator per day, in time order
     * @param level expected exception probability, in (0, 1)
     * @return the statistics
     */
    public static CoverageTest of(boolean[] exception, double level) {
        int n = exception.length;
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 observations, got " + n);
        }
        int x = 0;
        for (boolean e : exception) {
            x += e ? 1 : 0;
        }
        double pof = kupiecLr(x, n, level);
        int n00 = 0;
        int n01 = 0;
        int n10 = 0;
        int n11 = 0;
        for (int t = 1; t < n; t++) {
            boolean a = exception[t - 1];
            boolean b = exception[t];
            if (!a && !b) {
                n00++;
            } else if (!a) {
                n01++;
            } else if (!b) {
                n10++;
            } else {
                n11++;
            }
        }
        double ind = independenceLr(n00, n01, n10, n11);
        return new CoverageTest(x, n, level, pof, chiSquaredSurvival(pof, 1), ind,
            chiSquaredSurvival(ind, 1), pof + ind, chiSquaredSurvival(pof + ind, 2));
    }

    /**
     * Kupiec POF likelihood ratio: -2 ln[(1-p)^(T-x) p^x] + 2 ln[(1-x/T)^(T-x) (x/T)^x], with 0 ln 0 = 0.
     *
     * @param x exceptions
     * @param days observations T
     * @param p expected exception probability
     * @return the ratio, >= 0
     */
    public static double kupiecLr(int x, int days, double p) {
        if (x < 0 || x > days || days <= 0 || !(p > 0 && p < 1)) {
            throw new IllegalArgumentException("need 0 <= x <= T, T > 0, p in (0, 1)");
        }
        double phat = (double) x / days;
        double lnNull = xlogy(days - x, 1 - p) + xlogy(x, p);
        double lnAlt = xlogy(days - x, 1 - phat) + xlogy(x, phat);
        return Math.max(0, -2 * lnNull + 2 * lnAlt);
    }

    /**
     * Christoffersen independence likelihood ratio from the transition counts (n_ij: day t-1 in state i, day t in j).
     *
     * @param n00 no exception followed by none
     * @param n01 none followed by an exception
     * @param n10 an exception followed by none
     * @param n11 an exception followed by an exception
     * @return the ratio, >= 0
     */
    public static double independenceLr(int n00, int n01, int n10, int n11) {
        int total = n00 + n01 + n10 + n11;
        double pi = (double) (n01 + n11) / total;
        double pi01 = n00 + n01 == 0 ? 0 : (double) n01 / (n00 + n01);
        double pi11 = n10 + n11 == 0 ? 0 : (double) n11 / (n10 + n11);
        double lnNull = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi);
        double lnAlt = xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11);
        return Math.max(0, -2 * lnNull + 2 * lnAlt);
    }

    /**
     * Chi-squared survival function P(X > x) (Hipparchus).
     *
     * @param x the statistic; negative values, which rounding can produce, count as 0
     * @param degreesOfFreedom degrees of freedom (1 or 2 in these tests)
     * @return the p-value
     */
    static double chiSquaredSurvival(double x, int degreesOfFreedom) {
        if (Double.isNaN(x)) {
            throw new IllegalArgumentException("statistic is NaN");
        }
        return 1 - ChiSquaredDistribution.of(degreesOfFreedom).cumulativeProbability(Math.max(0.0, x));
    }

    /**
     * Binomial cumulative probability P(X <= k) for n trials of probability p (Hipparchus).
     *
     * @param k successes
     * @param n trials, >= 0
     * @param p success probability in [0, 1]
     * @return the probability
     */
    static double binomialCdf(int k, int n, double p) {
        if (n < 0 || !(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("need n >= 0 and p in [0, 1], got n=" + n + " p=" + p);
        }
        return BinomialDistribution.of(n, p).cumulativeProbability(k);
    }

    private static double xlogy(double count, double prob) {
        return count == 0 ? 0.0 : count * Math.log(prob);
    }

    /**
     * Basel traffic-light zone for x exceptions in n days at exception probability p: green while the binomial
     * probability of at most x exceptions is below 95 %, red from 99.99 %, yellow between (Basel Committee 1996,
     * "Supervisory framework for the use of backtesting"). At 250 days and 1 %: green 0-4, yellow 5-9, red 10+.
     *
     * @param x exceptions
     * @param n days
     * @param p exception probability
     * @return the zone
     */
    public static Zone zone(int x, int n, double p) {
        double cdf = binomialCdf(x, n, p);
        if (cdf < 0.95) {
            return Zone.GREEN;
        }
        return cdf < 0.9999 ? Zone.YELLOW : Zone.RED;
    }

    /**
     * Share of the rolling windows (every start day) that are in the green zone.
     *
     * @param exception exception indicator per day
     * @param window window length in days (250)
     * @param p exception probability
     * @return the share in [0, 1], NaN if the series is shorter than one window
     */
    public static double greenWindowShare(boolean[] exception, int window, double p) {
        int n = exception.length;
        if (n < window) {
            return Double.NaN;
        }
        Zone[] zones = new Zone[window + 1];
        for (int x = 0; x <= window; x++) {
            zones[x] = zone(x, window, p);
        }
        int count = 0;
        for (int t = 0; t < window; t++) {
            count += exception[t] ? 1 : 0;
        }
        int green = zones[count] == Zone.GREEN ? 1 : 0;
        int windows = 1;
        for (int t = window; t < n; t++) {
            count += (exception[t] ? 1 : 0) - (exception[t - window] ? 1 : 0);
            green += zones[count] == Zone.GREEN ? 1 : 0;
            windows++;
        }
        return (double) green / windows;
    }

    /** Basel traffic-light zones. */
    public enum Zone {
        /** Consistent with the target coverage. */
        GREEN,
        /** Possible problem. */
        YELLOW,
        /** Model problem almost certain. */
        RED
    }
}
