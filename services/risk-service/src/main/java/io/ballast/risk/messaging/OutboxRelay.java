package io.ballast.risk.messaging;

import io.ballast.risk.common.CallerContext;
import io.ballast.risk.common.Stopping;
import io.ballast.risk.config.BallastConfig;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Relays outbox rows to Kafka, each to the topic its row names (key = tenant id): one instance at a time (the holder
 * of the advisory lock {@link #RELAY_LOCK}) reads a batch of unpublished rows in id order, sends them (up to
 * {@value #IN_FLIGHT} awaiting acknowledgement, in id order, through an idempotent producer so that order holds per
 * partition), waits for every acknowledgement, then marks the batch published in a short transaction. A row that
 * can never be published is parked with its reason ({@code parked_at}, {@code parked_reason}, V60) and the rows
 * behind it go on.
 *
 * <p>Exactly one message per row, also across a crash: before sending a batch the relay records its ids in {@code
 * outbox_attempt} in the statement that reads them (committed at once), and deletes them with the mark. A row that may
 * have been sent by a pass that never committed its mark (it has an attempt row, from this or another instance; or it
 * existed when this instance started or when one of its passes failed) is first looked up on its topic by {@link
 * OutboxReconciler}; a row found there is marked published without being sent again. A row's age alone does not make
 * it suspect: a burst of margin events leaves rows waiting seconds behind each other, and reading the topic for each
 * of them would slow the relay exactly when it is behind (no pass sends a row without first committing its attempt
 * row, so an old row without one was never sent). Consumers still deduplicate on {@code eventId}, which costs nothing
 * and covers a producer retry inside the Kafka client.
 *
 * <p>Rows their writer publishes itself ({@link DirectPublisher}: an attempt row with {@code direct = true}, written
 * in the row's own transaction) are left to that writer while younger than {@code ballast.outbox.direct-grace}; after
 * that, or once the writer gives them back, they are suspect rows like any other.
 */
@ApplicationScoped
public class OutboxRelay {

    /** Outgoing channel name (configured as {@code mp.messaging.outgoing.ballast-events.*}). */
    public static final String CHANNEL = "ballast-events";

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final Pool pool;
    private final Stopping stopping;
    private final MutinyEmitter<String> emitter;
    /**
     * Key of the transaction-scoped PostgreSQL advisory lock the relaying instance holds during a pass ("outbox" in
     * ASCII): one active relay at a time across instances.
     */
    public static final long RELAY_LOCK = 0x6f7574626f78L;

    /**
     * Sends of one batch awaiting the broker's acknowledgement at once: a whole default batch, so that a pass costs
     * about one round of acknowledgements, not batch / in-flight rounds (at 64 a pass of 1,000 rows took 0.47 s and
     * the relay capped a burst of margin events near 2,100 rows/s; docs/benchmarks.md). Below the emitter's buffer
     * ({@link #EMITTER_BUFFER}) and the Kafka sink's {@code max-inflight-messages} (1,024).
     */
    static final int IN_FLIGHT = 1000;

    /** The emitter's buffer of messages not yet taken by the Kafka sink. */
    static final int EMITTER_BUFFER = 2048;

    private final int batchSize;
    /** {@code ballast.outbox.direct-grace}: how long a directly published row is left to its writer. */
    private final long directGraceMillis;
    private final OutboxReconciler reconciler;
    /** Rows up to this id may have been sent by an earlier pass that died; -1: read max(id) at the next pass. */
    private final AtomicLong suspectUpTo = new AtomicLong(-1);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean reconcilerIdle = true;
    /**
     * {@code ballast.outbox.pass{stage=read|send|mark}}: where a relay pass spends its time (read includes recording
     * the attempt rows, in the same statement).
     */
    private final Timer readTimer;
    private final Timer sendTimer;
    private final Timer markTimer;
    /**
     * {@code ballast.outbox.wait}: from a row's transaction to its acknowledgement by the broker (the relay's share
     * of a margin event's latency: waiting for a pass, the pass's read and attempt, the send).
     */
    private final Timer waitTimer;
    /** {@code ballast.outbox.relayed}: rows that left the queue (sent, found on their topic, or parked). */
    private final Counter relayed;

    /** Wires the SQL client and the Kafka emitter. */
    public OutboxRelay(Pool pool,
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = EMITTER_BUFFER)
            MutinyEmitter<String> emitter, BallastConfig config,
            OutboxReconciler reconciler, MeterRegistry metrics, Stopping stopping) {
        this.stopping = stopping;
        this.pool = pool;
        this.emitter = emitter;
        this.batchSize = config.outbox().batchSize();
        this.directGraceMillis = config.outbox().directGrace().toMillis();
        this.reconciler = reconciler;
        this.readTimer = stage(metrics, "read");
        this.sendTimer = stage(metrics, "send");
        this.markTimer = stage(metrics, "mark");
        this.waitTimer = Timer.builder("ballast.outbox.wait").description("from an outbox row's transaction to "
                + "its acknowledgement by the broker").publishPercentileHistogram().register(metrics);
        this.relayed = Counter.builder("ballast.outbox.relayed").description("outbox rows relayed").register(metrics);
    }

    private static Timer stage(MeterRegistry metrics, String stage) {
        return Timer.builder("ballast.outbox.pass").description("time of one relay pass's stage").tag("stage", stage)
                .register(metrics);
    }

    private static long since(Timer timer, long startNanos) {
        long now = System.nanoTime();
        timer.record(now - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        return now;
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
        if (stopping.now()) {
            return; // the rows stay in the outbox: the next start relays them
        }
        pending.set(true);
        if (running.compareAndSet(false, true)) {
            pass();
        }
    }

    private void pass() {
        pending.set(false);
        relayOnce().onFailure().invoke(e -> {
                    stopping.passFailedBriefly(LOG, "outbox relay pass failed", e);
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

    /**
     * Publishes one batch; returns how many rows left the queue (sent now, found already on their topic, or parked).
     * Only the instance holding the transaction-scoped advisory lock {@link #RELAY_LOCK} relays (on a connection
     * that holds nothing else: its transaction touches no row and takes no snapshot while the batch is out), so rows
     * leave in id order, and a tenant's events in commit order, however many instances run; the others skip the
     * pass. The rows are read, and marked afterwards, in short transactions of their own: no transaction that
     * touched a row stays open while the broker acknowledges.
     */
    public Uni<Integer> relayOnce() {
        return pool.getConnection().flatMap(holder -> holder.begin()
                .flatMap(tx -> holder.query("select pg_try_advisory_xact_lock(" + RELAY_LOCK + ") as locked")
                        .execute()
                        .flatMap(rows -> rows.iterator().next().getBoolean("locked") ? relayBatch()
                                : Uni.createFrom().item(0))
                        .eventually(() -> tx.rollback().onFailure().recoverWithNull()))
                .eventually(() -> holder.close().onFailure().recoverWithNull()));
    }

    private Uni<Integer> relayBatch() {
        long[] t = {System.nanoTime()};
        // platform work: the relay publishes every tenant's events (docs/security.md "Row-level security")
        // one statement reads the batch and records its attempt rows, committed BEFORE anything is sent (so they
        // survive this pass dying); "suspect" is computed on the statement's snapshot, without this pass's rows
        return suspectBound().flatMap(upTo -> RowSecurity.queryAcrossTenants(pool,
                        "with batch as (select id, topic, tenant_id, aggregate_type, aggregate_id, event_type, "
                                + "payload, created_at, xid::text as xid, (id <= $2 or exists (select 1 from "
                                + "outbox_attempt a where a.outbox_id = o.id)) as suspect from outbox_event o "
                                + "where published_at is null and parked_at is null and not exists (select 1 "
                                + "from outbox_attempt d where d.outbox_id = o.id and d.direct and d.attempted_at > "
                                + "now() - $3 * interval '1 millisecond') order by id limit $1), "
                                + "attempt as (insert into outbox_attempt (outbox_id) select id from batch "
                                + "on conflict do nothing) "
                                + "select * from batch order by id",
                        Tuple.of(batchSize, upTo, directGraceMillis)))
                .flatMap(rows -> {
                    List<Row> batch = new ArrayList<>();
                    rows.forEach(batch::add);
                    if (batch.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    t[0] = since(readTimer, t[0]);
                    Long[] ids = batch.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
                    return alreadyOnTopic(batch)
                            .flatMap(found -> Multi.createFrom().iterable(batch)
                                    .filter(r -> !found.contains(r.getLong("id")))
                                    // sent without waiting for each acknowledgement: the sends are issued in id
                                    // order and the idempotent producer keeps that order per partition, so a
                                    // tenant's events stay in order while a batch costs one round of acks
                                    .onItem().transformToUni(this::sendOrPark).merge(IN_FLIGHT)
                                    .filter(Optional::isPresent).map(Optional::get)
                                    .collect().asList()
                                    .invoke(parked -> {
                                        if (!found.isEmpty()) {
                                            LOG.infof("outbox: %d row(s) were already on their topic (sent before a "
                                                    + "restart or failed pass) and were not sent again", found.size());
                                        }
                                    }))
                            .invoke(parked -> {
                                t[0] = since(sendTimer, t[0]);
                                long sentAtMillis = System.currentTimeMillis();
                                batch.forEach(r -> waitTimer.record(sentAtMillis - r.getOffsetDateTime("created_at")
                                        .toInstant().toEpochMilli(), java.util.concurrent.TimeUnit.MILLISECONDS));
                            })
                            .flatMap(parked -> RowSecurity.acrossTenants(pool, conn -> park(conn, parked)
                                    .flatMap(x -> conn.preparedQuery("update outbox_event set published_at = now() "
                                            + "where id = any($1) and parked_at is null").execute(Tuple.of(ids)))
                                    .flatMap(x -> conn.preparedQuery(
                                            "delete from outbox_attempt where outbox_id = any($1)")
                                            .execute(Tuple.of(ids)))))
                            .map(x -> {
                                since(markTimer, t[0]);
                                relayed.increment(batch.size());
                                return batch.size();
                            });
                });
    }

    /** A row set aside: its id and why it cannot be published. */
    private record Parked(long id, String reason) {
    }

    private Uni<Void> park(io.vertx.mutiny.sqlclient.SqlConnection conn, List<Parked> parked) {
        if (parked.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        parked.forEach(p -> LOG.errorf("outbox: row %d cannot be published and is parked: %s", p.id(), p.reason()));
        return conn.preparedQuery("update outbox_event o set parked_at = now(), parked_reason = p.reason "
                        + "from unnest($1::bigint[], $2::text[]) as p(id, reason) where o.id = p.id")
                .execute(Tuple.of(parked.stream().map(Parked::id).toArray(Long[]::new),
                        parked.stream().map(Parked::reason).toArray(String[]::new)))
                .replaceWithVoid();
    }

    /**
     * Sends a row; a row that can never be published (its payload is not JSON, the broker refuses its size or topic)
     * comes back as parked with the reason instead of failing the batch. Any other failure (the broker is away)
     * fails the pass, which is retried.
     */
    private Uni<Optional<Parked>> sendOrPark(Row row) {
        long id = row.getLong("id");
        return Uni.createFrom().item(() -> envelope(row)).flatMap(emitter::sendMessage)
                .map(x -> Optional.<Parked>empty())
                .onFailure(OutboxRelay::unpublishable).recoverWithItem(e -> Optional.of(new Parked(id,
                        e.getClass().getSimpleName() + ": " + abbreviate(String.valueOf(e.getMessage())))));
    }

    private static boolean unpublishable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DecodeException
                    || t instanceof org.apache.kafka.common.errors.RecordTooLargeException
                    || t instanceof org.apache.kafka.common.errors.InvalidTopicException
                    || t instanceof org.apache.kafka.common.errors.SerializationException) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    private Uni<Long> suspectBound() {
        long known = suspectUpTo.get();
        if (known >= 0) {
            return Uni.createFrom().item(known);
        }
        return RowSecurity.queryAcrossTenants(pool, "select coalesce(max(id), 0) as id from outbox_event",
                        Tuple.tuple())
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
        Executor back = CallerContext.executor(Infrastructure.getDefaultExecutor());
        return Uni.createFrom().item(() -> reconciler.onTopic(suspects))
                .runSubscriptionOn(reconciler.executor())
                .emitOn(back);
    }

    private static Message<String> envelope(Row row) {
        String tenant = row.getUUID("tenant_id").toString();
        String envelope = envelopeJson(row.getLong("id"), tenant, row.getString("event_type"),
                row.getString("aggregate_type"), row.getString("aggregate_id"),
                row.getOffsetDateTime("created_at").toString(), row.getString("payload"));
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata = OutgoingKafkaRecordMetadata
                .<String>builder().withKey(tenant).withTopic(row.getString("topic"));
        String xid = row.getString("xid");
        if (xid != null) {
            metadata.addHeaders(new RecordHeader(XID_HEADER, xid.getBytes(StandardCharsets.US_ASCII)));
        }
        return Message.of(envelope).addMetadata(metadata.build());
    }

    /**
     * The Kafka header that carries the writing transaction's id ({@code outbox_event.xid}, as decimal text; absent
     * for rows written before it was recorded): a hot book skips a change event its rows' snapshot saw
     * ({@link io.ballast.risk.live.ReadSnapshot}).
     */
    public static final String XID_HEADER = "ballast-xid";

    /**
     * The envelope of one outbox row (docs/api.md, section 10). The payload goes in as stored (JSON text written by
     * our own serialisation), only checked to be one JSON object: parsing it into a tree and encoding it again was
     * most of the relay's CPU for large events such as a liquidation plan.
     *
     * @throws DecodeException when the payload is not one JSON object
     */
    static String envelopeJson(long eventId, String tenant, String type, String aggregateType, String aggregateId,
            String occurredAt, String payload) {
        requireJsonObject(payload);
        return new StringBuilder(payload.length() + 256)
                .append("{\"eventId\":").append(eventId)
                .append(",\"tenantId\":").append(Json.encode(tenant))
                .append(",\"type\":").append(Json.encode(type))
                .append(",\"aggregateType\":").append(Json.encode(aggregateType))
                .append(",\"aggregateId\":").append(Json.encode(aggregateId))
                .append(",\"occurredAt\":").append(Json.encode(occurredAt))
                .append(",\"payload\":").append(payload).append('}').toString();
    }

    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

    /**
     * Checks that a payload is exactly one JSON object (tokens only, no tree).
     *
     * @throws DecodeException when it is not (the row is then parked with that reason)
     */
    static void requireJsonObject(String payload) {
        if (payload == null) {
            throw new DecodeException("payload is missing");
        }
        try (com.fasterxml.jackson.core.JsonParser p = JSON.createParser(payload)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new DecodeException("payload is not a JSON object");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new DecodeException("payload has content after its JSON object");
            }
        } catch (java.io.IOException e) {
            throw new DecodeException("payload is not JSON: " + e.getMessage(), e);
        }
    }
}
