package io.ballast.risk.messaging;

import io.ballast.risk.config.BallastConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Relays outbox rows to Kafka, each to the topic its row names (key = tenant id): every poll locks a batch of unpublished rows ({@code for update skip locked}, so
 * several instances can run), sends each one and waits for the broker's acknowledgement, then marks the batch
 * published in the same transaction. Delivery is at-least-once; consumers deduplicate on {@code eventId}.
 */
@ApplicationScoped
public class OutboxRelay {

    /** Outgoing channel name (configured as {@code mp.messaging.outgoing.ballast-events.*}). */
    public static final String CHANNEL = "ballast-events";

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();

    /** Wires the SQL client and the Kafka emitter. */
    public OutboxRelay(Pool pool, @Channel(CHANNEL) MutinyEmitter<String> emitter, BallastConfig config) {
        this.pool = pool;
        this.emitter = emitter;
        this.batchSize = config.outbox().batchSize();
    }

    /** One relay pass; scheduled every second once messaging is up, never overlapping itself. */
    @Scheduled(every = "${ballast.outbox.interval:1s}", delayed = "${ballast.outbox.start-delay:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> relay() {
        trigger();
        return Uni.createFrom().voidItem();
    }

    /**
     * Relays now instead of at the next poll (called after a commit that wrote outbox rows, so that a margin event
     * leaves within milliseconds). Passes never overlap in this instance, so rows leave in id order: a trigger during
     * a pass makes one more pass after it; a full batch makes another pass at once.
     */
    public void trigger() {
        pending.set(true);
        if (running.compareAndSet(false, true)) {
            pass();
        }
    }

    private void pass() {
        pending.set(false);
        relayOnce().onFailure().invoke(e -> LOG.warnf("outbox relay pass failed: %s", e.getMessage()))
                .onFailure().recoverWithItem(0)
                .subscribe().with(n -> {
                    running.set(false);
                    if (n >= batchSize) {
                        pending.set(true);
                    }
                    if (pending.get()) {
                        trigger();
                    }
                });
    }

    /** Publishes one batch; returns how many rows were published. */
    public Uni<Integer> relayOnce() {
        return pool.withTransaction(conn -> conn.preparedQuery(
                        "select id, topic, tenant_id, aggregate_type, aggregate_id, event_type, payload, created_at "
                                + "from outbox_event where published_at is null order by id limit $1 "
                                + "for update skip locked")
                .execute(Tuple.of(batchSize))
                .flatMap(rows -> {
                    List<Row> batch = new ArrayList<>();
                    rows.forEach(batch::add);
                    if (batch.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    Long[] ids = batch.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
                    return Multi.createFrom().iterable(batch)
                            .onItem().transformToUniAndConcatenate(this::send)
                            .collect().last()
                            .flatMap(x -> conn.preparedQuery(
                                            "update outbox_event set published_at = now() where id = any($1)")
                                    .execute(Tuple.of(ids)))
                            .map(x -> batch.size());
                }));
    }

    private Uni<Void> send(Row row) {
        String tenant = row.getUUID("tenant_id").toString();
        JsonObject envelope = new JsonObject()
                .put("eventId", row.getLong("id"))
                .put("tenantId", tenant)
                .put("type", row.getString("event_type"))
                .put("aggregateType", row.getString("aggregate_type"))
                .put("aggregateId", row.getString("aggregate_id"))
                .put("occurredAt", row.getOffsetDateTime("created_at").toString())
                .put("payload", new JsonObject(row.getString("payload")));
        Message<String> message = Message.of(envelope.encode())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(tenant)
                        .withTopic(row.getString("topic")).build());
        return emitter.sendMessage(message);
    }
}
