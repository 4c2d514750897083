package io.ballast.risk.repository;

import io.ballast.risk.domain.Balance;
import io.ballast.risk.domain.Position;
import io.ballast.risk.domain.RiskParameter;
import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Set-based reads for margin: a tenant's parameters in force, and balances and positions of one account or of all
 * accounts at once. Every query filters on the tenant.
 */
@ApplicationScoped
@WithSession
public class MarginDataRepository {

    /** The version in force at {@code at} of every parameterised asset and instrument of the tenant. */
    public Uni<List<RiskParameter>> parametersInForce(TenantId tenant, OffsetDateTime at) {
        return Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "select distinct on (scope, target_id) * from risk_parameter "
                                + "where tenant_id = :t and effective_from <= :at "
                                + "order by scope, target_id, effective_from desc, version desc", RiskParameter.class)
                .setParameter("t", tenant.value()).setParameter("at", at).getResultList());
    }

    /** Balances of one account, or of every account when {@code accountId} is null. */
    public Uni<List<Balance>> balances(TenantId tenant, UUID accountId) {
        String where = accountId == null ? "" : " and b.id.accountId = :a";
        return Panache.getSession().flatMap(s -> {
            var q = s.createQuery("from Balance b where b.id.tenantId = :t" + where, Balance.class)
                    .setParameter("t", tenant.value());
            return (accountId == null ? q : q.setParameter("a", accountId)).getResultList();
        });
    }

    /** Positions of one account, or of every account when {@code accountId} is null. */
    public Uni<List<Position>> positions(TenantId tenant, UUID accountId) {
        String where = accountId == null ? "" : " and p.id.accountId = :a";
        return Panache.getSession().flatMap(s -> {
            var q = s.createQuery("from Position p where p.id.tenantId = :t" + where, Position.class)
                    .setParameter("t", tenant.value());
            return (accountId == null ? q : q.setParameter("a", accountId)).getResultList();
        });
    }
}
