package io.ballast.predictive;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * A set of risk parameters for one asset, as the predictive module recommends them. All values are fractions
 * (0.05 means 5 %), never percents.
 *
 * <p>Mapping to the margin core's risk parameters (io.ballast.margin): {@code mmf} and {@code imf} are the base
 * maintenance and initial margin fractions (before any size-scaled increase), {@code haircut} the base collateral
 * haircut, {@code scanRange} the portfolio scan range as a relative price move, {@code volShockUp} and
 * {@code volShockDown} the relative implied-volatility shocks of the scenario grid. The IM/MM multiplier of the core is
 * {@code imf / mmf}.
 *
 * @param mmf maintenance margin fraction of notional, in (0, 1]
 * @param imf initial margin fraction of notional, >= mmf
 * @param haircut collateral haircut, in [0, 1)
 * @param scanRange portfolio scan range, relative price move, > 0
 * @param volShockUp relative upward implied-volatility shock (0.4 = vol times 1.4), >= 0
 * @param volShockDown relative downward implied-volatility shock (0.3 = vol times 0.7), in [0, 1)
 */
public record RecommendedParameters(double mmf, double imf, double haircut, double scanRange, double volShockUp,
                                    double volShockDown) {

    /** Validates every field (finite, in range); throws {@link IllegalArgumentException} naming the field. */
    public RecommendedParameters {
        check("mmf", mmf, mmf > 0);
        check("imf", imf, imf >= mmf);
        check("haircut", haircut, haircut >= 0 && haircut < 1);
        check("scanRange", scanRange, scanRange > 0);
        check("volShockUp", volShockUp, volShockUp >= 0);
        check("volShockDown", volShockDown, volShockDown >= 0 && volShockDown < 1);
    }

    private static void check(String name, double value, boolean ok) {
        if (!Double.isFinite(value) || !ok) {
            throw new IllegalArgumentException("invalid " + name + ": " + value);
        }
    }

    /** Factory with the same arguments as the canonical constructor. */
    public static RecommendedParameters of(double mmf, double imf, double haircut, double scanRange,
                                           double volShockUp, double volShockDown) {
        return new RecommendedParameters(mmf, imf, haircut, scanRange, volShockUp, volShockDown);
    }

    /**
     * The value of one parameter.
     *
     * @param p which parameter
     * @return its value (a fraction)
     */
    public double get(Parameter p) {
        return switch (p) {
            case MMF -> mmf;
            case IMF -> imf;
            case HAIRCUT -> haircut;
            case SCAN_RANGE -> scanRange;
            case VOL_SHOCK_UP -> volShockUp;
            case VOL_SHOCK_DOWN -> volShockDown;
        };
    }

    /**
     * Applies a function to every parameter. The result is validated like any other instance; IMF is lifted to MMF
     * if the function would put it below.
     *
     * @param f the function
     * @return a new instance
     */
    public RecommendedParameters map(DoubleUnaryOperator f) {
        return combine(this, (a, b) -> f.applyAsDouble(a));
    }

    /**
     * Combines this and another set parameter by parameter: {@code f(this.x, other.x)} for every x. IMF is lifted to
     * MMF if the result would put it below, and the haircut and down shock are kept below 1.
     *
     * @param other the other set
     * @param f the function of (this value, other value)
     * @return a new instance
     */
    public RecommendedParameters combine(RecommendedParameters other, DoubleBinaryOperator f) {
        double m = f.applyAsDouble(mmf, other.mmf);
        double i = Math.max(m, f.applyAsDouble(imf, other.imf));
        return new RecommendedParameters(m, i,
            Math.min(0.999, f.applyAsDouble(haircut, other.haircut)),
            f.applyAsDouble(scanRange, other.scanRange),
            f.applyAsDouble(volShockUp, other.volShockUp),
            Math.min(0.999, f.applyAsDouble(volShockDown, other.volShockDown)));
    }

    /**
     * Combines parameter by parameter with a function that also receives which parameter it is working on.
     *
     * @param other the other set
     * @param f the function of (parameter, this value, other value)
     * @return a new instance, with IMF lifted to MMF if needed
     */
    public RecommendedParameters combine(RecommendedParameters other, ParameterFunction f) {
        double[] v = new double[Parameter.values().length];
        for (Parameter p : Parameter.values()) {
            v[p.ordinal()] = f.apply(p, get(p), other.get(p));
        }
        v[Parameter.IMF.ordinal()] = Math.max(v[Parameter.MMF.ordinal()], v[Parameter.IMF.ordinal()]);
        v[Parameter.HAIRCUT.ordinal()] = Math.min(0.999, v[Parameter.HAIRCUT.ordinal()]);
        v[Parameter.VOL_SHOCK_DOWN.ordinal()] = Math.min(0.999, v[Parameter.VOL_SHOCK_DOWN.ordinal()]);
        return new RecommendedParameters(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    /** A function of one parameter's two values that knows which parameter it is. */
    @FunctionalInterface
    public interface ParameterFunction {
        /**
         * @param parameter which parameter
         * @param a this set's value
         * @param b the other set's value
         * @return the combined value
         */
        double apply(Parameter parameter, double a, double b);
    }
}
