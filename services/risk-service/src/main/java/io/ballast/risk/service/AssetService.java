package io.ballast.risk.service;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import io.ballast.risk.repository.AssetRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Collateral assets of a tenant. */
@ApplicationScoped
public class AssetService {

    private final AssetRepository assets;
    private final OutboxWriter outbox;

    /** Wires collaborators. */
    public AssetService(AssetRepository assets, OutboxWriter outbox) {
        this.assets = assets;
        this.outbox = outbox;
    }

    /** Creates an asset; 409 when the tenant already has the symbol. */
    @WithTransaction
    public Uni<Asset> create(TenantId tenant, String symbol, int decimals, String priceSource) {
        return assets.findBySymbol(tenant, symbol).flatMap(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(ApiException.conflict("asset " + symbol + " exists"));
            }
            Asset asset = new Asset();
            asset.id = UUID.randomUUID();
            asset.tenantId = tenant.value();
            asset.symbol = symbol;
            asset.decimals = decimals;
            asset.priceSource = priceSource;
            asset.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
            return assets.persist(asset).call(a -> outbox.record(tenant, "asset", a.id, "AssetCreated",
                    Map.of("assetId", a.id, "symbol", symbol)));
        });
    }

    /** A page of the tenant's assets by symbol (the cursor holds the last symbol). */
    public Uni<Page<Asset>> page(TenantId tenant, Cursor after, int limit) {
        return assets.page(tenant, after == null ? null : after.text(0), limit)
                .map(rows -> Page.of(rows, limit, x -> Cursor.of(x.symbol)));
    }

    /** The tenant's assets. */
    public Uni<List<Asset>> list(TenantId tenant) {
        return assets.listFor(tenant);
    }

    /** One asset; 404 when unknown to this tenant. */
    public Uni<Asset> get(TenantId tenant, UUID id) {
        return assets.find(tenant, id).onItem().ifNull().failWith(() -> ApiException.notFound("asset", id));
    }
}
