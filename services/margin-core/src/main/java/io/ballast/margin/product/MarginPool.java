package io.ballast.margin.product;

import io.ballast.margin.Checks;
import io.ballast.margin.MarginInputException;
import java.util.List;

/**
 * A set of positions that share collateral and a requirement.
 *
 * @param poolId identifier within the account, for example {@code cross} or {@code iso-BTC-PERP}
 * @param kind cross or isolated
 * @param positions positions held, possibly empty
 * @param collateral collateral balances, possibly empty
 */
public record MarginPool(String poolId, PoolKind kind, List<Position> positions, List<CollateralBalance> collateral) {

    /** Validates and copies the lists. */
    public MarginPool {
        Checks.text("poolId", poolId);
        Checks.present("kind", kind);
        positions = List.copyOf(Checks.present("positions", positions));
        collateral = List.copyOf(Checks.present("collateral", collateral));
        if (kind == PoolKind.ISOLATED
                && positions.stream().map(p -> p.instrument().underlying()).distinct().count() > 1) {
            throw new MarginInputException("positions", "an isolated pool holds one underlying, pool " + poolId);
        }
    }

    /**
     * The cross pool, id {@code cross}.
     *
     * @param positions positions
     * @param collateral collateral
     * @return the pool
     */
    public static MarginPool cross(List<Position> positions, List<CollateralBalance> collateral) {
        return new MarginPool("cross", PoolKind.CROSS, positions, collateral);
    }

    /**
     * An isolated pool.
     *
     * @param poolId pool id
     * @param positions positions, all on one underlying
     * @param collateral collateral dedicated to them
     * @return the pool
     */
    public static MarginPool isolated(String poolId, List<Position> positions, List<CollateralBalance> collateral) {
        return new MarginPool(poolId, PoolKind.ISOLATED, positions, collateral);
    }

    /**
     * The same pool with other positions.
     *
     * @param newPositions positions
     * @return a copy
     */
    public MarginPool withPositions(List<Position> newPositions) {
        return new MarginPool(poolId, kind, newPositions, collateral);
    }

    /**
     * The same pool with other collateral.
     *
     * @param newCollateral collateral balances
     * @return a copy
     */
    public MarginPool withCollateral(List<CollateralBalance> newCollateral) {
        return new MarginPool(poolId, kind, positions, newCollateral);
    }
}
