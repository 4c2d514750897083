package io.ballast.margin.measure;

/**
 * One position's part of a requirement.
 *
 * <p>Standard margin: the position's own IM and MM. Portfolio margin: its contribution to the loss in the worst
 * scenario of its underlying ({@code maintenanceUsd}, negative when the position offsets others) and that times the
 * IM multiplier ({@code initialUsd}); contingency charges are listed separately as {@link ChargeLine}s.
 *
 * @param instrumentId instrument id
 * @param underlying underlying symbol
 * @param quantity signed quantity, units of underlying
 * @param markPriceUsd mark price per unit, USD
 * @param unrealizedPnlUsd quantity * (mark - entry), USD
 * @param initialUsd initial-margin part, USD
 * @param maintenanceUsd maintenance-margin part, USD
 */
public record PositionLine(String instrumentId, String underlying, double quantity, double markPriceUsd,
        double unrealizedPnlUsd, double initialUsd, double maintenanceUsd) {
}
