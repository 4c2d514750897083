package io.ballast.margin.measure;

import io.ballast.margin.product.PoolKind;
import java.util.Optional;

/**
 * Margin and health of one pool.
 *
 * @param poolId pool id
 * @param kind cross or isolated
 * @param collateralValueUsd haircut collateral value, USD
 * @param unrealizedPnlUsd sum of the positions' unrealized P&amp;L, USD
 * @param equityUsd collateral value + unrealized P&amp;L, USD
 * @param initialMarginUsd initial requirement, USD
 * @param maintenanceMarginUsd maintenance requirement, USD
 * @param freeCollateralUsd equity - initial requirement, USD (negative when short)
 * @param marginRatio maintenance / equity (0 when the maintenance is 0; +infinity when equity &lt;= 0 and MM &gt; 0)
 * @param status health
 * @param breakdown what made the requirement
 * @param liquidationPrice liquidation prices when one underlying dominates and the pool is not already liquidatable
 */
public record PoolMargin(String poolId, PoolKind kind, double collateralValueUsd, double unrealizedPnlUsd,
        double equityUsd, double initialMarginUsd, double maintenanceMarginUsd, double freeCollateralUsd,
        double marginRatio, HealthStatus status, MarginBreakdown breakdown,
        Optional<LiquidationPrice> liquidationPrice) {
}
