package io.ballast.risk.service;

import io.ballast.risk.common.TimeOrderedIds;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.FieldError;
import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.repository.MarketPriceRepository;
import io.ballast.risk.repository.TenantRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Market data of a tenant for margin: index prices (USD) and implied volatilities per asset. Writes append history
 * rows; writing the value already in force appends nothing, so a repeated write is idempotent.
 */
@ApplicationScoped
public class MarketPriceService {

    /**
     * One asset's market data, as written.
     *
     * @param underlying    asset symbol of the tenant, e.g. {@code BTC}
     * @param indexPriceUsd index price, USD per unit, positive
     * @param annualVol     annualised implied volatility as a fraction (0.55 = 55 %), at least 0; null if not given
     * @param observedAt    observation time; null means now
     */
    public record PriceUpdate(String underlying, BigDecimal indexPriceUsd, BigDecimal annualVol,
            OffsetDateTime observedAt) {

        /** Checks presence and ranges; throws {@link IllegalArgumentException} naming the field. */
        public PriceUpdate {
            if (underlying == null || underlying.isBlank()) {
                throw new IllegalArgumentException("underlying must be given");
            }
            if (indexPriceUsd == null || indexPriceUsd.signum() <= 0) {
                throw new IllegalArgumentException("indexPriceUsd must be positive");
            }
            if (annualVol != null && annualVol.signum() < 0) {
                throw new IllegalArgumentException("annualVol must not be negative");
            }
        }
    }

    /**
     * The market data in force for one asset.
     *
     * @param underlying    asset symbol
     * @param indexPriceUsd index price, USD per unit
     * @param annualVol     annualised implied volatility (fraction), or null
     * @param observedAt    observation time (UTC)
     */
    public record PriceInForce(String underlying, BigDecimal indexPriceUsd, BigDecimal annualVol,
            OffsetDateTime observedAt) {
    }

    private final MarketPriceRepository prices;
    private final AssetRepository assets;
    private final TenantRepository tenants;

    private final OutboxWriter outbox;

    /** Wires collaborators. */
    public MarketPriceService(MarketPriceRepository prices, AssetRepository assets, TenantRepository tenants,
            OutboxWriter outbox) {
        this.outbox = outbox;
        this.prices = prices;
        this.assets = assets;
        this.tenants = tenants;
    }

    /**
     * Records the updates in one transaction: 404 naming every unknown underlying (nothing written), 400 when an
     * underlying appears twice. Returns the tenant's market data in force afterwards, by symbol.
     */
    @WithTransaction
    public Uni<List<PriceInForce>> put(TenantId tenant, List<PriceUpdate> updates) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < updates.size(); i++) {
            if (!seen.add(updates.get(i).underlying())) {
                return Uni.createFrom().failure(ApiException.badRequest("an underlying appears twice",
                        List.of(new FieldError(i, "prices[" + i + "].underlying", "duplicate "
                                + updates.get(i).underlying()))));
            }
        }
        return assets.listFor(tenant).flatMap(all -> {
            Map<String, Asset> bySymbol = new HashMap<>();
            all.forEach(a -> bySymbol.put(a.symbol, a));
            List<FieldError> unknown = new ArrayList<>();
            for (int i = 0; i < updates.size(); i++) {
                if (!bySymbol.containsKey(updates.get(i).underlying())) {
                    unknown.add(new FieldError(i, "prices[" + i + "].underlying",
                            "unknown asset " + updates.get(i).underlying()));
                }
            }
            if (!unknown.isEmpty()) {
                return Uni.createFrom().failure(ApiException.unknownReferences("unknown underlying", unknown));
            }
            return prices.latest(tenant).flatMap(latest -> {
                Map<UUID, MarketPrice> inForce = new HashMap<>();
                latest.forEach(p -> inForce.put(p.assetId, p));
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                List<MarketPrice> rows = new ArrayList<>();
                for (PriceUpdate u : updates) {
                    MarketPrice current = inForce.get(bySymbol.get(u.underlying()).id);
                    if (current != null && sameValue(current, u)) {
                        continue;
                    }
                    MarketPrice row = new MarketPrice();
                    row.id = TimeOrderedIds.next();
                    row.tenantId = tenant.value();
                    row.assetId = bySymbol.get(u.underlying()).id;
                    row.indexPriceUsd = u.indexPriceUsd();
                    row.annualVol = u.annualVol();
                    row.observedAt = u.observedAt() == null ? now : u.observedAt().withOffsetSameInstant(ZoneOffset.UTC);
                    row.createdAt = now;
                    row.source = "tenant";
                    rows.add(row);
                    if (current == null || !row.observedAt.isBefore(current.observedAt)) {
                        inForce.put(row.assetId, row);
                    }
                }
                List<PriceInForce> result = view(all, inForce.values());
                if (rows.isEmpty()) {
                    return Uni.createFrom().item(result);
                }
                List<Map<String, Object>> written = new ArrayList<>();
                rows.forEach(r -> written.add(Map.of("underlying", symbolOf(all, r.assetId), "indexPriceUsd",
                        r.indexPriceUsd.toPlainString(), "observedAt", r.observedAt.toString())));
                return prices.persist(rows).call(x -> outbox.record(tenant, "market", tenant.value(),
                        "MarketPricesPut", Map.of("prices", written))).replaceWith(result);
            });
        });
    }

    /** The tenant's market data in force, by symbol. */
    @WithSession
    public Uni<List<PriceInForce>> inForce(TenantId tenant) {
        return assets.listFor(tenant).flatMap(all -> prices.latest(tenant).map(latest -> view(all, latest)));
    }

    private static String symbolOf(List<Asset> assets, UUID assetId) {
        return assets.stream().filter(a -> a.id.equals(assetId)).map(a -> a.symbol).findFirst().orElse("?");
    }

    private static boolean sameValue(MarketPrice current, PriceUpdate u) {
        boolean sameVol = current.annualVol == null ? u.annualVol() == null
                : u.annualVol() != null && current.annualVol.compareTo(u.annualVol()) == 0;
        boolean sameTime = u.observedAt() == null || u.observedAt().toInstant().equals(current.observedAt.toInstant());
        return current.indexPriceUsd.compareTo(u.indexPriceUsd()) == 0 && sameVol && sameTime;
    }

    private static List<PriceInForce> view(List<Asset> assets, java.util.Collection<MarketPrice> rows) {
        Map<UUID, String> symbols = new HashMap<>();
        assets.forEach(a -> symbols.put(a.id, a.symbol));
        return rows.stream().filter(r -> symbols.containsKey(r.assetId))
                .map(r -> new PriceInForce(symbols.get(r.assetId), r.indexPriceUsd.stripTrailingZeros(),
                        r.annualVol == null ? null : r.annualVol.stripTrailingZeros(), r.observedAt))
                .sorted(Comparator.comparing(PriceInForce::underlying)).toList();
    }

}
