package io.ballast.predictive;

import io.ballast.margin.param.CollateralParameters;
import io.ballast.margin.param.MarketRiskParameters;

/**
 * Expresses a recommendation as the margin core's risk parameters. Only the fields the predictive module sets are
 * replaced (base IMF and MMF, scan range, vol shocks, base haircut); size slopes, short-option rules, extreme moves,
 * contingency charges and whether shocks are DTE-scaled are kept from the current parameters. Nothing is written:
 * the result is what governance would store if it accepts the recommendation.
 */
public final class MarginCoreMapping {

    private MarginCoreMapping() {
    }

    /**
     * The market parameters with the recommendation applied.
     *
     * @param rec the recommendation's parameters
     * @param current the live market parameters of the margin core
     * @return new market parameters (validated by the margin core; throws its MarginInputException if, for example,
     *         the scan range times the extreme-move multiple would reach 100 %)
     */
    public static MarketRiskParameters toMarket(RecommendedParameters rec, MarketRiskParameters current) {
        return current.toBuilder()
            .imf(rec.imf(), current.imfSlopePerUnit())
            .mmf(rec.mmf(), current.mmfSlopePerUnit())
            .scanRangeFraction(rec.scanRange())
            .volShocks(rec.volShockUp(), rec.volShockDown(), current.volShockDteScaled())
            .build();
    }

    /**
     * The collateral parameters with the recommended base haircut.
     *
     * @param rec the recommendation's parameters
     * @param current the live collateral parameters
     * @return new collateral parameters, same size slope
     */
    public static CollateralParameters toCollateral(RecommendedParameters rec, CollateralParameters current) {
        return CollateralParameters.of(rec.haircut(), current.haircutSlopePerUnit());
    }
}
