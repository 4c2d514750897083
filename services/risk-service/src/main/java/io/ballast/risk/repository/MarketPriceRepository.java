package io.ballast.risk.repository;

import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.TenantId;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Market data rows (append-only); every query filters on the tenant. */
@ApplicationScoped
@WithSession
public class MarketPriceRepository implements PanacheRepositoryBase<MarketPrice, UUID> {

    /** The latest row per asset of the tenant (by observation time, then write time). */
    public Uni<List<MarketPrice>> latest(TenantId tenant) {
        return getSession().flatMap(s -> s.createNativeQuery(
                        "select distinct on (asset_id) * from market_price where tenant_id = :t "
                                + "order by asset_id, observed_at desc, created_at desc", MarketPrice.class)
                .setParameter("t", tenant.value()).getResultList());
    }
}
