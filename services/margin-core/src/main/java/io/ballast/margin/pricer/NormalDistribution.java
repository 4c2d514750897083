package io.ballast.margin.pricer;

/**
 * Standard normal density and cumulative distribution function in double precision.
 *
 * <p>The cumulative function uses Hart's (1968) rational approximation as described by G. West, "Better
 * approximations to cumulative normal functions" (Wilmott Magazine, 2005), accurate to about 1e-14 absolute.
 */
public final class NormalDistribution {

    private static final double INV_SQRT_2PI = 0.3989422804014327;
    private static final double SQRT_2PI = 2.5066282746310002;

    private NormalDistribution() {
    }

    /**
     * Standard normal density.
     *
     * @param x point
     * @return exp(-x^2/2) / sqrt(2 pi)
     */
    public static double pdf(double x) {
        return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /**
     * Standard normal cumulative distribution function.
     *
     * @param x point
     * @return P(Z &lt;= x) for a standard normal Z
     */
    public static double cdf(double x) {
        double ax = Math.abs(x);
        double tail;
        if (ax > 37.0) {
            tail = 0.0;
        } else {
            double e = Math.exp(-0.5 * ax * ax);
            if (ax < 7.07106781186547) {
                double num = 3.52624965998911E-02 * ax + 0.700383064443688;
                num = num * ax + 6.37396220353165;
                num = num * ax + 33.912866078383;
                num = num * ax + 112.079291497871;
                num = num * ax + 221.213596169931;
                num = num * ax + 220.206867912376;
                double den = 8.83883476483184E-02 * ax + 1.75566716318264;
                den = den * ax + 16.064177579207;
                den = den * ax + 86.7807322029461;
                den = den * ax + 296.564248779674;
                den = den * ax + 637.333633378831;
                den = den * ax + 793.826512519948;
                den = den * ax + 440.413735824752;
                tail = e * num / den;
            } else {
                double b = ax + 0.65;
                b = ax + 4.0 / b;
                b = ax + 3.0 / b;
                b = ax + 2.0 / b;
                b = ax + 1.0 / b;
                tail = e / b / SQRT_2PI;
            }
        }
        return x > 0 ? 1.0 - tail : tail;
    }
}
