package io.ballast.console.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.TemplateData;

/**
 * One margin event of {@code ballast.margin-events} (design-price-path.md; envelope
 * {@code {eventId, tenantId, type, aggregateType, aggregateId, occurredAt, payload}}), as the dashboard shows it.
 *
 * @param eventId               outbox id, unique (the stream deduplicates on it)
 * @param tenantId              tenant the event belongs to (also the Kafka key)
 * @param occurredAt            ISO-8601 time of the state change
 * @param accountId             the account
 * @param type                  MARGIN_CALL, LIQUIDATABLE, RECOVERED or EARLY_WARNING
 * @param previousStatus        status before (HEALTHY, MARGIN_CALL, LIQUIDATABLE), may be null
 * @param status                status after
 * @param equityUsd             equity in USD, may be null
 * @param initialMarginUsd      initial margin requirement in USD, may be null
 * @param maintenanceMarginUsd  maintenance margin requirement in USD, may be null
 * @param oracleHealth          oracle health summary as sent (e.g. HEALTHY, or a per-underlying object as text)
 * @param held                  true when a liquidation alert is held because an oracle is unhealthy
 * @param hasLiquidationPlan    true when the event carries a liquidation plan
 */
@TemplateData
public record MarginEvent(String eventId, String tenantId, String occurredAt, String accountId, String type,
        String previousStatus, String status, Double equityUsd, Double initialMarginUsd,
        Double maintenanceMarginUsd, String oracleHealth, boolean held, boolean hasLiquidationPlan) {

    /**
     * Reads an envelope.
     *
     * @param key      the Kafka key (tenant id), used when the envelope lacks {@code tenantId}
     * @param envelope the parsed message value
     * @return the event
     * @throws IllegalArgumentException when it lacks an event id, a tenant or an account id
     */
    public static MarginEvent of(String key, JsonNode envelope) {
        JsonNode payload = envelope.path("payload");
        String eventId = text(envelope, "eventId");
        String tenantId = text(envelope, "tenantId") != null ? text(envelope, "tenantId") : key;
        String accountId = text(payload, "accountId") != null ? text(payload, "accountId")
                : text(envelope, "aggregateId");
        if (eventId == null || tenantId == null || accountId == null) {
            throw new IllegalArgumentException("a margin event needs eventId, tenantId and accountId");
        }
        JsonNode oracle = payload.get("oracleHealth");
        return new MarginEvent(eventId, tenantId, text(envelope, "occurredAt"), accountId,
                text(payload, "type") != null ? text(payload, "type") : text(envelope, "type"),
                text(payload, "previousStatus"), text(payload, "status"), number(payload, "equityUsd"),
                number(payload, "initialMarginUsd"), number(payload, "maintenanceMarginUsd"),
                oracle == null || oracle.isNull() ? null : oracle.isTextual() ? oracle.asText() : oracle.toString(),
                payload.path("held").asBoolean(false),
                payload.hasNonNull("liquidationPlan") && !payload.get("liquidationPlan").isEmpty());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    private static Double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            return Double.valueOf(value.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
