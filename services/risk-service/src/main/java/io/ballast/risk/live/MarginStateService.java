package io.ballast.risk.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.live.TenantBook.Transition;
import io.ballast.risk.messaging.OutboxRow;
import io.ballast.risk.messaging.Topics;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.ballast.risk.tenancy.rls.RowSecurity.Statement;
import io.ballast.risk.tenancy.rls.RowSecurity.Write;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores margin state transitions with their events: each account's {@code account_margin_state} row and the
 * event's outbox row (topic {@code ballast.margin-events}) in ONE transaction, guarded by the sequence number: a
 * row whose stored seq is not the expected one (another owner moved it) fails the whole transaction, so nothing is
 * published twice or out of order.
 *
 * <p>Set-based: the rows go to PostgreSQL as pipelined batches of one prepared statement each (the reactive SQL
 * client's {@code executeBatch}), in a transaction of two round trips ({@link RowSecurity#inTenantReadThenWrite}),
 * not three per transition. The caller
 * decides how many transitions a transaction holds ({@code LiveLoop.COMMIT_CHUNK}).
 */
@ApplicationScoped
public class MarginStateService {

    /** Thrown when a stored state is not at the expected sequence number. */
    public static final class StaleStateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StaleStateException(String message) {
            super(message);
        }
    }

    private static final String INSERT_STATE = "insert into account_margin_state (tenant_id, account_id, status, "
            + "held, equity_usd, initial_margin_usd, maintenance_margin_usd, seq, price_versions, parameter_version, "
            + "updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    private static final String UPDATE_STATE = "update account_margin_state set status = $3, held = $4, "
            + "equity_usd = $5, initial_margin_usd = $6, maintenance_margin_usd = $7, seq = $8, price_versions = $9, "
            + "parameter_version = $10, updated_at = $11 where tenant_id = $1 and account_id = $2 and seq = $12";
    private static final String INSERT_EVENT = "insert into outbox_event (tenant_id, topic, aggregate_type, "
            + "aggregate_id, event_type, payload, created_at) values ($1, $2, 'account', $3, $4, $5, $6) returning id";
    private static final String INSERT_DIRECT_ATTEMPT = "insert into outbox_attempt (outbox_id, direct) "
            + "select unnest($1::bigint[]), true";
    /** A margin event of the tenant that waits for the relay (the partial index of unpublished rows). */
    private static final String WAITING = "select 1 from outbox_event where published_at is null "
            + "and parked_at is null and tenant_id = $1 and topic = $2 limit 1";

    private final Pool pool;
    private final ObjectMapper json;

    /** Wires collaborators. */
    public MarginStateService(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * What a store committed: its outbox rows (in id order), and whether they were stored for the direct path (with
     * direct attempt rows: the caller must hand them to {@link io.ballast.risk.messaging.DirectPublisher}) or left
     * to the relay.
     *
     * @param rows   the outbox rows written
     * @param direct whether the caller publishes them
     */
    public record Stored(List<OutboxRow> rows, boolean direct) {
    }

    /**
     * Stores transitions of one tenant, for the direct path when asked and possible: the rows are stored for the
     * direct path only when none of the tenant's margin events waits for the relay (checked in the same transaction
     * unless the caller knows it: its previous store went the direct way and no send failed since), so that a
     * tenant's events never overtake older ones the relay still has to send.
     *
     * @param tenant         the tenant
     * @param transitions    the transitions (expected seq in {@code previous})
     * @param priceVersions  the price versions used
     * @param parameterVersion the parameter version used
     * @param direct         whether the caller would publish the rows itself
     * @param clear          whether the caller knows that none of the tenant's events waits for the relay
     * @return the rows written and whether they are the caller's to publish; fails with {@link StaleStateException}
     *         when a row moved meanwhile
     */
    public Uni<Stored> store(TenantId tenant, List<Transition> transitions, String priceVersions,
            String parameterVersion, boolean direct, boolean clear) {
        if (transitions.isEmpty()) {
            return Uni.createFrom().item(new Stored(List.of(), false));
        }
        // microseconds, as timestamptz keeps them: a directly published envelope says what the stored row says
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        List<Tuple> inserts = new ArrayList<>();
        List<Tuple> updates = new ArrayList<>();
        List<Tuple> events = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (Transition t : transitions) {
            Tuple row = Tuple.tuple().addUUID(tenant.value()).addUUID(t.accountId())
                    .addString(t.next().status().name()).addBoolean(t.next().held())
                    .addBigDecimal(money(t.equityUsd()))
                    .addBigDecimal(money(t.initialMarginUsd()))
                    .addBigDecimal(money(t.maintenanceMarginUsd()))
                    .addLong(t.next().seq()).addString(priceVersions).addString(parameterVersion)
                    .addOffsetDateTime(now);
            if (t.previous().seq() == 0) {
                inserts.add(row);
            } else {
                updates.add(row.addLong(t.previous().seq()));
            }
            String payload;
            try {
                payload = json.writeValueAsString(t.payload());
            } catch (JsonProcessingException e) {
                return Uni.createFrom().failure(new IllegalStateException("margin event payload not serialisable",
                        e));
            }
            payloads.add(payload);
            events.add(Tuple.tuple().addUUID(tenant.value()).addString(Topics.MARGIN_EVENTS)
                    .addString(t.accountId().toString()).addString(t.eventType()).addString(payload)
                    .addOffsetDateTime(now));
        }
        // two round trips: the check, the state rows and the outbox rows together; then, decided from their
        // answers, the direct attempts and COMMIT together (a stale row rolls everything back instead)
        boolean ask = direct && !clear;
        List<Statement> first = new ArrayList<>();
        if (ask) {
            first.add(Statement.of(WAITING, Tuple.of(tenant.value(), Topics.MARGIN_EVENTS)));
        }
        if (!inserts.isEmpty()) {
            first.add(new Statement(INSERT_STATE, inserts));
        }
        // where the update and outbox results are in the answers
        int updatedAt = updates.isEmpty() ? -1 : first.size();
        if (!updates.isEmpty()) {
            first.add(new Statement(UPDATE_STATE, updates));
        }
        int outbox = first.size();
        first.add(new Statement(INSERT_EVENT, events));
        return RowSecurity.inTenantReadThenWrite(pool, tenant, first, results -> {
            boolean asDirect = ask ? !results.get(0).iterator().hasNext() : direct;
            if (updatedAt >= 0) {
                int i = 0;
                for (RowSet<Row> r = results.get(updatedAt); r != null; r = r.next(), i++) {
                    if (r.rowCount() != 1) {
                        throw new StaleStateException("margin state of account " + updates.get(i).getUUID(1)
                                + " is not at seq " + updates.get(i).getLong(11));
                    }
                }
            }
            List<OutboxRow> rows = new ArrayList<>(transitions.size());
            int i = 0;
            for (RowSet<Row> r = results.get(outbox); r != null; r = r.next(), i++) {
                Transition t = transitions.get(i);
                rows.add(new OutboxRow(r.iterator().next().getLong("id"), tenant.value(), Topics.MARGIN_EVENTS,
                        "account", t.accountId().toString(), t.eventType(), now, payloads.get(i)));
            }
            Stored stored = new Stored(List.copyOf(rows), asDirect);
            return asDirect ? new Write<>(INSERT_DIRECT_ATTEMPT, Tuple.of(rows.stream().map(OutboxRow::id)
                    .toArray(Long[]::new)), stored) : Write.none(stored);
        });
    }

    private static BigDecimal money(double usd) {
        return Double.isFinite(usd) ? BigDecimal.valueOf(usd) : BigDecimal.ZERO;
    }
}
