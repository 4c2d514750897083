package io.ballast.risk.messaging;

import io.ballast.risk.config.BallastConfig;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.ballast.risk.tenancy.rls.RowSecurity.Statement;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows from their writer's memory right after the transaction that stored them, instead of leaving
 * them to the relay's next pass (which reads them back): the live loop's margin events leave within a broker round
 * trip of their commit.
 *
 * <p>Exactly one record per row still holds. The writer's transaction also stores an attempt row per outbox row with
 * {@code direct = true} (V81), so {@link OutboxRelay} leaves the row alone while it is younger than {@code
 * ballast.outbox.direct-grace}, longer than a send on this channel can take (its {@code delivery.timeout.ms}). After
 * the broker's acknowledgement the rows are marked published and their attempt rows deleted, in batched short
 * transactions. When a send fails, its rows are given back (their attempt rows no longer direct): the relay's next
 * pass looks them up on their topic ({@link OutboxReconciler}) and sends those it does not find. When this instance
 * dies between the acknowledgement and the mark, the relay does the same once the grace has passed.
 *
 * <p>Order: a caller publishes a tenant's rows in commit order (the live loop stores a tenant's transitions one
 * transaction at a time), they go out through one idempotent producer in that order, and a tenant goes back to the
 * direct path only when none of its rows waits for the relay ({@code MarginStateService}).
 */
@ApplicationScoped
public class DirectPublisher {

    /** Outgoing channel name (configured as {@code mp.messaging.outgoing.ballast-direct.*}). */
    public static final String CHANNEL = "ballast-direct";

    private static final Logger LOG = Logger.getLogger(DirectPublisher.class);
    /** Rows marked published per statement at most. */
    private static final int MARK_BATCH = 5_000;

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final OutboxRelay relay;
    private final boolean enabled;
    private final ConcurrentLinkedQueue<OutboxRow> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean marking = new AtomicBoolean();
    /** {@code ballast.outbox.direct.wait}: from a row's transaction to the broker's acknowledgement. */
    private final Timer waitTimer;
    private final Counter sent;
    private final Counter givenBack;

    /** Wires the SQL client, the channel, the relay (for rows given back) and the settings. */
    public DirectPublisher(Pool pool,
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = OutboxRelay.EMITTER_BUFFER)
            MutinyEmitter<String> emitter, OutboxRelay relay, BallastConfig config, MeterRegistry metrics) {
        this.pool = pool;
        this.emitter = emitter;
        this.relay = relay;
        this.enabled = config.outbox().direct();
        this.waitTimer = Timer.builder("ballast.outbox.direct.wait").description("from a directly published outbox "
                + "row's transaction to its acknowledgement by the broker").publishPercentileHistogram()
                .register(metrics);
        this.sent = outcome(metrics, "acknowledged");
        this.givenBack = outcome(metrics, "given-back");
    }

    private static Counter outcome(MeterRegistry metrics, String outcome) {
        return Counter.builder("ballast.outbox.direct").description("outbox rows published directly, by outcome")
                .tag("outcome", outcome).register(metrics);
    }

    /** Whether writers should store rows for the direct path ({@code ballast.outbox.direct}). */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Sends committed rows now, in the order given, and marks them published once acknowledged. Returns at once
     * (the sends are queued in order before it returns); {@code onFailure} runs when any of them could not be sent
     * (those rows are then the relay's).
     *
     * @param rows      rows whose transaction committed with direct attempt rows, in id order
     * @param onFailure told when a send failed (the caller stops publishing directly until the relay caught up)
     */
    public void publish(List<OutboxRow> rows, Runnable onFailure) {
        if (rows.isEmpty()) {
            return;
        }
        AtomicInteger open = new AtomicInteger(rows.size());
        List<OutboxRow> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        for (OutboxRow row : rows) {
            Uni<Void> send;
            try {
                send = emitter.sendMessage(Message.of(row.envelope()).addMetadata(OutgoingKafkaRecordMetadata
                        .<String>builder().withKey(row.tenantId().toString()).withTopic(row.topic()).build()));
            } catch (RuntimeException e) { // not JSON (the relay parks it), or the emitter refused the message
                send = Uni.createFrom().failure(e);
            }
            send.subscribe().with(x -> {
                long now = System.currentTimeMillis();
                waitTimer.record(now - row.createdAt().toInstant().toEpochMilli(), TimeUnit.MILLISECONDS);
                acknowledged.add(row);
                if (open.decrementAndGet() == 0) {
                    done(failed, onFailure);
                }
            }, e -> {
                LOG.warnf("direct publication of outbox row %d failed (given back to the relay): %s", row.id(),
                        e.getMessage());
                failed.add(row);
                if (open.decrementAndGet() == 0) {
                    done(failed, onFailure);
                }
            });
        }
    }

    private void done(List<OutboxRow> failed, Runnable onFailure) {
        mark();
        if (failed.isEmpty()) {
            return;
        }
        onFailure.run();
        Long[] ids = failed.stream().map(OutboxRow::id).toArray(Long[]::new);
        givenBack.increment(ids.length);
        RowSecurity.queryAcrossTenants(pool, "update outbox_attempt set direct = false where outbox_id = any($1)",
                        Tuple.of(ids))
                .subscribe().with(x -> relay.trigger(), e -> LOG.warnf("giving %d outbox row(s) back to the relay "
                        + "failed; it takes them after the grace: %s", ids.length, e.getMessage()));
    }

    /** Marks acknowledged rows published, one batch after another, never two statements at once. */
    private void mark() {
        if (acknowledged.isEmpty() || !marking.compareAndSet(false, true)) {
            return;
        }
        List<Long> batch = new ArrayList<>();
        for (OutboxRow r; batch.size() < MARK_BATCH && (r = acknowledged.poll()) != null; ) {
            batch.add(r.id());
        }
        Long[] ids = batch.toArray(Long[]::new);
        // platform work: rows of every tenant this instance owns (docs/security.md "Row-level security")
        // one round trip (docs/benchmarks.md, session 29)
        RowSecurity.statementsAcrossTenants(pool, List.of(
                        Statement.of("update outbox_event set published_at = now() where id = any($1) "
                                + "and published_at is null", Tuple.of(ids)),
                        Statement.of("delete from outbox_attempt where outbox_id = any($1)", Tuple.of(ids))))
                .subscribe().with(x -> {
                    sent.increment(ids.length);
                    marking.set(false);
                    mark();
                }, e -> {
                    // the rows are on their topic: the relay finds them there once the grace has passed
                    LOG.warnf("marking %d directly published outbox row(s) failed; the relay reconciles them after "
                            + "the grace: %s", ids.length, e.getMessage());
                    marking.set(false);
                    mark();
                });
    }
}
