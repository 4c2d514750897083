package io.ballast.margin.measure;

/**
 * One contingency charge (part of the maintenance requirement; times the multiplier in the initial).
 *
 * @param kind kind of charge
 * @param subject instrument id (short option) or underlying symbol (linear)
 * @param netQuantity the net quantity charged, units of underlying
 * @param amountUsd charge in USD
 */
public record ChargeLine(ChargeKind kind, String subject, double netQuantity, double amountUsd) {
}
