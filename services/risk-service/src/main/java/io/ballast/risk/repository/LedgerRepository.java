package io.ballast.risk.repository;

import io.ballast.risk.domain.Balance;
import io.ballast.risk.domain.LedgerEntry;
import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * The collateral ledger and balances. Balance changes are single SQL statements, so concurrent updates of one
 * balance serialise on the row lock and never lose an update.
 */
@ApplicationScoped
@WithSession
public class LedgerRepository implements PanacheRepositoryBase<LedgerEntry, UUID> {

    /**
     * Adds {@code amount} (positive) to a balance, creating it at zero first when missing.
     *
     * @return the balance after the change
     */
    public Uni<BigDecimal> credit(TenantId tenant, UUID accountId, UUID assetId, BigDecimal amount) {
        return getSession().flatMap(s -> s.createNativeQuery(
                        "insert into balance (tenant_id, account_id, asset_id, amount, updated_at) "
                                + "values (:t, :a, :s, :x, now()) "
                                + "on conflict (tenant_id, account_id, asset_id) do update "
                                + "set amount = balance.amount + excluded.amount, updated_at = now() "
                                + "returning amount", BigDecimal.class)
                .setParameter("t", tenant.value()).setParameter("a", accountId).setParameter("s", assetId)
                .setParameter("x", amount)
                .getSingleResult());
    }

    /**
     * Subtracts {@code amount} (positive) from a balance if that leaves it non-negative.
     *
     * @return the balance after the change, or null when the balance is missing or too small (nothing changed)
     */
    public Uni<BigDecimal> debit(TenantId tenant, UUID accountId, UUID assetId, BigDecimal amount) {
        return getSession().flatMap(s -> s.createNativeQuery(
                        "update balance set amount = amount - :x, updated_at = now() "
                                + "where tenant_id = :t and account_id = :a and asset_id = :s and amount - :x >= 0 "
                                + "returning amount", BigDecimal.class)
                .setParameter("t", tenant.value()).setParameter("a", accountId).setParameter("s", assetId)
                .setParameter("x", amount)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /**
     * Takes a transaction-scoped advisory lock on (tenant, external reference): a second transaction asking for the
     * same pair waits until the first ends. Serialises concurrent first attempts of one deposit or withdrawal.
     *
     * @param tenant      the tenant
     * @param externalRef the reference
     * @return completes once the lock is held
     */
    public Uni<Void> lockExternalRef(TenantId tenant, String externalRef) {
        return getSession().flatMap(s -> s.createNativeQuery(
                        "select 1 from pg_advisory_xact_lock(hashtextextended(:k, 0))", Integer.class)
                .setParameter("k", "ledger_entry.external_ref:" + tenant.value() + ":" + externalRef)
                .getSingleResult()).replaceWithVoid();
    }

    /**
     * The entry booked under an external reference, or null.
     *
     * @param tenant      the tenant
     * @param externalRef the reference
     * @return the entry or null
     */
    public Uni<LedgerEntry> findByExternalRef(TenantId tenant, String externalRef) {
        return find("tenantId = ?1 and externalRef = ?2", tenant.value(), externalRef).firstResult();
    }

    /** The account's balances (all assets). */
    public Uni<List<Balance>> balances(TenantId tenant, UUID accountId) {
        return getSession().flatMap(s -> s.createQuery(
                        "from Balance b where b.id.tenantId = :t and b.id.accountId = :a order by b.id.assetId",
                        Balance.class)
                .setParameter("t", tenant.value()).setParameter("a", accountId).getResultList());
    }

    /**
     * The account's ledger entries after a cursor entry, oldest first, one page (index {@code ledger_entry_page},
     * V61); a cursor of another account (or tenant) is no cursor: null.
     *
     * @param tenant    the tenant
     * @param accountId the account
     * @param after     the id of the last entry of the previous page
     * @param limit     the page size
     * @return the entries, or null when {@code after} is not an entry of this account
     */
    public Uni<List<LedgerEntry>> entriesAfter(TenantId tenant, UUID accountId, UUID after, int limit) {
        return find("tenantId = ?1 and accountId = ?2 and id = ?3", tenant.value(), accountId, after).firstResult()
                .flatMap(cursor -> cursor == null ? Uni.createFrom().nullItem()
                        : find("tenantId = ?1 and accountId = ?2 and (createdAt > ?3 or (createdAt = ?3 and id > ?4)) "
                                + "order by createdAt, id", tenant.value(), accountId, cursor.createdAt, cursor.id)
                                .range(0, limit - 1).list());
    }

    /** The account's ledger entries, oldest first, one page. */
    public Uni<List<LedgerEntry>> entries(TenantId tenant, UUID accountId, int offset, int limit) {
        return find("tenantId = ?1 and accountId = ?2 order by createdAt, id", tenant.value(), accountId)
                .range(offset, offset + limit - 1).list();
    }
}
