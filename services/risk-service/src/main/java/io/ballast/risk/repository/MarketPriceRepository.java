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

    /**
     * Appends history rows in one statement per 1,000 (one round trip for a whole batch of ticks); the trigger of
     * {@code market_price} moves {@code market_price_latest} forward for each. The rows stay detached.
     *
     * @param rows new rows (ids set)
     * @return completion
     */
    public Uni<Integer> append(List<MarketPrice> rows) {
        return MultiRowStatements.inChunks(rows, MultiRowStatements.ROWS_PER_STATEMENT, this::appendChunk);
    }

    private Uni<Integer> appendChunk(List<MarketPrice> rows) {
        String sql = "insert into market_price (id, tenant_id, asset_id, index_price_usd, annual_vol, observed_at, "
                + "created_at, source) values " + MultiRowStatements.values(rows.size(), "i", "t", "a", "p", "v", "o",
                        "c", "s");
        return getSession().flatMap(s -> {
            var q = s.createNativeQuery(sql);
            for (int i = 0; i < rows.size(); i++) {
                MarketPrice r = rows.get(i);
                q.setParameter("i" + i, r.id).setParameter("t" + i, r.tenantId).setParameter("a" + i, r.assetId)
                        .setParameter("p" + i, r.indexPriceUsd).setParameter("v" + i, r.annualVol)
                        .setParameter("o" + i, r.observedAt).setParameter("c" + i, r.createdAt)
                        .setParameter("s" + i, r.source);
            }
            return q.executeUpdate();
        });
    }
}
