package io.ballast.margin.product;

import io.ballast.margin.Checks;
import java.math.BigDecimal;

/**
 * A booked collateral balance. The balance is {@code BigDecimal} because it is money as booked by the ledger; the
 * engine converts it to {@code double} for analytics.
 *
 * <p>A negative balance (a debt) is valued at full price, without haircut; a positive one is haircut.
 *
 * @param asset asset symbol, for example {@code USDC} or {@code BTC}; its USD price comes from the market snapshot
 * @param balance amount in units of the asset
 */
public record CollateralBalance(String asset, BigDecimal balance) {

    /** Validates. */
    public CollateralBalance {
        Checks.text("asset", asset);
        Checks.present("balance", balance);
    }

    /**
     * Creates a balance.
     *
     * @param asset asset symbol
     * @param balance amount in units of the asset
     * @return the balance
     */
    public static CollateralBalance of(String asset, BigDecimal balance) {
        return new CollateralBalance(asset, balance);
    }

    /**
     * Creates a balance from a decimal string (exact).
     *
     * @param asset asset symbol
     * @param balance amount as a decimal string, for example {@code "10000.00"}
     * @return the balance
     */
    public static CollateralBalance of(String asset, String balance) {
        return new CollateralBalance(asset, new BigDecimal(Checks.text("balance", balance)));
    }
}
