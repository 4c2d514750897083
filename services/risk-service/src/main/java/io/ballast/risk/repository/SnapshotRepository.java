package io.ballast.risk.repository;

import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Set-based SQL for bulk snapshots: rows travel as one JSON parameter and are expanded with
 * {@code jsonb_to_recordset}, so 10,000 rows cost a handful of statements. Every statement filters on the tenant.
 * (The parameter is cast to text first: bound directly as jsonb, the client would send a JSON string scalar.)
 */
@ApplicationScoped
@WithSession
public class SnapshotRepository {

    private static final String IDS = "(select cast(value as uuid) from jsonb_array_elements_text(cast(cast(:ids as text) as jsonb)))";

    /**
     * Status of each of these ids that is an account of the tenant, LOCKING those accounts in key order for the rest
     * of the transaction: two snapshots naming the same accounts run one after the other, and since every snapshot
     * takes its locks in the same order, two overlapping snapshots cannot deadlock. {@code for no key update}, not
     * {@code for update}: the key-share locks that a deposit's ledger row takes on its account (the foreign key) must
     * not wait for the snapshot, or a deposit holding its balance row would deadlock with it.
     *
     * @param idsJson JSON array of uuid strings
     * @return account id (string) to status name
     */
    public Uni<Map<String, String>> lockAccounts(TenantId tenant, String idsJson) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "select cast(id as text), status from account where tenant_id = :t and id in " + IDS
                                + " order by id for no key update",
                        Object[].class)
                .setParameter("t", tenant.value()).setParameter("ids", idsJson).getResultList())
                .map(rows -> {
                    Map<String, String> out = new HashMap<>();
                    for (Object[] row : rows) {
                        out.put((String) row[0], (String) row[1]);
                    }
                    return out;
                });
    }

    /** Instruments of the tenant that have expired at {@code :now} (their positions wait for settlement). */
    private static final String EXPIRED = "(select x.id from instrument x where x.tenant_id = :t and x.expiry is not "
            + "null and x.expiry <= :now)";

    /**
     * The positions of the named accounts in instruments that have expired (not yet settled: settlement deletes
     * them), which a snapshot must leave as they are.
     *
     * @param idsJson JSON array of uuid strings
     * @param now     the time expiry is judged at
     * @return rows {account id (text), instrument id (text), quantity, entry price}
     */
    public Uni<List<Object[]>> expiredPositions(TenantId tenant, String idsJson, OffsetDateTime now) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "select cast(p.account_id as text), cast(p.instrument_id as text), p.quantity, p.entry_price "
                                + "from position p where p.tenant_id = :t and p.account_id in " + IDS
                                + " and p.instrument_id in " + EXPIRED, Object[].class)
                .setParameter("t", tenant.value()).setParameter("ids", idsJson).setParameter("now", now)
                .getResultList());
    }

    /**
     * Replaces the positions of the named accounts by the given rows, except their positions in instruments that
     * have expired at {@code now}: those are left untouched (settlement closes them).
     *
     * @param accountIdsJson JSON array of the account ids whose positions are replaced
     * @param rowsJson       JSON array of {account_id, instrument_id, quantity, entry_price} (none in an expired
     *                       instrument)
     * @param now            the time expiry is judged at
     * @return rows inserted
     */
    public Uni<Integer> replacePositions(TenantId tenant, String accountIdsJson, String rowsJson,
            OffsetDateTime now) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                                "delete from position where tenant_id = :t and account_id in " + IDS
                                        + " and instrument_id not in " + EXPIRED)
                        .setParameter("t", tenant.value()).setParameter("ids", accountIdsJson)
                        .setParameter("now", now).executeUpdate()
                .flatMap(deleted -> s.createNativeQuery(
                                "insert into position (tenant_id, account_id, instrument_id, quantity, entry_price, "
                                        + "updated_at) select :t, r.account_id, r.instrument_id, r.quantity, "
                                        + "r.entry_price, now() from jsonb_to_recordset(cast(cast(:rows as text) as jsonb)) as "
                                        + "r(account_id uuid, instrument_id uuid, quantity numeric, entry_price numeric)")
                        .setParameter("t", tenant.value()).setParameter("rows", rowsJson).executeUpdate()));
    }

    /**
     * Sets balances to the given amounts, booking the differences as SYNC_ADJUSTMENT ledger entries.
     *
     * @param rowsJson  JSON array of {account_id, asset_id, amount}
     * @param reference text stored on the ledger entries
     * @return ledger entries written (balances that actually changed)
     */
    public Uni<Integer> setBalances(TenantId tenant, String rowsJson, String reference) {
        String rows = "jsonb_to_recordset(cast(cast(:rows as text) as jsonb)) as r(account_id uuid, asset_id uuid, amount numeric)";
        // Missing balance rows are created at zero first, then every named row is locked in key order: a deposit
        // racing the snapshot (its upsert creates or adds to the row) waits for the snapshot or is waited for, so
        // the ledger entries of the row always sum to its balance.
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                                "insert into balance (tenant_id, account_id, asset_id, amount, updated_at) "
                                        + "select :t, r.account_id, r.asset_id, 0, now() from " + rows
                                        + " on conflict (tenant_id, account_id, asset_id) do nothing")
                        .setParameter("t", tenant.value()).setParameter("rows", rowsJson).executeUpdate()
                .flatMap(created -> s.createNativeQuery(
                                "select b.account_id from balance b join " + rows + " on b.tenant_id = :t "
                                        + "and b.account_id = r.account_id and b.asset_id = r.asset_id "
                                        + "order by b.account_id, b.asset_id for update of b")
                        .setParameter("t", tenant.value()).setParameter("rows", rowsJson).getResultList())
                .flatMap(locked -> s.createNativeQuery(
                                "insert into ledger_entry (id, tenant_id, account_id, asset_id, kind, amount, "
                                        + "balance_after, reference, created_at) select gen_random_uuid(), :t, "
                                        + "r.account_id, r.asset_id, 'SYNC_ADJUSTMENT', r.amount - coalesce(b.amount, 0), "
                                        + "r.amount, :ref, clock_timestamp() from " + rows + " left join balance b on "
                                        + "b.tenant_id = :t and b.account_id = r.account_id and b.asset_id = r.asset_id "
                                        + "where r.amount <> coalesce(b.amount, 0)")
                        .setParameter("t", tenant.value()).setParameter("rows", rowsJson).setParameter("ref", reference)
                        .executeUpdate())
                .call(entries -> s.createNativeQuery(
                                "insert into balance (tenant_id, account_id, asset_id, amount, updated_at) "
                                        + "select :t, r.account_id, r.asset_id, r.amount, now() from " + rows
                                        + " on conflict (tenant_id, account_id, asset_id) do update "
                                        + "set amount = excluded.amount, updated_at = now()")
                        .setParameter("t", tenant.value()).setParameter("rows", rowsJson).executeUpdate()));
    }

}
