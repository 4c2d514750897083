package io.ballast.margin.measure;

import io.ballast.margin.product.MarginMethod;
import java.util.List;

/**
 * Margin of an account: each pool, and totals over pools.
 *
 * @param accountId account id
 * @param method margin method used
 * @param pools per pool, in the account's order
 * @param equityUsd sum of the pools' equity, USD
 * @param initialMarginUsd sum of the pools' initial requirements, USD
 * @param maintenanceMarginUsd sum of the pools' maintenance requirements, USD
 * @param freeCollateralUsd free collateral of the cross pool (isolated surpluses are not shared), USD; when the
 *        account has no cross pool, 0
 * @param status the worst status of any pool
 */
public record MarginResult(String accountId, MarginMethod method, List<PoolMargin> pools, double equityUsd,
        double initialMarginUsd, double maintenanceMarginUsd, double freeCollateralUsd, HealthStatus status) {

    /** Copies the list. */
    public MarginResult {
        pools = List.copyOf(pools);
    }

    /**
     * A pool's result.
     *
     * @param poolId pool id
     * @return the pool's margin
     * @throws IllegalArgumentException if there is no such pool
     */
    public PoolMargin pool(String poolId) {
        return pools.stream().filter(p -> p.poolId().equals(poolId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pool " + poolId));
    }
}
