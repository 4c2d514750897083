package io.ballast.predictive.stats;

/**
 * The few distribution functions the margin mapping and the backtests need: the standard normal quantile and CDF,
 * chi-squared survival functions for 1 and 2 degrees of freedom, and the binomial CDF.
 *
 * <p>Implemented from the textbook formulas (Acklam's rational approximation for the normal quantile, refined with one
 * Halley step; the complementary error function by its continued-fraction-free Chebyshev fit from Numerical Recipes,
 * relative error below 1.2e-7). Stateless; every method is thread-safe.
 */
public final class Distributions {

    private Distributions() {
    }

    /**
     * The standard normal quantile: the x with P(Z <= x) = p.
     *
     * @param p probability, strictly between 0 and 1
     * @return the quantile
     * @throws IllegalArgumentException if p is not in (0, 1)
     */
    public static double normalQuantile(double p) {
        if (!(p > 0.0 && p < 1.0)) {
            throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
        }
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        final double low = 0.02425;
        double x;
        if (p < low) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p <= 1 - low) {
            double q = p - 0.5;
            double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        // one Halley refinement step against the CDF
        double e = normalCdf(x) - p;
        double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    /**
     * The standard normal cumulative distribution function.
     *
     * @param x the point
     * @return P(Z <= x)
     */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /**
     * The complementary error function, relative error below 1.2e-7 everywhere.
     *
     * @param x the point
     * @return erfc(x)
     */
    public static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
            + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
            + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }

    /**
     * The chi-squared survival function P(X > x) for 1 or 2 degrees of freedom (the only ones the coverage tests use).
     *
     * @param x the statistic, non-negative (negative values, which rounding can produce, count as 0)
     * @param degreesOfFreedom 1 or 2
     * @return the p-value
     */
    public static double chiSquaredSurvival(double x, int degreesOfFreedom) {
        if (Double.isNaN(x)) {
            throw new IllegalArgumentException("statistic is NaN");
        }
        double v = Math.max(0.0, x);
        return switch (degreesOfFreedom) {
            case 1 -> erfc(Math.sqrt(v / 2));
            case 2 -> Math.exp(-v / 2);
            default -> throw new IllegalArgumentException("only 1 or 2 degrees of freedom, got " + degreesOfFreedom);
        };
    }

    /**
     * The binomial cumulative distribution P(X <= k) for n trials with success probability p.
     *
     * @param k number of successes
     * @param n number of trials, non-negative
     * @param p success probability in [0, 1]
     * @return the cumulative probability
     */
    public static double binomialCdf(int k, int n, double p) {
        if (n < 0 || !(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("need n >= 0 and p in [0, 1], got n=" + n + " p=" + p);
        }
        if (k < 0) {
            return 0.0;
        }
        if (k >= n) {
            return 1.0;
        }
        if (p == 0.0) {
            return 1.0;
        }
        if (p == 1.0) {
            return 0.0;
        }
        double sum = 0.0;
        double logP = Math.log(p);
        double logQ = Math.log1p(-p);
        double logChoose = 0.0; // ln C(n, 0)
        for (int i = 0; i <= k; i++) {
            if (i > 0) {
                logChoose += Math.log(n - i + 1) - Math.log(i);
            }
            sum += Math.exp(logChoose + i * logP + (n - i) * logQ);
        }
        return Math.min(1.0, sum);
    }
}
