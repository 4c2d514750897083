package io.ballast.risk.market;

import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.messaging.OutboxWriter;
import io.ballast.risk.messaging.Topics;
import io.ballast.risk.paging.Cursor;
import io.ballast.risk.paging.Page;
import io.ballast.risk.repository.AssetRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's oracle configuration per underlying: stored versions (append-only), each write audited by an
 * {@code OracleConfigChanged} event on {@code ballast.events} in the same transaction.
 */
@ApplicationScoped
public class OracleConfigService {

    private final AssetRepository assets;
    private final OracleRepository oracles;
    private final OutboxWriter outbox;

    /** Wires collaborators. */
    public OracleConfigService(AssetRepository assets, OracleRepository oracles, OutboxWriter outbox) {
        this.assets = assets;
        this.oracles = oracles;
        this.outbox = outbox;
    }

    /**
     * Stores a new version for an underlying: 404 when the tenant has no such asset.
     *
     * @param tenant     the tenant
     * @param underlying asset symbol
     * @param config     the settings (its version is ignored: the next one is assigned)
     * @param author     client id of the token
     * @return the stored version
     */
    @WithTransaction
    public Uni<OracleConfig> put(TenantId tenant, String underlying, OracleConfig config, String author) {
        return assets.findBySymbol(tenant, underlying)
                .onItem().ifNull().failWith(() -> ApiException.notFound("asset", underlying))
                .flatMap(a -> oracles.versions(tenant.value(), a.id).flatMap(vs -> {
                    OracleConfigRow row = new OracleConfigRow();
                    row.id = UUID.randomUUID();
                    row.tenantId = tenant.value();
                    row.assetId = a.id;
                    row.version = vs.isEmpty() ? 1 : vs.get(0).version + 1;
                    row.sources = config.sourcesText();
                    row.stalenessSeconds = config.stalenessSeconds();
                    row.maxDeviationFraction = config.maxDeviationFraction();
                    row.maxJumpFraction = config.maxJumpFraction();
                    row.minPriceUsd = config.minPriceUsd();
                    row.maxPriceUsd = config.maxPriceUsd();
                    row.createdBy = author;
                    row.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("underlying", underlying);
                    event.put("version", row.version);
                    event.put("previousVersion", vs.isEmpty() ? 0 : vs.get(0).version);
                    event.put("config", row.config());
                    event.put("author", author);
                    return Panache.getSession().flatMap(s -> s.persist(row))
                            .call(x -> outbox.record(tenant, Topics.EVENTS, "oracle", a.id, "OracleConfigChanged",
                                    event))
                            .map(x -> row.config());
                }));
    }

    /**
     * A page of the stored versions of an underlying, newest first (empty: the default is in force), after the
     * cursor (the last version); 404 unknown asset.
     *
     * @param tenant     the tenant
     * @param underlying asset symbol
     * @param after      the cursor of the previous page, or null
     * @param limit      the page size
     * @return the page
     */
    @WithSession
    public Uni<Page<OracleConfig>> versions(TenantId tenant, String underlying, Cursor after, int limit) {
        return assets.findBySymbol(tenant, underlying)
                .onItem().ifNull().failWith(() -> ApiException.notFound("asset", underlying))
                .flatMap(a -> oracles.versionsPage(tenant, a.id, after == null ? null : after.integer(0), limit + 1))
                .map(rows -> Page.of(rows, limit, r -> Cursor.of(r.version)).map(OracleConfigRow::config));
    }
}
