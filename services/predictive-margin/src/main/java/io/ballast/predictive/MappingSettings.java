package io.ballast.predictive;

/**
 * Per-tenant settings of the mapping from a forecast volatility to risk parameters (see {@link ParameterMapper} and
 * docs/predictive-margin.md).
 *
 * @param coverage target coverage, e.g. 0.99 (EMIR RTS 153/2013 art. 24: 99 % listed), in (0.5, 1)
 * @param mporPerpDays margin period of risk for perps and futures, days (default 1)
 * @param mporOptionDays margin period of risk for options, days (default 2, EMIR art. 26 for listed)
 * @param tailFactor multiplier on the normal quantile for fat tails (default 1.26: the 99.5 % quantile of a
 *                   unit-variance Student-t with 4 degrees of freedom over the normal one, 3.256 / 2.576)
 * @param liquidityFactor multiplier for the cost of liquidating (default 1.0), >= 1 is usual but > 0 is accepted
 * @param imMultiplier IMF = MMF * imMultiplier (default 2: dYdX/Deribit/Hyperliquid keep maintenance at about half
 *                     of initial), >= 1
 * @param volShockUpPerScan relative upward IV shock per unit of scan range (default 2.0)
 * @param volShockDownPerScan relative downward IV shock per unit of scan range (default 1.33 = 2.0 * 30 / 45,
 *                            Derive PMRM shocks +45 % / -30 %)
 */
public record MappingSettings(double coverage, int mporPerpDays, int mporOptionDays, double tailFactor,
                              double liquidityFactor, double imMultiplier, double volShockUpPerScan,
                              double volShockDownPerScan) {

    /** Validates ranges; throws {@link IllegalArgumentException} naming the field. */
    public MappingSettings {
        if (!(coverage > 0.5 && coverage < 1)) {
            throw new IllegalArgumentException("coverage must be in (0.5, 1), got " + coverage);
        }
        if (mporPerpDays < 1 || mporOptionDays < 1) {
            throw new IllegalArgumentException("MPOR days must be >= 1");
        }
        if (!(tailFactor > 0) || !(liquidityFactor > 0) || !Double.isFinite(tailFactor * liquidityFactor)) {
            throw new IllegalArgumentException("tail and liquidity factors must be positive and finite");
        }
        if (!(imMultiplier >= 1) || !Double.isFinite(imMultiplier)) {
            throw new IllegalArgumentException("imMultiplier must be >= 1, got " + imMultiplier);
        }
        if (!(volShockUpPerScan >= 0) || !(volShockDownPerScan >= 0)) {
            throw new IllegalArgumentException("vol shock ratios must be >= 0");
        }
    }

    /** @return the defaults documented on each component (99 %, 1 day perps, 2 days options) */
    public static MappingSettings defaults() {
        return new MappingSettings(0.99, 1, 2, 1.26, 1.0, 2.0, 2.0, 1.33);
    }

    /**
     * The literal EMIR preset's mapping (RTS 153/2013): 99 % coverage (art. 24, listed), a 2-day margin period of risk
     * for perps and options alike (art. 26, listed), other values as {@link #defaults()}.
     *
     * @return the EMIR-literal mapping
     */
    public static MappingSettings emirLiteral() {
        return new MappingSettings(0.99, 2, 2, 1.26, 1.0, 2.0, 2.0, 1.33);
    }

    /**
     * @param newCoverage coverage to use
     * @return a copy with another coverage
     */
    public MappingSettings withCoverage(double newCoverage) {
        return new MappingSettings(newCoverage, mporPerpDays, mporOptionDays, tailFactor, liquidityFactor,
            imMultiplier, volShockUpPerScan, volShockDownPerScan);
    }

    /**
     * @param newTailFactor tail factor to use
     * @return a copy with another tail factor (the frontier varies this)
     */
    public MappingSettings withTailFactor(double newTailFactor) {
        return new MappingSettings(coverage, mporPerpDays, mporOptionDays, newTailFactor, liquidityFactor,
            imMultiplier, volShockUpPerScan, volShockDownPerScan);
    }
}
