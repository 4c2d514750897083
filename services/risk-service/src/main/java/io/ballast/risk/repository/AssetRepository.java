package io.ballast.risk.repository;

import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.paging.Keyset;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Collateral assets; every query filters on the tenant. */
@ApplicationScoped
@WithSession
public class AssetRepository implements PanacheRepositoryBase<Asset, UUID> {

    /** The tenant's asset with this id, or null (also null for another tenant's id). */
    public Uni<Asset> find(TenantId tenant, UUID id) {
        return find("tenantId = ?1 and id = ?2", tenant.value(), id).firstResult();
    }

    /** The tenant's asset with this symbol, or null. */
    public Uni<Asset> findBySymbol(TenantId tenant, String symbol) {
        return find("tenantId = ?1 and symbol = ?2", tenant.value(), symbol).firstResult();
    }

    /**
     * A page of the tenant's assets by symbol: {@code limit + 1} after the symbol {@code after} (null: from the
     * first), a seek on the unique index {@code (tenant_id, symbol)}.
     */
    public Uni<List<Asset>> page(TenantId tenant, String after, int limit) {
        return Keyset.find(this, "tenantId = ?1", List.of(tenant.value()), List.of("symbol"),
                after == null ? null : List.of(after), false, limit);
    }

    /** All the tenant's assets, by symbol. */
    public Uni<List<Asset>> listFor(TenantId tenant) {
        return list("tenantId = ?1 order by symbol", tenant.value());
    }
}
