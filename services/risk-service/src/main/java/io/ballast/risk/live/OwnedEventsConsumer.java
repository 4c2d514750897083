package io.ballast.risk.live;

import io.ballast.risk.messaging.OutboxRelay;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code ballast.events} in ONE consumer group shared by every instance: the partitions assigned here decide
 * which tenants this instance owns (see {@link Ownership}); each change event refreshes the owned tenant's hot book.
 * A message that is not an envelope is logged and skipped (the stream never stops on it).
 */
@ApplicationScoped
public class OwnedEventsConsumer {

    /** Incoming channel (topic {@code ballast.events}, group {@code ballast-risk-service-owners}). */
    public static final String CHANNEL = "ballast-owned-events";

    /** Incoming channel (topic {@code ballast.parameters}, a group per instance). */
    public static final String PARAMETERS_CHANNEL = "ballast-parameters";

    private static final Logger LOG = Logger.getLogger(OwnedEventsConsumer.class);

    private final LiveLoop live;

    /** Wires collaborators. */
    public OwnedEventsConsumer(LiveLoop live) {
        this.live = live;
    }

    /**
     * Applies one change event to the owner's book.
     *
     * @param record the Kafka record (key tenant id, value the outbox envelope)
     * @return completion
     */
    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        JsonObject envelope;
        try {
            envelope = new JsonObject(record.value());
            envelope.getLong("eventId");
            java.util.UUID.fromString(envelope.getString("tenantId"));
        } catch (RuntimeException e) {
            LOG.warnf("skipped a ballast.events record at offset %d: %s", record.offset(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return live.onEvent(envelope, xid(record)).onFailure().invoke(e -> LOG.warnf("applying event %s failed: %s",
                envelope.getLong("eventId"), e.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * @param record a {@code ballast.events} record
     * @return the id of the transaction that wrote its outbox row ({@link OutboxRelay#XID_HEADER}), or -1 when it
     *         does not say (a row written before it was recorded) or says nothing readable
     */
    static long xid(ConsumerRecord<String, String> record) {
        org.apache.kafka.common.header.Header h = record.headers().lastHeader(OutboxRelay.XID_HEADER);
        if (h == null || h.value() == null) {
            return -1;
        }
        try {
            return Long.parseLong(new String(h.value(), java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * A parameter version took effect ({@code ballast.parameters}, read by every instance in full): the owner of the
     * tenant rebuilds its book with the parameters now in force.
     *
     * @param record the Kafka record (key tenant id, value the outbox envelope)
     * @return completion
     */
    @Incoming(PARAMETERS_CHANNEL)
    public Uni<Void> parameters(ConsumerRecord<String, String> record) {
        java.util.UUID tenant;
        try {
            tenant = java.util.UUID.fromString(new JsonObject(record.value()).getString("tenantId"));
        } catch (RuntimeException e) {
            LOG.warnf("skipped a ballast.parameters record at offset %d: %s", record.offset(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return live.onParameters(tenant).onFailure().invoke(e -> LOG.warnf("reloading parameters of %s failed: %s",
                tenant, e.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Records the partitions of {@code ballast.events} assigned to this instance (nothing else: no database work in
     * a rebalance listener; the book manager builds and drops books).
     */
    @ApplicationScoped
    @Identifier("ballast-owners")
    public static class OwnershipListener implements KafkaConsumerRebalanceListener {

        private final Ownership ownership;
        private final Set<Integer> assigned = new HashSet<>();

        /** Wires the ownership. */
        public OwnershipListener(Ownership ownership) {
            this.ownership = ownership;
        }

        @Override
        public synchronized void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            partitions.forEach(p -> assigned.add(p.partition()));
            record(consumer, partitions);
        }

        @Override
        public synchronized void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            partitions.forEach(p -> assigned.remove(p.partition()));
            record(consumer, partitions);
        }

        @Override
        public synchronized void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            onPartitionsRevoked(consumer, partitions);
        }

        private void record(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
            String topic = partitions.isEmpty() ? io.ballast.risk.messaging.Topics.EVENTS
                    : partitions.iterator().next().topic();
            int count = consumer.partitionsFor(topic).size();
            ownership.assign(assigned, count);
            LOG.infof("owning partitions %s of %d of %s", assigned, count, topic);
        }
    }
}
