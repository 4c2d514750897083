package io.ballast.risk.collateral.repository;

import io.ballast.risk.collateral.domain.IsolatedBalance;
import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * Collateral allocated to isolated positions. Changes are single SQL statements (no read-modify-write), like the
 * cross pool's balances; every query filters on the tenant.
 */
@ApplicationScoped
@WithSession
public class IsolatedBalanceRepository implements PanacheRepositoryBase<IsolatedBalance, IsolatedBalance.Key> {

    /**
     * Adds {@code amount} (positive) to an isolated balance, creating it at zero first when missing.
     *
     * @return the balance after the change
     */
    public Uni<BigDecimal> credit(TenantId tenant, UUID accountId, UUID instrumentId, UUID assetId,
            BigDecimal amount) {
        return getSession().flatMap(s -> s.createNativeQuery(
                        "insert into isolated_balance (tenant_id, account_id, instrument_id, asset_id, amount, "
                                + "updated_at) values (:t, :a, :i, :s, :x, now()) "
                                + "on conflict (tenant_id, account_id, instrument_id, asset_id) do update "
                                + "set amount = isolated_balance.amount + excluded.amount, updated_at = now() "
                                + "returning amount", BigDecimal.class)
                .setParameter("t", tenant.value()).setParameter("a", accountId).setParameter("i", instrumentId)
                .setParameter("s", assetId).setParameter("x", amount)
                .getSingleResult());
    }

    /**
     * Subtracts {@code amount} (positive) from an isolated balance if that leaves it non-negative.
     *
     * @return the balance after the change, or null when it is missing or too small (nothing changed)
     */
    public Uni<BigDecimal> debit(TenantId tenant, UUID accountId, UUID instrumentId, UUID assetId,
            BigDecimal amount) {
        return getSession().flatMap(s -> s.createNativeQuery(
                        "update isolated_balance set amount = amount - :x, updated_at = now() "
                                + "where tenant_id = :t and account_id = :a and instrument_id = :i and asset_id = :s "
                                + "and amount - :x >= 0 returning amount", BigDecimal.class)
                .setParameter("t", tenant.value()).setParameter("a", accountId).setParameter("i", instrumentId)
                .setParameter("s", assetId).setParameter("x", amount)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** Isolated balances of one account, or of every account of the tenant when {@code accountId} is null. */
    public Uni<List<IsolatedBalance>> of(TenantId tenant, UUID accountId) {
        return accountId == null
                ? list("id.tenantId = ?1 order by id.accountId, id.instrumentId, id.assetId", tenant.value())
                : list("id.tenantId = ?1 and id.accountId = ?2 order by id.instrumentId, id.assetId", tenant.value(),
                        accountId);
    }
}
