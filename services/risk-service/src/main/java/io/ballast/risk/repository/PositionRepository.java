package io.ballast.risk.repository;

import io.ballast.risk.domain.Position;
import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/** Positions; every query filters on the tenant. */
@ApplicationScoped
@WithSession
public class PositionRepository implements PanacheRepositoryBase<Position, Position.Key> {

    /** The account's positions. */
    public Uni<List<Position>> forAccount(TenantId tenant, UUID accountId) {
        return list("id.tenantId = ?1 and id.accountId = ?2 order by id.instrumentId", tenant.value(), accountId);
    }

    /** Inserts or replaces one position in a single statement. */
    public Uni<Void> upsert(TenantId tenant, UUID accountId, UUID instrumentId, BigDecimal quantity,
            BigDecimal entryPrice) {
        return getSession().flatMap(s -> s.createNativeQuery(
                        "insert into position (tenant_id, account_id, instrument_id, quantity, entry_price, updated_at) "
                                + "values (:t, :a, :i, :q, :p, now()) "
                                + "on conflict (tenant_id, account_id, instrument_id) do update "
                                + "set quantity = excluded.quantity, entry_price = excluded.entry_price, "
                                + "updated_at = now()")
                .setParameter("t", tenant.value()).setParameter("a", accountId).setParameter("i", instrumentId)
                .setParameter("q", quantity).setParameter("p", entryPrice)
                .executeUpdate()).replaceWithVoid();
    }

    /** Removes one position; true when there was one. */
    public Uni<Boolean> remove(TenantId tenant, UUID accountId, UUID instrumentId) {
        return delete("id.tenantId = ?1 and id.accountId = ?2 and id.instrumentId = ?3", tenant.value(), accountId,
                instrumentId).map(n -> n > 0);
    }
}
