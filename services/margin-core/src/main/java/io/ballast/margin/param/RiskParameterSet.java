package io.ballast.margin.param;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import java.util.HashMap;
import java.util.Map;

/**
 * All risk parameters the engine uses for one tenant at one time: per market (underlying), per collateral asset, and
 * the portfolio-margin settings shared by every market.
 *
 * @param priceSteps number of regular price moves, odd, &gt;= 3; equally spaced over -scan..+scan, so 0 is one of them
 * @param imMultiplier initial / maintenance ratio of portfolio margin, &gt;= 1 (Derive PMRM: 1.3)
 * @param crossUnderlyingCorrelation correlation used to add the worst losses of different underlyings, in [0, 1]:
 *        total = sqrt(sum_u sum_v rho_uv L_u L_v) with rho_uu = 1 and rho_uv = this value; 1 means no offset (plain
 *        sum), lower values give a correlation credit
 * @param minAnnualVol floor for a shocked volatility, fraction &gt; 0 (e.g. 0.01)
 * @param markets parameters per underlying
 * @param collateral parameters per collateral asset
 */
public record RiskParameterSet(int priceSteps, double imMultiplier, double crossUnderlyingCorrelation,
        double minAnnualVol, Map<String, MarketRiskParameters> markets, Map<String, CollateralParameters> collateral) {

    /** Validates and copies the maps. */
    public RiskParameterSet {
        if (priceSteps < 3 || priceSteps % 2 == 0 || priceSteps > 101) {
            throw new MarginInputException("priceSteps", "must be odd, in [3, 101], was " + priceSteps);
        }
        Checks.finite("imMultiplier", imMultiplier);
        if (imMultiplier < 1) {
            throw new MarginInputException("imMultiplier", "must be >= 1, was " + imMultiplier);
        }
        Checks.fraction("crossUnderlyingCorrelation", crossUnderlyingCorrelation);
        Checks.positive("minAnnualVol", minAnnualVol);
        markets = Map.copyOf(Checks.present("markets", markets));
        collateral = Map.copyOf(Checks.present("collateral", collateral));
    }

    /**
     * Creates a parameter set.
     *
     * @param priceSteps regular price moves
     * @param imMultiplier IM / MM
     * @param crossUnderlyingCorrelation correlation between underlyings (1 = no offset)
     * @param minAnnualVol shocked vol floor
     * @param markets per underlying
     * @param collateral per asset
     * @return the set
     */
    public static RiskParameterSet of(int priceSteps, double imMultiplier, double crossUnderlyingCorrelation,
            double minAnnualVol, Map<String, MarketRiskParameters> markets,
            Map<String, CollateralParameters> collateral) {
        return new RiskParameterSet(priceSteps, imMultiplier, crossUnderlyingCorrelation, minAnnualVol, markets,
                collateral);
    }

    /**
     * Parameters of a market.
     *
     * @param underlying underlying symbol
     * @return parameters
     * @throws MarginInputException naming {@code underlying} if the set has none
     */
    public MarketRiskParameters market(String underlying) {
        MarketRiskParameters p = markets.get(underlying);
        if (p == null) {
            throw new MarginInputException("underlying", "no risk parameters for unknown underlying " + underlying);
        }
        return p;
    }

    /**
     * Parameters of a collateral asset.
     *
     * @param asset asset symbol
     * @return parameters
     * @throws MarginInputException naming {@code asset} if the set has none
     */
    public CollateralParameters collateral(String asset) {
        CollateralParameters p = collateral.get(asset);
        if (p == null) {
            throw new MarginInputException("asset", "no collateral parameters for unknown asset " + asset);
        }
        return p;
    }

    /**
     * Number of portfolio-margin scenarios: priceSteps x 3 volatility states + 2 extreme moves.
     *
     * @return scenario count
     */
    public int scenarioCount() {
        return priceSteps * 3 + 2;
    }

    /**
     * A copy with one market's parameters replaced or added.
     *
     * @param underlying underlying symbol
     * @param params new parameters
     * @return the new set
     */
    public RiskParameterSet withMarket(String underlying, MarketRiskParameters params) {
        Map<String, MarketRiskParameters> copy = new HashMap<>(markets);
        copy.put(Checks.text("underlying", underlying), Checks.present("params", params));
        return new RiskParameterSet(priceSteps, imMultiplier, crossUnderlyingCorrelation, minAnnualVol, copy,
                collateral);
    }

    /**
     * A copy with another cross-underlying correlation.
     *
     * @param correlation in [0, 1]
     * @return the new set
     */
    public RiskParameterSet withCrossUnderlyingCorrelation(double correlation) {
        return new RiskParameterSet(priceSteps, imMultiplier, correlation, minAnnualVol, markets, collateral);
    }
}
