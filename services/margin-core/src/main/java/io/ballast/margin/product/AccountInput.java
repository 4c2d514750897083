package io.ballast.margin.product;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the engine needs to know about one account: what the service maps its rows to.
 *
 * @param accountId account identifier (opaque to the engine)
 * @param method standard or portfolio margin, applied to every pool of the account
 * @param pools at most one cross pool and any number of isolated pools; pool ids unique
 */
public record AccountInput(String accountId, MarginMethod method, List<MarginPool> pools) {

    /** Validates and copies the list. */
    public AccountInput {
        Checks.text("accountId", accountId);
        Checks.present("method", method);
        pools = List.copyOf(Checks.present("pools", pools));
        Set<String> ids = new HashSet<>();
        int cross = 0;
        for (MarginPool pool : pools) {
            if (!ids.add(pool.poolId())) {
                throw new MarginInputException("pools", "duplicate pool id " + pool.poolId());
            }
            if (pool.kind() == PoolKind.CROSS) {
                cross++;
            }
        }
        if (cross > 1) {
            throw new MarginInputException("pools", "at most one cross pool, found " + cross);
        }
    }

    /**
     * An account with a single cross pool.
     *
     * @param accountId account id
     * @param method margin method
     * @param positions positions
     * @param collateral collateral
     * @return the account
     */
    public static AccountInput cross(String accountId, MarginMethod method, List<Position> positions,
            List<CollateralBalance> collateral) {
        return new AccountInput(accountId, method, List.of(MarginPool.cross(positions, collateral)));
    }

    /**
     * The pool with an id.
     *
     * @param poolId pool id
     * @return the pool
     * @throws MarginInputException if there is none
     */
    public MarginPool pool(String poolId) {
        return pools.stream().filter(p -> p.poolId().equals(poolId)).findFirst()
                .orElseThrow(() -> new MarginInputException("poolId", "unknown pool " + poolId + " in " + accountId));
    }

    /**
     * The same account with one pool replaced (or added when its id is new).
     *
     * @param pool the new pool
     * @return a copy
     */
    public AccountInput withPool(MarginPool pool) {
        List<MarginPool> copy = new java.util.ArrayList<>(pools);
        copy.removeIf(p -> p.poolId().equals(pool.poolId()));
        copy.add(pool);
        return new AccountInput(accountId, method, copy);
    }
}
