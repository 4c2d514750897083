package io.ballast.risk.market;

import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads of the oracle tables for the oracle's views and configuration: configuration versions, latest tick per source
 * and the price in force. Every query filters on tenant ids. The price consumer's batch reads and writes them through
 * {@link OracleBatchStore}.
 */
@ApplicationScoped
@WithSession
public class OracleRepository {

    /** Every stored version of a tenant's asset, newest first. */
    public Uni<List<OracleConfigRow>> versions(UUID tenantId, UUID assetId) {
        return Panache.getSession().flatMap(s -> s.createQuery("from OracleConfigRow c where c.tenantId = :t "
                        + "and c.assetId = :a order by c.version desc", OracleConfigRow.class)
                .setParameter("t", tenantId).setParameter("a", assetId).getResultList());
    }

    /**
     * A page of the stored versions of a tenant's asset, newest first: {@code rows} versions below {@code before}
     * (null: from the newest), a seek on the unique index {@code (tenant_id, asset_id, version)}.
     */
    public Uni<List<OracleConfigRow>> versionsPage(TenantId tenant, UUID assetId, Integer before, int rows) {
        int below = before == null ? Integer.MAX_VALUE : before;
        return Panache.getSession().flatMap(s -> s.createQuery("from OracleConfigRow c where c.tenantId = :t "
                        + "and c.assetId = :a and c.version < :b order by c.version desc", OracleConfigRow.class)
                .setParameter("t", tenant.value()).setParameter("a", assetId).setParameter("b", below)
                .setMaxResults(rows).getResultList());
    }

    /** Latest accepted tick per source of a tenant's assets. */
    public Uni<List<SourceTickRow>> sourceTicksOfTenant(UUID tenantId) {
        return Panache.getSession().flatMap(s -> s.createQuery("from SourceTickRow r where r.id.tenantId = :t",
                SourceTickRow.class).setParameter("t", tenantId).getResultList());
    }

    /** The price in force of a tenant's assets. */
    public Uni<List<MarketPriceLatest>> pricesInForceOfTenant(UUID tenantId) {
        return Panache.getSession().flatMap(s -> s.createQuery("from MarketPriceLatest l where l.key.tenantId = :t",
                MarketPriceLatest.class).setParameter("t", tenantId).getResultList());
    }

    /** Every configuration in force of a tenant, keyed by asset id. */
    public Uni<Map<UUID, OracleConfigRow>> configsOfTenant(UUID tenantId) {
        return configsWhere("c.tenantId = :x", tenantId);
    }

    private Uni<Map<UUID, OracleConfigRow>> configsWhere(String where, Object value) {
        return Panache.getSession().flatMap(s -> s.createQuery("from OracleConfigRow c where " + where
                        + " and c.version = (select max(d.version) from OracleConfigRow d where d.tenantId = c.tenantId "
                        + "and d.assetId = c.assetId)", OracleConfigRow.class)
                .setParameter("x", value).getResultList())
                .map(rows -> {
                    Map<UUID, OracleConfigRow> m = new HashMap<>();
                    rows.forEach(r -> m.put(r.assetId, r));
                    return m;
                });
    }
}
