package io.ballast.risk.market;

import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.market.OracleGuard.SourceTick;
import io.ballast.risk.repository.AssetRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The state of a tenant's oracles now: per asset, the configuration, the price in force, its age, the health. */
@ApplicationScoped
public class OracleStatusService {

    /**
     * One source's latest accepted tick.
     *
     * @param source     source name
     * @param priceUsd   price, USD
     * @param annualVol  vol (fraction) or null
     * @param sourceTime the source's time
     * @param fresh      whether it is within the staleness limit now
     */
    public record SourceView(String source, BigDecimal priceUsd, BigDecimal annualVol, Instant sourceTime,
            boolean fresh) {
    }

    /**
     * An asset's oracle now.
     *
     * @param underlying    asset symbol
     * @param config        the configuration in force (version 0: the default)
     * @param priceUsd      the price in force, USD, or null
     * @param annualVol     the vol in force (fraction) or null
     * @param observedAt    observation time of the price in force, or null
     * @param ageSeconds    now - observedAt, seconds (may be negative within the future tolerance), or null
     * @param priceSource   {@code tenant} or {@code oracle}, or null
     * @param priceVersion  id of the history row in force, or null
     * @param health        HEALTHY or UNHEALTHY (no fresh price, or fresh sources disagree)
     * @param sources       latest accepted tick per source
     */
    public record OracleView(String underlying, OracleConfig config, BigDecimal priceUsd, BigDecimal annualVol,
            Instant observedAt, Double ageSeconds, String priceSource, UUID priceVersion, OracleHealth health,
            List<SourceView> sources) {
    }

    private final AssetRepository assets;
    private final OracleRepository oracles;
    private final OracleService oracle;

    /** Wires collaborators. */
    public OracleStatusService(AssetRepository assets, OracleRepository oracles, OracleService oracle) {
        this.assets = assets;
        this.oracles = oracles;
        this.oracle = oracle;
    }

    /**
     * Every asset's oracle of the tenant, by symbol.
     *
     * @param tenant the tenant
     * @return views by symbol, sorted
     */
    @WithSession
    public Uni<Map<String, OracleView>> status(TenantId tenant) {
        return assets.listFor(tenant).flatMap(as -> oracles.configsOfTenant(tenant.value())
                .flatMap(configs -> oracles.sourceTicksOfTenant(tenant.value())
                        .flatMap(ticks -> oracles.pricesInForceOfTenant(tenant.value())
                                .map(prices -> views(as, configs, ticks, prices, Instant.now())))));
    }

    private Map<String, OracleView> views(List<Asset> as, Map<UUID, OracleConfigRow> configs,
            List<SourceTickRow> ticks, List<MarketPriceLatest> prices, Instant now) {
        Map<UUID, List<SourceTick>> byAsset = new HashMap<>();
        ticks.forEach(t -> byAsset.computeIfAbsent(t.id.assetId(), k -> new ArrayList<>()).add(t.tick()));
        Map<UUID, MarketPriceLatest> price = new HashMap<>();
        prices.forEach(p -> price.put(p.key.assetId(), p));
        Map<String, OracleView> out = new LinkedHashMap<>();
        as.stream().sorted(Comparator.comparing(a -> a.symbol)).forEach(a -> {
            OracleConfig c = configs.containsKey(a.id) ? configs.get(a.id).config() : oracle.defaultConfig();
            List<SourceTick> st = byAsset.getOrDefault(a.id, List.of());
            MarketPriceLatest p = price.get(a.id);
            Instant observed = p == null ? null : p.observedAt.toInstant();
            OracleHealth h = oracle.guard().health(c, observed, st, now);
            List<SourceView> sv = st.stream().sorted(Comparator.comparing(SourceTick::source))
                    .map(s -> new SourceView(s.source(), s.priceUsd().stripTrailingZeros(),
                            s.annualVol() == null ? null : s.annualVol().stripTrailingZeros(), s.sourceTime(),
                            !OracleGuard.isStale(s.sourceTime(), c, now)))
                    .toList();
            out.put(a.symbol, new OracleView(a.symbol, c, p == null ? null : p.indexPriceUsd.stripTrailingZeros(),
                    p == null || p.annualVol == null ? null : p.annualVol.stripTrailingZeros(), observed,
                    observed == null ? null : Duration.between(observed, now).toMillis() / 1000.0,
                    p == null ? null : p.source, p == null ? null : p.id, h, sv));
        });
        return out;
    }
}
