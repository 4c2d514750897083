package io.ballast.risk.messaging;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An outbox row as its writer committed it, kept in memory so that it can be published without reading it back
 * ({@link DirectPublisher}).
 *
 * @param id            the row's id (the envelope's {@code eventId})
 * @param tenantId      the tenant (the Kafka key)
 * @param topic         the topic
 * @param aggregateType e.g. {@code account}
 * @param aggregateId   id of the changed aggregate
 * @param eventType     e.g. {@code MARGIN_CALL}
 * @param createdAt     the row's {@code created_at}, as stored (microseconds)
 * @param payload       the JSON payload, as stored
 */
public record OutboxRow(long id, UUID tenantId, String topic, String aggregateType, String aggregateId,
        String eventType, OffsetDateTime createdAt, String payload) {

    /** The envelope the relay would publish for this row (docs/api.md, section 10). */
    String envelope() {
        return OutboxRelay.envelopeJson(id, tenantId.toString(), eventType, aggregateType, aggregateId,
                createdAt.toString(), payload);
    }
}
