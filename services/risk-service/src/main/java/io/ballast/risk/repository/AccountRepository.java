package io.ballast.risk.repository;

import io.ballast.risk.domain.Account;
import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Accounts; every query filters on the tenant. */
@ApplicationScoped
@WithSession
public class AccountRepository implements PanacheRepositoryBase<Account, UUID> {

    /** The tenant's account with this id, or null (also null for another tenant's id). */
    public Uni<Account> find(TenantId tenant, UUID id) {
        return find("tenantId = ?1 and id = ?2", tenant.value(), id).firstResult();
    }

    /**
     * The tenant's account or null, locked {@code for share} until the transaction ends: a ledger or position write
     * that checked the account ACTIVE holds this lock, so closing the account (which locks it for update) waits for
     * it and then sees what it wrote, or the write waits for the close and then sees CLOSED.
     */
    public Uni<Account> findForShare(TenantId tenant, UUID id) {
        return find("tenantId = ?1 and id = ?2", tenant.value(), id)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_READ).firstResult();
    }

    /**
     * The tenant's account or null, locked {@code for no key update} until the transaction ends: the lock of a
     * margin-checked withdrawal or transfer. It conflicts with the {@code for share} lock of every ledger and
     * position write ({@link #findForShare}) and with itself, so the margin computed under it from the account's rows
     * stays true until the transaction commits; unlike {@code for update} it does not block the foreign-key checks
     * of rows that merely reference the account.
     */
    public Uni<Account> findForNoKeyUpdate(TenantId tenant, UUID id) {
        return getSession().flatMap(s -> s.createNativeQuery("select * from account where tenant_id = :t and id = :a "
                        + "for no key update", Account.class)
                .setParameter("t", tenant.value()).setParameter("a", id).getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** The tenant's account or null, locked {@code for update} until the transaction ends. */
    public Uni<Account> findForUpdate(TenantId tenant, UUID id) {
        return find("tenantId = ?1 and id = ?2", tenant.value(), id)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /**
     * What an account still holds.
     *
     * @return open positions (non-zero quantity), non-zero balances of the cross pool and non-zero balances of
     *         isolated pools, in that order
     */
    public Uni<long[]> holdings(TenantId tenant, UUID id) {
        return getSession().flatMap(s -> s.createNativeQuery("select (select count(*) from position where tenant_id "
                        + "= :t and account_id = :a and quantity <> 0), (select count(*) from balance where tenant_id "
                        + "= :t and account_id = :a and amount <> 0), (select count(*) from isolated_balance where "
                        + "tenant_id = :t and account_id = :a and amount <> 0)", Object[].class)
                .setParameter("t", tenant.value()).setParameter("a", id).getSingleResult())
                .map(r -> new long[] {((Number) r[0]).longValue(), ((Number) r[1]).longValue(),
                        ((Number) r[2]).longValue()});
    }

    /**
     * What an account still holds, named: its open positions, non-zero cross-pool balances and non-zero isolated
     * balances, in that order (each sorted by symbol).
     *
     * @return rows {kind, instrument symbol or null, asset symbol or null, quantity or amount}; kind is
     *         {@code position}, {@code balance} or {@code isolated}
     */
    public Uni<List<Object[]>> holdingsNamed(TenantId tenant, UUID id) {
        return getSession().flatMap(s -> s.createNativeQuery("""
                        select * from (
                          select 'position' as kind, i.symbol as instrument, null as asset, p.quantity as amount,
                                 1 as ord
                          from position p join instrument i on i.tenant_id = p.tenant_id and i.id = p.instrument_id
                          where p.tenant_id = :t and p.account_id = :a and p.quantity <> 0
                          union all
                          select 'balance', null, a.symbol, b.amount, 2
                          from balance b join asset a on a.tenant_id = b.tenant_id and a.id = b.asset_id
                          where b.tenant_id = :t and b.account_id = :a and b.amount <> 0
                          union all
                          select 'isolated', i.symbol, a.symbol, x.amount, 3
                          from isolated_balance x
                          join instrument i on i.tenant_id = x.tenant_id and i.id = x.instrument_id
                          join asset a on a.tenant_id = x.tenant_id and a.id = x.asset_id
                          where x.tenant_id = :t and x.account_id = :a and x.amount <> 0) h
                        order by ord, instrument, asset""", Object[].class)
                .setParameter("t", tenant.value()).setParameter("a", id).getResultList());
    }

    /** The tenant's account with this external id, or null. */
    public Uni<Account> findByExternalId(TenantId tenant, String externalId) {
        return find("tenantId = ?1 and externalId = ?2", tenant.value(), externalId).firstResult();
    }

    /** A page of the tenant's accounts, oldest first. */
    public Uni<List<Account>> page(TenantId tenant, int offset, int limit) {
        return find("tenantId = ?1 order by createdAt, id", tenant.value()).range(offset, offset + limit - 1).list();
    }

    /**
     * A page of the tenant's accounts after a cursor, oldest first (index {@code account_page}, V61).
     *
     * @param tenant the tenant
     * @param after  the last account of the previous page
     * @param limit  the page size
     * @return the accounts created after it (ties by id)
     */
    public Uni<List<Account>> pageAfter(TenantId tenant, Account after, int limit) {
        return find("tenantId = ?1 and (createdAt > ?2 or (createdAt = ?2 and id > ?3)) order by createdAt, id",
                tenant.value(), after.createdAt, after.id).range(0, limit - 1).list();
    }

    /** Every account of the tenant that is not CLOSED, oldest first. */
    public Uni<List<Account>> open(TenantId tenant) {
        return list("tenantId = ?1 and status <> ?2 order by createdAt, id", tenant.value(),
                io.ballast.risk.domain.AccountStatus.CLOSED);
    }

    /** Which of these ids are the tenant's accounts. */
    public Uni<List<UUID>> existingIds(TenantId tenant, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return find("select id from Account where tenantId = ?1 and id in ?2", tenant.value(), ids)
                .project(UUID.class).list();
    }
}
