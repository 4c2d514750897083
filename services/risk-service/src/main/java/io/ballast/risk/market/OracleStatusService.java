package io.ballast.risk.market;

import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.market.OracleGuard.SourceTick;
import io.ballast.risk.repository.AssetRepository;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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

    /**
     * What the live loop's check of health by age needs of one tenant's oracles.
     *
     * @param bySymbol     each asset's oracle health now, by symbol (as {@link #status} computes it)
     * @param priceInForce the id of each asset's price row in force, by asset id (assets without a price absent)
     */
    public record Health(Map<String, OracleHealth> bySymbol, Map<UUID, UUID> priceInForce) {
    }

    /**
     * Every asset of the given tenants with its configuration in force, price in force and latest tick per source,
     * in one statement (one row per asset and source), in tenant and asset order.
     */
    private static final String HEALTH = """
            select a.tenant_id, a.id as asset_id, a.symbol,
                   c.version, c.sources, c.staleness_seconds, c.max_deviation_fraction, c.max_jump_fraction,
                   c.min_price_usd, c.max_price_usd,
                   l.id as price_id, l.observed_at,
                   o.source, o.price_usd, o.annual_vol, o.source_time
            from asset a
            """ + OracleBatchStore.ORACLE_OF_ASSET + """
            where a.tenant_id = any($1)
            order by a.tenant_id, a.id""";

    private final AssetRepository assets;
    private final OracleRepository oracles;
    private final OracleService oracle;
    private final Pool pool;

    /** Wires collaborators. */
    public OracleStatusService(AssetRepository assets, OracleRepository oracles, OracleService oracle, Pool pool) {
        this.assets = assets;
        this.oracles = oracles;
        this.oracle = oracle;
        this.pool = pool;
    }

    /**
     * The oracles' health now of several tenants, for the live loop's check of health by age: per tenant, the
     * health {@link #status} would answer for each asset and the id of each price in force. ONE statement on the
     * SQL client, no Hibernate session, whatever the number of tenants: the check runs every few seconds for every
     * tenant an instance owns, and on the event loops that serve the API and the price consumer (before: six session
     * queries a tenant in a transaction of its own, 7-10 ms a tenant on an idle machine, where this statement's
     * transaction takes about 4 ms for three tenants; docs/benchmarks.md, session 22). A platform read
     * (docs/security.md, "Row-level security"): the tenants are those whose books this instance holds.
     *
     * @param tenants the tenants
     * @return health per tenant with at least one asset
     */
    public Uni<Map<UUID, Health>> healthOfTenants(Collection<UUID> tenants) {
        if (tenants.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return RowSecurity.queryAcrossTenants(pool, HEALTH, Tuple.of(tenants.toArray(UUID[]::new)))
                .map(rows -> {
                    Instant now = Instant.now();
                    Map<UUID, Health> out = new HashMap<>();
                    List<Row> asset = new ArrayList<>();
                    for (Row r : rows) {
                        if (!asset.isEmpty() && !asset.get(0).getUUID("asset_id").equals(r.getUUID("asset_id"))) {
                            addHealth(out, asset, now);
                            asset.clear();
                        }
                        asset.add(r);
                    }
                    if (!asset.isEmpty()) {
                        addHealth(out, asset, now);
                    }
                    return out;
                });
    }

    /** One asset's rows (one per source with a stored tick, at least one): its health and price in force. */
    private void addHealth(Map<UUID, Health> out, List<Row> rows, Instant now) {
        Row first = rows.get(0);
        OracleConfig c = first.getValue("version") == null ? oracle.defaultConfig()
                : OracleConfig.stored(first.getInteger("version"), first.getString("sources"),
                        first.getInteger("staleness_seconds"), first.getBigDecimal("max_deviation_fraction"),
                        first.getBigDecimal("max_jump_fraction"), first.getBigDecimal("min_price_usd"),
                        first.getBigDecimal("max_price_usd"));
        List<SourceTick> ticks = new ArrayList<>();
        for (Row r : rows) {
            if (r.getString("source") != null) {
                ticks.add(new SourceTick(r.getString("source"), r.getBigDecimal("price_usd"),
                        r.getBigDecimal("annual_vol"), r.getOffsetDateTime("source_time").toInstant()));
            }
        }
        Instant observed = first.getValue("observed_at") == null ? null
                : first.getOffsetDateTime("observed_at").toInstant();
        Health h = out.computeIfAbsent(first.getUUID("tenant_id"), t -> new Health(new HashMap<>(), new HashMap<>()));
        h.bySymbol().put(first.getString("symbol"), oracle.guard().health(c, observed, ticks, now));
        if (first.getValue("price_id") != null) {
            h.priceInForce().put(first.getUUID("asset_id"), first.getUUID("price_id"));
        }
    }

    /**
     * Every asset's oracle of the tenant, by symbol.
     *
     * @param tenant the tenant
     * @return views by symbol, sorted
     */
    @WithSession
    public Uni<Map<String, OracleView>> status(TenantId tenant) {
        // prices first: the source ticks read after them are at least as new (no price without its sources)
        return assets.listFor(tenant).flatMap(as -> oracles.configsOfTenant(tenant.value())
                .flatMap(configs -> oracles.pricesInForceOfTenant(tenant.value())
                        .flatMap(prices -> oracles.sourceTicksOfTenant(tenant.value())
                                .map(ticks -> views(as, configs, ticks, prices, Instant.now())))));
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
