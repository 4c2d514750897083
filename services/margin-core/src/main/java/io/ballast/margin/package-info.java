/**
 * Ballast margin engine core: a plain-Java library (no framework) that values derivatives positions and computes
 * standard and portfolio (risk-array) margin.
 *
 * <p>Sub-packages, in the spirit of OpenGamma Strata: {@code product} (what is held), {@code market} (market
 * snapshot), {@code param} (risk parameters), {@code pricer} (how it is valued), {@code measure} (what is reported) and
 * {@code engine} (single-account façade and the bulk, incremental portfolio engine).
 *
 * <p>Conventions: prices and amounts are in USD as {@code double} (analytics); booked collateral balances are
 * {@code BigDecimal}. Fractions are plain fractions (0.02 means 2 %) unless a name says percent. Time is measured in
 * years of 365 days ({@code yearFraction}); volatility is annualised ({@code annualVol}).
 */
package io.ballast.margin;
