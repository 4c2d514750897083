package io.ballast.margin.measure;

/**
 * One charge. Portfolio margin: a contingency charge (part of the maintenance requirement; times the multiplier in
 * the initial). Standard margin: a size add-on ({@link ChargeKind#SIZE_ADD_ON}, part of the position's initial margin
 * already, shown separately).
 *
 * @param kind kind of charge
 * @param subject instrument id (short option, size add-on) or underlying symbol (linear contingency)
 * @param netQuantity the net quantity charged, units of underlying
 * @param amountUsd charge in USD
 */
public record ChargeLine(ChargeKind kind, String subject, double netQuantity, double amountUsd) {
}
