package io.ballast.risk.repository;

import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.market.MarketPriceLatest;
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

    /**
     * The latest row per asset of the tenant (by observation time, then write time), read in O(1) per asset from
     * {@code market_price_latest}; the rows are detached views, not managed entities.
     */
    public Uni<List<MarketPrice>> latest(TenantId tenant) {
        return getSession().flatMap(s -> s.createQuery("from MarketPriceLatest l where l.key.tenantId = :t",
                        MarketPriceLatest.class)
                .setParameter("t", tenant.value()).getResultList())
                .map(rows -> rows.stream().map(MarketPriceLatest::asMarketPrice).toList());
    }
}
