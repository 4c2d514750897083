package io.ballast.margin.measure;

import java.util.List;

/**
 * What made a requirement.
 *
 * @param positions each position's part
 * @param underlyings portfolio margin: each underlying's worst scenario (empty for standard margin)
 * @param charges portfolio margin: contingency charges; standard margin: size add-ons (part of the positions' IM)
 * @param collateral each collateral balance with its haircut
 * @param scenarioLossUsd portfolio margin: losses of the underlyings combined with the cross-underlying correlation
 * @param correlationCreditUsd portfolio margin: sum of the underlyings' losses minus {@code scenarioLossUsd}
 * @param contingencyUsd portfolio margin: sum of the charges
 */
public record MarginBreakdown(List<PositionLine> positions, List<UnderlyingRisk> underlyings,
        List<ChargeLine> charges, List<CollateralLine> collateral, double scenarioLossUsd,
        double correlationCreditUsd, double contingencyUsd) {

    /** Copies the lists. */
    public MarginBreakdown {
        positions = List.copyOf(positions);
        underlyings = List.copyOf(underlyings);
        charges = List.copyOf(charges);
        collateral = List.copyOf(collateral);
    }
}
