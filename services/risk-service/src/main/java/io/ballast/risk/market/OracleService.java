package io.ballast.risk.market;

import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.market.OracleGuard.Index;
import io.ballast.risk.market.OracleGuard.SourceTick;
import io.ballast.risk.market.OracleGuard.Verdict;
import io.ballast.risk.repository.MarketPriceRepository;
import io.ballast.risk.tenancy.rls.CrossTenant;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Applies a platform tick to the oracles of the tenants it concerns, in one transaction: per tenant, the guard
 * accepts or rejects it; an accepted tick becomes the source's latest tick and, when the index it makes moves, a new
 * {@code market_price} row (source {@code oracle}) that the trigger carries into {@code market_price_latest}.
 */
@ApplicationScoped
public class OracleService {

    /**
     * What a tick did to one tenant's oracle.
     *
     * @param tenant     the tenant
     * @param underlying the asset symbol
     * @param assetId    the asset id
     * @param verdict    accepted, or rejected with the reason
     * @param index      the index after the tick (when accepted and a configured source is fresh), or null
     * @param price      the new price row in force when the index moved, or null
     */
    public record TenantOutcome(TenantId tenant, String underlying, UUID assetId, Verdict verdict, Index index,
            MarketPrice price) {
    }

    /**
     * What a tick did overall.
     *
     * @param tick      the tick
     * @param global    the tenant-independent verdict; when rejected, no tenant was looked at
     * @param outcomes  one per tenant whose oracle uses the tick's source for the underlying (and that this
     *                  instance owns)
     */
    public record TickOutcome(Tick tick, Verdict global, List<TenantOutcome> outcomes) {
    }

    private final OracleRepository oracles;
    private final MarketPriceRepository prices;
    private final OracleSettings settings;
    private final OracleGuard guard;
    /**
     * Ticks rejected as a jump, per tenant, asset and source ({@code tenant|asset|source}): a later tick of another
     * source at the same level confirms them. Held in memory by the owner; lost on restart or rebalance, after which
     * a real jump needs two new ticks of two sources.
     */
    private final Map<String, SourceTick> jumpCandidates = new java.util.concurrent.ConcurrentHashMap<>();

    /** Wires collaborators. */
    public OracleService(OracleRepository oracles, MarketPriceRepository prices, OracleSettings settings) {
        this.oracles = oracles;
        this.prices = prices;
        this.settings = settings;
        this.guard = new OracleGuard(settings.futureTolerance());
    }

    /** @return the guard with this service's settings */
    public OracleGuard guard() {
        return guard;
    }

    /** @return the default configuration of an underlying without a stored one */
    public OracleConfig defaultConfig() {
        return OracleConfig.defaults(settings.defaultSources());
    }

    /**
     * Applies a tick to every tenant that has the underlying, is ACTIVE and is owned here.
     *
     * @param tick  the parsed tick
     * @param owned which tenants this instance owns
     * @param now   this clock
     * @return per tenant, what happened
     */
    @WithTransaction
    @CrossTenant("a platform tick fans out to every tenant whose oracle uses its source")
    public Uni<TickOutcome> apply(Tick tick, Predicate<UUID> owned, Instant now) {
        Verdict global = guard.checkTick(tick, now);
        if (!global.accepted()) {
            return Uni.createFrom().item(new TickOutcome(tick, global, List.of()));
        }
        return oracles.assetsOfActiveTenants(tick.underlying()).flatMap(all -> {
            List<Asset> assets = all.stream().filter(a -> owned.test(a.tenantId)).toList();
            List<UUID> ids = assets.stream().map(a -> a.id).toList();
            return oracles.configsInForce(ids).flatMap(configs -> oracles.sourceTicks(ids)
                    .flatMap(ticks -> oracles.pricesInForce(ids).flatMap(inForce -> {
                        Map<UUID, Map<String, SourceTick>> bySource = new HashMap<>();
                        ticks.forEach(t -> bySource.computeIfAbsent(t.id.assetId(), k -> new HashMap<>())
                                .put(t.id.source(), t.tick()));
                        Map<UUID, MarketPriceLatest> priceByAsset = new HashMap<>();
                        inForce.forEach(p -> priceByAsset.put(p.key.assetId(), p));
                        List<Asset> concerned = new ArrayList<>();
                        for (Asset a : assets) {
                            if (config(configs, a.id).sources().contains(tick.source())) {
                                concerned.add(a);
                            }
                        }
                        return Multi.createFrom().iterable(concerned).onItem().transformToUniAndConcatenate(a ->
                                        applyToTenant(tick, a, config(configs, a.id),
                                                bySource.getOrDefault(a.id, new HashMap<>()), priceByAsset.get(a.id),
                                                now))
                                .collect().asList();
                    })))
                    .map(outcomes -> new TickOutcome(tick, global, outcomes));
        });
    }

    private OracleConfig config(Map<UUID, OracleConfigRow> configs, UUID assetId) {
        OracleConfigRow row = configs.get(assetId);
        return row == null ? defaultConfig() : row.config();
    }

    private Uni<TenantOutcome> applyToTenant(Tick tick, Asset asset, OracleConfig config,
            Map<String, SourceTick> latest, MarketPriceLatest inForce, Instant now) {
        TenantId tenant = TenantId.of(asset.tenantId);
        BigDecimal current = inForce == null ? null : inForce.indexPriceUsd;
        String prefix = asset.tenantId + "|" + asset.id + "|";
        List<SourceTick> candidates = new ArrayList<>();
        jumpCandidates.forEach((k, t) -> {
            if (k.startsWith(prefix)) {
                candidates.add(t);
            }
        });
        Verdict v = guard.checkForTenant(tick, config, latest, candidates, current, now);
        SourceTick mine = new SourceTick(tick.source(), tick.priceUsd(), tick.annualVol(), tick.sourceTime());
        if (!v.accepted()) {
            if ("jump".equals(v.reason())) {
                jumpCandidates.put(prefix + tick.source(), mine);
            }
            return Uni.createFrom().item(new TenantOutcome(tenant, asset.symbol, asset.id, v, null, null));
        }
        OffsetDateTime receivedAt = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        jumpCandidates.remove(prefix + tick.source());
        latest.put(tick.source(), mine);
        Uni<Integer> promoted = Uni.createFrom().item(0);
        SourceTick confirming = v.confirmedBy();
        if (confirming != null && jumpCandidates.remove(prefix + confirming.source(), confirming)) {
            // the candidate that confirmed this jump is accepted with it
            latest.put(confirming.source(), confirming);
            promoted = oracles.upsertSourceTick(asset.tenantId, asset.id, new Tick(confirming.source(),
                    tick.underlying(), confirming.priceUsd(), confirming.annualVol(), confirming.sourceTime()),
                    receivedAt);
        }
        Optional<Index> index = guard.index(config, latest.values(), now);
        return promoted.flatMap(p -> oracles.upsertSourceTick(asset.tenantId, asset.id, tick, receivedAt)).flatMap(x -> {
            if (index.isEmpty() || !moves(inForce, index.get())) {
                return Uni.createFrom().item(new TenantOutcome(tenant, asset.symbol, asset.id, v,
                        index.orElse(null), null));
            }
            Index i = index.get();
            MarketPrice row = new MarketPrice();
            row.id = UUID.randomUUID();
            row.tenantId = asset.tenantId;
            row.assetId = asset.id;
            row.indexPriceUsd = i.priceUsd();
            row.annualVol = i.annualVol() != null ? i.annualVol() : inForce == null ? null : inForce.annualVol;
            row.observedAt = OffsetDateTime.ofInstant(i.observedAt(), ZoneOffset.UTC);
            row.createdAt = receivedAt;
            row.source = "oracle";
            return prices.persist(row).map(p -> new TenantOutcome(tenant, asset.symbol, asset.id, v, i, row));
        });
    }

    /** Whether the index would move the price in force: a new level or vol, at a time not before it. */
    private static boolean moves(MarketPriceLatest inForce, Index index) {
        if (inForce == null) {
            return true;
        }
        if (index.observedAt().isBefore(inForce.observedAt.toInstant())) {
            return false;
        }
        boolean sameVol = index.annualVol() == null || inForce.annualVol != null
                && inForce.annualVol.compareTo(index.annualVol()) == 0;
        return inForce.indexPriceUsd.compareTo(index.priceUsd()) != 0 || !sameVol
                || index.observedAt().isAfter(inForce.observedAt.toInstant());
    }
}
