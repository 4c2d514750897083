package io.ballast.margin.product;

import io.ballast.margin.Checks;
import java.math.BigDecimal;

/** A change to an account that a what-if applies to a copy of the account. */
public sealed interface HypotheticalChange permits HypotheticalChange.Trade, HypotheticalChange.Transfer {

    /**
     * The pool the change applies to.
     *
     * @return pool id
     */
    String poolId();

    /**
     * A trade: adds a position of {@code quantity} at {@code priceUsd} to the pool (netting happens in the margin
     * computation; the position is added as a separate line).
     *
     * @param poolId pool id (a new isolated pool is not created by a trade; the pool must exist)
     * @param instrument instrument traded
     * @param quantity signed quantity, units of underlying (positive buys)
     * @param priceUsd trade price per unit, USD, &gt;= 0
     */
    record Trade(String poolId, Instrument instrument, double quantity, double priceUsd) implements HypotheticalChange {
        /** Validates. */
        public Trade {
            Checks.text("poolId", poolId);
            Checks.present("instrument", instrument);
            Checks.finite("quantity", quantity);
            Checks.nonNegative("priceUsd", priceUsd);
        }
    }

    /**
     * A collateral transfer into (positive) or out of (negative) the pool.
     *
     * @param poolId pool id
     * @param asset collateral asset
     * @param amount signed amount, units of the asset
     */
    record Transfer(String poolId, String asset, BigDecimal amount) implements HypotheticalChange {
        /** Validates. */
        public Transfer {
            Checks.text("poolId", poolId);
            Checks.text("asset", asset);
            Checks.present("amount", amount);
        }
    }
}
