package io.ballast.risk.messaging;

import io.ballast.risk.config.BallastConfig;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Relays outbox rows to Kafka, each to the topic its row names (key = tenant id): every poll locks a batch of unpublished rows ({@code for update skip locked}, so
 * several instances can run), sends them (up to {@value #IN_FLIGHT} awaiting acknowledgement, in id order, through an
 * idempotent producer so that order holds per partition), waits for every acknowledgement, then marks the batch
 * published in the same transaction.
 *
 * <p>Exactly one message per row, also across a crash: before sending a batch the relay records its ids in
 * {@code outbox_attempt} on another connection (committed at once), and deletes them with the mark. A row that may
 * have been sent by a pass that never committed its mark (it has an attempt row, from this or another instance; or
 * it existed when this instance started or when one of its passes failed; or it is older than
 * {@code ballast.outbox.suspect-after}) is first looked up on its topic by {@link OutboxReconciler}; a row found there
 * is marked published without being sent again. Consumers still deduplicate on {@code eventId}, which costs
 * nothing and covers a producer retry inside the Kafka client.
 */
@ApplicationScoped
public class OutboxRelay {

    /** Outgoing channel name (configured as {@code mp.messaging.outgoing.ballast-events.*}). */
    public static final String CHANNEL = "ballast-events";

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    /** Sends of one batch awaiting the broker's acknowledgement at once (below the emitter's buffer of 128). */
    static final int IN_FLIGHT = 64;

    private final int batchSize;
    private final OutboxReconciler reconciler;
    private final double suspectAfterSeconds;
    /** Rows up to this id may have been sent by an earlier pass that died; -1: read max(id) at the next pass. */
    private final AtomicLong suspectUpTo = new AtomicLong(-1);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean reconcilerIdle = true;

    /** Wires the SQL client and the Kafka emitter. */
    public OutboxRelay(Pool pool, @Channel(CHANNEL) MutinyEmitter<String> emitter, BallastConfig config,
            OutboxReconciler reconciler) {
        this.pool = pool;
        this.emitter = emitter;
        this.batchSize = config.outbox().batchSize();
        this.reconciler = reconciler;
        this.suspectAfterSeconds = config.outbox().suspectAfter().toMillis() / 1000.0;
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
        relayOnce().onFailure().invoke(e -> {
                    LOG.warnf("outbox relay pass failed: %s", e.getMessage());
                    suspectUpTo.set(-1);
                })
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

    /** Publishes one batch; returns how many rows were published (sent now, or found already on their topic). */
    public Uni<Integer> relayOnce() {
        // platform work: the relay publishes every tenant's events (docs/security.md "Row-level security")
        return suspectBound().flatMap(upTo -> RowSecurity.acrossTenants(pool, conn -> conn.preparedQuery(
                        "select id, topic, tenant_id, aggregate_type, aggregate_id, event_type, payload, created_at, "
                                + "(id <= $2 or created_at < now() - make_interval(secs => $3) or exists (select 1 "
                                + "from outbox_attempt a where a.outbox_id = outbox_event.id)) as suspect "
                                + "from outbox_event where published_at is null order by id limit $1 "
                                + "for update skip locked")
                .execute(Tuple.of(batchSize, upTo, suspectAfterSeconds))
                .flatMap(rows -> {
                    List<Row> batch = new ArrayList<>();
                    rows.forEach(batch::add);
                    if (batch.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    Long[] ids = batch.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
                    // committed on another connection BEFORE anything is sent: survives this pass dying
                    return pool.preparedQuery("insert into outbox_attempt (outbox_id) select unnest($1::bigint[]) "
                                    + "on conflict do nothing").execute(Tuple.of(ids))
                            .flatMap(marked -> alreadyOnTopic(batch))
                            .flatMap(found -> Multi.createFrom().iterable(batch)
                                    .filter(r -> !found.contains(r.getLong("id")))
                                    // sent without waiting for each acknowledgement: the sends are issued in id
                                    // order and the idempotent producer keeps that order per partition, so a
                                    // tenant's events stay in order while a batch costs one round of acks
                                    .onItem().transformToUni(this::send).merge(IN_FLIGHT)
                                    .collect().last()
                                    .invoke(x -> {
                                        if (!found.isEmpty()) {
                                            LOG.infof("outbox: %d row(s) were already on their topic (sent before a "
                                                    + "restart or failed pass) and were not sent again", found.size());
                                        }
                                    }))
                            .flatMap(x -> conn.preparedQuery(
                                            "update outbox_event set published_at = now() where id = any($1)")
                                    .execute(Tuple.of(ids)))
                            .flatMap(x -> conn.preparedQuery("delete from outbox_attempt where outbox_id = any($1)")
                                    .execute(Tuple.of(ids)))
                            .map(x -> batch.size());
                })));
    }

    private Uni<Long> suspectBound() {
        long known = suspectUpTo.get();
        if (known >= 0) {
            return Uni.createFrom().item(known);
        }
        return RowSecurity.acrossTenants(pool,
                        conn -> conn.query("select coalesce(max(id), 0) as id from outbox_event").execute())
                .map(rows -> rows.iterator().next().getLong("id"))
                .invoke(id -> suspectUpTo.compareAndSet(-1, id));
    }

    private Uni<Set<Long>> alreadyOnTopic(List<Row> batch) {
        List<OutboxReconciler.Suspect> suspects = batch.stream().filter(r -> r.getBoolean("suspect"))
                .map(r -> new OutboxReconciler.Suspect(r.getLong("id"), r.getString("topic"),
                        r.getOffsetDateTime("created_at")))
                .toList();
        if (suspects.isEmpty()) {
            if (!reconcilerIdle) {
                reconcilerIdle = true;
                reconciler.forget();
            }
            return Uni.createFrom().item(Set.of());
        }
        reconcilerIdle = false;
        Context context = Vertx.currentContext();
        Executor back = context == null ? Infrastructure.getDefaultExecutor()
                : command -> context.runOnContext(v -> command.run());
        return Uni.createFrom().item(() -> reconciler.onTopic(suspects))
                .runSubscriptionOn(reconciler.executor())
                .emitOn(back);
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
