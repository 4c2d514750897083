package io.ballast.risk.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.risk.domain.OutboxEvent;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.live.ConsistencyToken;
import io.ballast.risk.repository.OutboxRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Records a domain event in the outbox table. Must be called inside the transaction of the change it describes:
 * the event exists if and only if the change committed. {@link OutboxRelay} publishes it later.
 */
@ApplicationScoped
public class OutboxWriter {

    private final OutboxRepository repository;
    private final ObjectMapper mapper;

    /** Wires the repository and the JSON mapper. */
    public OutboxWriter(OutboxRepository repository, ObjectMapper mapper) {
        this.repository = repository;
        this.mapper = mapper;
    }

    /**
     * Adds an event row.
     *
     * @param tenant        tenant the event belongs to (the Kafka key)
     * @param aggregateType e.g. {@code account}
     * @param aggregateId   id of the changed aggregate
     * @param eventType     e.g. {@code CollateralDeposited}
     * @param payload       any JSON-serialisable value
     */
    public Uni<Void> record(TenantId tenant, String aggregateType, Object aggregateId, String eventType,
            Object payload) {
        return record(tenant, Topics.EVENTS, aggregateType, aggregateId, eventType, payload);
    }

    /**
     * Adds an event row for a given topic.
     *
     * @param tenant        tenant the event belongs to (the Kafka key)
     * @param topic         Kafka topic, one of {@link Topics}
     * @param aggregateType e.g. {@code proposal}
     * @param aggregateId   id of the changed aggregate
     * @param eventType     e.g. {@code ProposalApproved}
     * @param payload       any JSON-serialisable value
     */
    public Uni<Void> record(TenantId tenant, String topic, String aggregateType, Object aggregateId,
            String eventType, Object payload) {
        OutboxEvent event = new OutboxEvent();
        event.topic = topic;
        event.tenantId = tenant.value();
        event.aggregateType = aggregateType;
        event.aggregateId = String.valueOf(aggregateId);
        event.eventType = eventType;
        try {
            event.payload = mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("event payload not serialisable", e));
        }
        event.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        // the request's answer names the row (ConsistencyToken): an identity, known once inserted
        return repository.persist(event).invoke(e -> {
            if (e.id != null) {
                ConsistencyToken.wrote(topic, e.id);
            }
        }).replaceWithVoid();
    }
}
