package io.ballast.risk.live;

import io.ballast.risk.tenancy.rls.RowSecurity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/** Gauge {@code ballast.outbox.backlog}: outbox rows not yet published, counted every 10 seconds. */
@ApplicationScoped
public class OutboxBacklog {

    private final Pool pool;
    private final AtomicLong backlog = new AtomicLong();

    /** Wires the SQL client and registers the gauge. */
    public OutboxBacklog(Pool pool, MeterRegistry metrics) {
        this.pool = pool;
        Gauge.builder("ballast.outbox.backlog", backlog, AtomicLong::get)
                .description("Outbox rows not yet published to Kafka").register(metrics);
    }

    /** Counts the unpublished rows (partial index {@code outbox_event_unpublished}). */
    @Scheduled(every = "10s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> count() {
        // platform work: the backlog of every tenant (docs/security.md "Row-level security")
        return RowSecurity.queryAcrossTenants(pool, "select count(*) from outbox_event where published_at is null "
                        + "and parked_at is null", Tuple.tuple())
                .invoke(rows -> backlog.set(rows.iterator().next().getLong(0)))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
