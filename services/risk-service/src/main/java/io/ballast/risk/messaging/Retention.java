package io.ballast.risk.messaging;

import io.ballast.risk.common.Stopping;
import io.ballast.risk.config.BallastConfig;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jboss.logging.Logger;

/**
 * Keeps the tables that only grow bounded: deletes outbox rows published longer ago than
 * {@code ballast.retention.published-outbox} and idempotency records older than
 * {@code ballast.retention.idempotency-records}, in batches of {@code ballast.retention.batch-size} rows per
 * statement (each its own short transaction), every {@code ballast.retention.interval} (default 10 minutes).
 * Unpublished outbox rows are never touched. Platform work across every tenant ({@link RowSecurity#acrossTenants}).
 */
@ApplicationScoped
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class);

    private final Pool pool;
    private final BallastConfig.Retention config;
    private final Stopping stopping;

    /** Wires the SQL client and the retention settings. */
    public Retention(Pool pool, BallastConfig config, Stopping stopping) {
        this.stopping = stopping;
        this.pool = pool;
        this.config = config.retention();
    }

    /**
     * What one pass removed.
     *
     * @param outboxRows         published outbox rows deleted
     * @param idempotencyRecords idempotency records deleted
     */
    public record Removed(long outboxRows, long idempotencyRecords) {
    }

    /** One scheduled pass; never overlapping itself. */
    @Scheduled(every = "${ballast.retention.interval:10m}", delayed = "${ballast.retention.start-delay:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> scheduled() {
        return removeExpired(OffsetDateTime.now(ZoneOffset.UTC))
                .invoke(r -> {
                    if (r.outboxRows() + r.idempotencyRecords() > 0) {
                        LOG.infof("retention removed %d published outbox rows and %d idempotency records",
                                r.outboxRows(), r.idempotencyRecords());
                    }
                })
                .onFailure().invoke(e -> stopping.passFailed(LOG, "retention pass failed; the next pass retries", e))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /**
     * Deletes everything past its retention as of {@code now}, batch after batch until nothing is left.
     *
     * @param now the reference time (UTC)
     * @return how many rows were deleted
     */
    public Uni<Removed> removeExpired(OffsetDateTime now) {
        OffsetDateTime outboxBefore = now.minus(config.publishedOutbox());
        OffsetDateTime idempotencyBefore = now.minus(config.idempotencyRecords());
        return drain("delete from outbox_event where id in (select id from outbox_event where published_at is not "
                + "null and published_at < $1 order by published_at, id limit $2)", outboxBefore, 0)
                .flatMap(outbox -> drain("delete from idempotency_record where (tenant_id, idem_key) in (select "
                        + "tenant_id, idem_key from idempotency_record where created_at < $1 limit $2)",
                        idempotencyBefore, 0)
                        .map(idem -> new Removed(outbox, idem)));
    }

    private Uni<Long> drain(String sql, OffsetDateTime before, long sofar) {
        return RowSecurity.queryAcrossTenants(pool, sql, Tuple.of(before, config.batchSize()))
                .flatMap(rows -> rows.rowCount() < config.batchSize()
                        ? Uni.createFrom().item(sofar + rows.rowCount())
                        : drain(sql, before, sofar + rows.rowCount()));
    }
}
