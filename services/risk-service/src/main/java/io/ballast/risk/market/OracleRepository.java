package io.ballast.risk.market;

import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.domain.TenantStatus;
import io.ballast.risk.repository.MultiRowStatements;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads and writes of the oracle tables: configuration versions, latest tick per source and the price in force.
 * Every query filters on tenant ids.
 */
@ApplicationScoped
@WithSession
public class OracleRepository {

    /** Assets with one of these symbols of every ACTIVE tenant. */
    public Uni<List<Asset>> assetsOfActiveTenants(Collection<String> symbols) {
        return Panache.getSession().flatMap(s -> s.createQuery("from Asset a where a.symbol in :s and a.tenantId in "
                        + "(select t.id from Tenant t where t.status = :active)", Asset.class)
                .setParameter("s", symbols).setParameter("active", TenantStatus.ACTIVE).getResultList());
    }

    /** The configuration version in force per asset of these assets (absent: default), keyed by asset id. */
    public Uni<Map<UUID, OracleConfigRow>> configsInForce(Collection<UUID> assetIds) {
        if (assetIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return configsWhere("c.assetId in :x", assetIds);
    }

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

    /** Latest accepted tick per source of these assets. */
    public Uni<List<SourceTickRow>> sourceTicks(Collection<UUID> assetIds) {
        if (assetIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.getSession().flatMap(s -> s.createQuery("from SourceTickRow r where r.id.assetId in :a",
                SourceTickRow.class).setParameter("a", assetIds).getResultList());
    }

    /** Latest accepted tick per source of a tenant's assets. */
    public Uni<List<SourceTickRow>> sourceTicksOfTenant(UUID tenantId) {
        return Panache.getSession().flatMap(s -> s.createQuery("from SourceTickRow r where r.id.tenantId = :t",
                SourceTickRow.class).setParameter("t", tenantId).getResultList());
    }

    /** The price in force of these assets. */
    public Uni<List<MarketPriceLatest>> pricesInForce(Collection<UUID> assetIds) {
        if (assetIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.getSession().flatMap(s -> s.createQuery("from MarketPriceLatest l where l.key.assetId in :a",
                MarketPriceLatest.class).setParameter("a", assetIds).getResultList());
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

    /** A source's latest accepted tick of a tenant asset, to store. */
    public record SourceTickWrite(UUID tenantId, UUID assetId, Tick tick) {
    }

    /**
     * Stores sources' latest accepted ticks in one statement (one round trip for a whole batch of ticks), each moving
     * forward only. At most one tick per tenant, asset and source (one statement cannot upsert a row twice); a
     * statement per 1,000 ticks.
     *
     * @param ticks      the ticks
     * @param receivedAt when they were received
     * @return rows written
     */
    public Uni<Integer> upsertSourceTicks(List<SourceTickWrite> ticks, OffsetDateTime receivedAt) {
        return MultiRowStatements.inChunks(ticks, MultiRowStatements.ROWS_PER_STATEMENT,
                c -> upsertChunk(c, receivedAt));
    }

    private Uni<Integer> upsertChunk(List<SourceTickWrite> ticks, OffsetDateTime receivedAt) {
        String sql = "insert into oracle_source_tick as o (tenant_id, asset_id, source, price_usd, annual_vol, "
                + "source_time, received_at) values " + MultiRowStatements.values(ticks.size(), "t", "a", "s", "p", "v",
                        "st", "r")
                + " on conflict (tenant_id, asset_id, source) do update set price_usd = excluded.price_usd, "
                + "annual_vol = excluded.annual_vol, source_time = excluded.source_time, "
                + "received_at = excluded.received_at where o.source_time < excluded.source_time";
        return Panache.getSession().flatMap(s -> {
            var q = s.createNativeQuery(sql);
            for (int i = 0; i < ticks.size(); i++) {
                SourceTickWrite w = ticks.get(i);
                q.setParameter("t" + i, w.tenantId()).setParameter("a" + i, w.assetId())
                        .setParameter("s" + i, w.tick().source()).setParameter("p" + i, w.tick().priceUsd())
                        .setParameter("v" + i, w.tick().annualVol())
                        .setParameter("st" + i, OffsetDateTime.ofInstant(w.tick().sourceTime(), ZoneOffset.UTC))
                        .setParameter("r" + i, receivedAt);
            }
            return q.executeUpdate();
        });
    }
}
