package io.ballast.margin.measure;

import java.math.BigDecimal;

/**
 * How one collateral balance was valued.
 *
 * @param asset asset symbol
 * @param balance booked balance, units of the asset
 * @param priceUsd index price of the asset, USD
 * @param haircut haircut applied, fraction (0 for a debt)
 * @param valueUsd balance * price * (1 - haircut), USD
 */
public record CollateralLine(String asset, BigDecimal balance, double priceUsd, double haircut, double valueUsd) {
}
