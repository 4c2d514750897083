package io.ballast.risk.recommendation.repository;

import io.ballast.risk.domain.TenantId;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The {@code recommendation_run} queue (set-based SQL through the reactive client). Several service instances share
 * it: scheduled runs are inserted once per tenant, kind and day (a unique index), and claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so each run is executed by one instance at a time.
 */
@ApplicationScoped
public class RunRepository {

    /** Run kinds. */
    public enum Kind {
        /** The scheduled daily recommendation. */
        DAILY,
        /** The scheduled retraining of the registered models. */
        RETRAIN,
        /** A recommendation run a tenant-admin asked for. */
        MANUAL
    }

    /**
     * A run as stored.
     *
     * @param id          run id
     * @param tenantId    tenant
     * @param kind        DAILY, RETRAIN or MANUAL
     * @param runDate     the day it runs for (UTC)
     * @param status      PENDING, RUNNING, SUCCEEDED or FAILED
     * @param requestedBy token subject of a manual run's requester, or "scheduler"
     * @param attempts    how many times it was claimed
     * @param createdAt   when it was queued
     * @param startedAt   when it was last claimed, or null
     * @param finishedAt  when it ended, or null
     * @param result      per-asset outcome (JSON), or null
     * @param error       why it failed, or null
     */
    public record Run(UUID id, UUID tenantId, String kind, LocalDate runDate, String status, String requestedBy,
            int attempts, OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt,
            JsonObject result, String error) {
    }

    /** Outcome of asking for a manual run: the run, or when refused, how long to wait before asking again. */
    public record Admission(Run run, Duration retryAfter, String refusal) {
    }

    private static final String COLUMNS = "id, tenant_id, kind, run_date, status, requested_by, attempts, created_at, "
            + "started_at, finished_at, result, error";

    private final Pool pool;

    /** Wires the SQL client. */
    public RunRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Queues one scheduled run of {@code kind} for {@code day} for every active tenant (or only {@code onlyTenant});
     * a run that already exists for that tenant, kind and day is left alone, so every instance may call this.
     *
     * @return how many runs were queued by this call
     */
    public Uni<Integer> enqueueScheduled(Kind kind, LocalDate day, UUID onlyTenant) {
        if (kind == Kind.MANUAL) {
            throw new IllegalArgumentException("manual runs are admitted, not scheduled");
        }
        return RowSecurity.queryAcrossTenants(pool,
                        "insert into recommendation_run (id, tenant_id, kind, run_date, status, "
                        + "requested_by) select gen_random_uuid(), t.id, $1, $2, 'PENDING', 'scheduler' from tenant t "
                        + "where t.status = 'ACTIVE' and ($3::uuid is null or t.id = $3) "
                        + "on conflict (tenant_id, kind, run_date) where kind in ('DAILY', 'RETRAIN') do nothing",
                        Tuple.of(kind.name(), day, onlyTenant)).map(r -> r.rowCount());
    }

    /**
     * Queues a manual run unless the tenant has one pending or running, or started {@code perHour} in the last hour.
     *
     * @param tenant      the tenant
     * @param requestedBy the requester's token subject
     * @param perHour     manual runs allowed per rolling hour
     */
    public Uni<Admission> admitManual(TenantId tenant, String requestedBy, int perHour) {
        return RowSecurity.inTenant(pool, tenant, conn -> conn.preparedQuery("select count(*) from "
                        + "(select pg_advisory_xact_lock(hashtext($1))) l")
                .execute(Tuple.of("recommendation_run:" + tenant.value()))
                .flatMap(x -> conn.preparedQuery("select count(*) filter (where created_at > clock_timestamp() "
                                + "- interval '1 hour'), min(created_at) filter (where created_at > clock_timestamp() "
                                + "- interval '1 hour'), count(*) filter (where status in ('PENDING', 'RUNNING')) "
                                + "from recommendation_run where tenant_id = $1 and kind = 'MANUAL'")
                        .execute(Tuple.of(tenant.value())))
                .flatMap(rows -> {
                    Row r = rows.iterator().next();
                    if (r.getLong(2) > 0) {
                        return Uni.createFrom().item(new Admission(null, Duration.ofSeconds(30),
                                "a manual run is already pending or running"));
                    }
                    if (r.getLong(0) >= perHour) {
                        Duration wait = Duration.between(OffsetDateTime.now(), r.getOffsetDateTime(1).plusHours(1));
                        return Uni.createFrom().item(new Admission(null, atLeastOneSecond(wait),
                                perHour + " manual runs in the last hour (the limit)"));
                    }
                    // the advisory lock serialises admissions of one tenant; the partial unique index backs it up
                    return conn.preparedQuery("insert into recommendation_run (id, tenant_id, kind, run_date, "
                                    + "status, requested_by) values ($1, $2, 'MANUAL', (clock_timestamp() at time "
                                    + "zone 'UTC')::date, 'PENDING', $3) returning " + COLUMNS)
                            .execute(Tuple.of(UUID.randomUUID(), tenant.value(), requestedBy))
                            .map(ins -> new Admission(run(ins.iterator().next()), null, null));
                }));
    }

    /** A tenant's run, or null (another tenant's run is the same as none). */
    public Uni<Run> find(TenantId tenant, UUID id) {
        return RowSecurity.query(pool, tenant,
                        "select " + COLUMNS + " from recommendation_run where tenant_id = $1 and id = $2",
                        Tuple.of(tenant.value(), id))
                .map(rows -> rows.rowCount() == 0 ? null : run(rows.iterator().next()));
    }

    /**
     * Claims up to {@code max} runs: pending ones, and running ones whose lease expired with attempts left. Runs
     * that expired with no attempt left are marked FAILED first. Two instances claiming at once get disjoint runs.
     *
     * @param claimer     this instance's id
     * @param max         most runs to claim
     * @param lease       how long the claim holds
     * @param maxAttempts claims of one run before it fails
     */
    public Uni<List<Run>> claim(String claimer, int max, Duration lease, int maxAttempts) {
        if (max <= 0) {
            return Uni.createFrom().item(List.of());
        }
        return RowSecurity.queryAcrossTenants(pool,
                        "update recommendation_run set status = 'FAILED', finished_at = clock_timestamp(), "
                        + "error = 'lease expired after ' || attempts || ' attempts' where status = 'RUNNING' "
                        + "and lease_until < clock_timestamp() and attempts >= $1", Tuple.of(maxAttempts))
                .flatMap(x -> RowSecurity.queryAcrossTenants(pool,
                                "update recommendation_run r set status = 'RUNNING', "
                                + "attempts = r.attempts + 1, claimed_by = $1, started_at = clock_timestamp(), "
                                + "lease_until = clock_timestamp() + make_interval(secs => $2) "
                                + "where r.id in (select id from recommendation_run where status = 'PENDING' "
                                + "or (status = 'RUNNING' and lease_until < clock_timestamp()) order by created_at "
                                + "limit $3 for update skip locked) returning " + prefixed("r"),
                                Tuple.of(claimer, (double) lease.toSeconds(), max)))
                .map(rows -> {
                    List<Run> out = new ArrayList<>();
                    rows.forEach(r -> out.add(run(r)));
                    return out;
                });
    }

    /**
     * Extends the lease of a run this claimer holds (the heartbeat of a long run), so that no other instance takes
     * it over while it works.
     *
     * @param id      the run
     * @param claimer the claimer that should hold it
     * @param lease   the new lease, from now (database time)
     * @return true when the claimer still held the run and its lease was extended; false when it was taken over or
     *         ended (the claimer must stop working on it)
     */
    public Uni<Boolean> renew(UUID id, String claimer, Duration lease) {
        return RowSecurity.queryAcrossTenants(pool,
                        "update recommendation_run set lease_until = clock_timestamp() + make_interval(secs => $3) "
                        + "where id = $1 and claimed_by = $2 and status = 'RUNNING'",
                        Tuple.of(id, claimer, lease.toMillis() / 1000.0))
                .map(r -> r.rowCount() == 1);
    }

    /**
     * Ends a claimed run; does nothing when this claimer no longer holds it (its lease expired and another took it).
     *
     * @return true when the run was ended by this call
     */
    public Uni<Boolean> finish(UUID id, String claimer, boolean succeeded, JsonObject result, String error) {
        return RowSecurity.queryAcrossTenants(pool,
                        "update recommendation_run set status = $3, finished_at = clock_timestamp(), "
                        + "result = $4::text::jsonb, error = $5 where id = $1 and claimed_by = $2 "
                        + "and status = 'RUNNING'", Tuple.from(Arrays.asList(id, claimer,
                                succeeded ? "SUCCEEDED" : "FAILED", result == null ? null : result.encode(), error)))
                .map(r -> r.rowCount() == 1);
    }

    private static String prefixed(String alias) {
        return Arrays.stream(COLUMNS.split(", ")).map(c -> alias + "." + c)
                .reduce((a, b) -> a + ", " + b).orElseThrow();
    }

    private static Duration atLeastOneSecond(Duration d) {
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    private static Run run(Row r) {
        Object result = r.getValue("result");
        return new Run(r.getUUID("id"), r.getUUID("tenant_id"), r.getString("kind"), r.getLocalDate("run_date"),
                r.getString("status"), r.getString("requested_by"), r.getInteger("attempts"),
                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("started_at"),
                r.getOffsetDateTime("finished_at"), result instanceof JsonObject j ? j : null, r.getString("error"));
    }
}
