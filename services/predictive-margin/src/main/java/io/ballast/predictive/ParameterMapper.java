package io.ballast.predictive;

import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Maps forecast volatilities over the margin periods of risk to risk parameters. Stateless; use {@link #DEFAULT}.
 *
 * <pre>
 *   k          = tailFactor * liquidityFactor
 *   MMF        = z2(c) * k * sigma(MPOR perp)            z2(c) = Phi^-1(1 - (1 - c) / 2): a one-unit perp, long or
 *                                                         short, loses more than MMF with probability 1 - c
 *   IMF        = MMF * imMultiplier
 *   haircut    = 1 - exp(-z1(c) * k * sigma(MPOR perp))   z1(c) = Phi^-1(c): collateral only loses when price falls
 *   scanRange  = z2(c) * k * sigma(MPOR options)
 *   volShockUp = volShockUpPerScan * scanRange, volShockDown = min(0.9, volShockDownPerScan * scanRange)
 * </pre>
 * Floors, bounds and every other guardrail are applied afterwards by {@link PredictiveMarginEngine}.
 */
public final class ParameterMapper {

    /** The single stateless instance. */
    public static final ParameterMapper DEFAULT = new ParameterMapper();

    /** The standard normal (Apache Commons Statistics, immutable): the one normal distribution of the code base. */
    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0.0, 1.0);

    private ParameterMapper() {
    }

    /**
     * The two-sided normal quantile used for margin fractions and scan ranges.
     *
     * @param coverage coverage in (0.5, 1)
     * @return Phi^-1(1 - (1 - coverage) / 2), 2.576 at 99 %
     */
    public static double twoSidedZ(double coverage) {
        return normalQuantile(1 - (1 - coverage) / 2);
    }

    /** The standard normal quantile (Commons Statistics), refusing a probability outside (0, 1). */
    private static double normalQuantile(double p) {
        if (!(p > 0.0 && p < 1.0)) {
            throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
        }
        return STANDARD_NORMAL.inverseCumulativeProbability(p);
    }

    /**
     * Maps volatilities to parameters.
     *
     * @param sigmaPerp standard deviation of the log return over the perp MPOR, > 0
     * @param sigmaOption standard deviation of the log return over the option MPOR, > 0
     * @param settings the tenant's mapping settings
     * @return the raw (unguarded) parameters
     * @throws IllegalArgumentException on a non-positive or non-finite volatility
     */
    public RecommendedParameters map(double sigmaPerp, double sigmaOption, MappingSettings settings) {
        if (!(sigmaPerp > 0) || !Double.isFinite(sigmaPerp) || !(sigmaOption > 0) || !Double.isFinite(sigmaOption)) {
            throw new IllegalArgumentException("volatilities must be positive and finite, got " + sigmaPerp + ", "
                + sigmaOption);
        }
        double k = settings.tailFactor() * settings.liquidityFactor();
        double z2 = twoSidedZ(settings.coverage());
        double z1 = normalQuantile(settings.coverage());
        double mmf = z2 * k * sigmaPerp;
        double haircut = -Math.expm1(-z1 * k * sigmaPerp);
        double scan = z2 * k * sigmaOption;
        return new RecommendedParameters(mmf, mmf * settings.imMultiplier(), Math.min(0.999, haircut), scan,
            settings.volShockUpPerScan() * scan, Math.min(0.9, settings.volShockDownPerScan() * scan));
    }

    /**
     * The MMF alone, as the backtest needs it for a perp book.
     *
     * @param sigmaPerp standard deviation of the log return over the perp MPOR, > 0
     * @param settings mapping settings
     * @return z2(c) * tailFactor * liquidityFactor * sigmaPerp
     */
    public double mmf(double sigmaPerp, MappingSettings settings) {
        return map(sigmaPerp, sigmaPerp, settings).mmf();
    }
}
