package io.ballast.risk.domain;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** An event waiting to be relayed to Kafka (table {@code outbox_event}), written in the change's transaction. */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent {
    /** Monotonic id; also the relay order. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** Kafka topic it is published to (see {@code messaging.Topics}). */
    public String topic;
    /** Tenant the event belongs to (also the Kafka key). */
    public UUID tenantId;
    /** e.g. {@code account}, {@code tenant}. */
    public String aggregateType;
    /** Id of the aggregate. */
    public String aggregateId;
    /** e.g. {@code CollateralDeposited}. */
    public String eventType;
    /** JSON payload. */
    public String payload;
    /** When written (UTC). */
    public OffsetDateTime createdAt;
    /** When relayed to Kafka (UTC), null until then. */
    public OffsetDateTime publishedAt;
}
