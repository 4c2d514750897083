package io.ballast.risk.market;

import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.domain.MarketPrice;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads and writes of the oracle tables: configuration versions, latest tick per source and the price in force.
 * Every query filters on tenant ids.
 */
@ApplicationScoped
@WithSession
public class OracleRepository {

    /**
     * One tenant asset's oracle as a batch of ticks finds it.
     *
     * @param asset      the asset (a detached view: id, tenant and symbol)
     * @param config     the configuration version in force, or null when none is stored (the default applies)
     * @param latest     the latest accepted tick per source
     * @param priceUsd   the price in force, USD per unit, or null when there is none
     * @param annualVol  its annualised vol, or null
     * @param observedAt its observation time, or null when there is no price
     */
    public record BatchState(Asset asset, OracleConfig config, Map<String, OracleGuard.SourceTick> latest,
            BigDecimal priceUsd, BigDecimal annualVol, Instant observedAt) {
    }

    /**
     * The oracle of every asset with one of these symbols of every ACTIVE tenant, in ONE statement: the asset, its
     * configuration in force, its latest tick per source and its price in force.
     *
     * <p>The symbols are a list parameter, which Hibernate expands in the text (one text per number of symbols, a
     * handful) and does not keep in its query plan cache. That is on purpose: Hibernate Reactive (3.2) wraps a native
     * select's result mapping anew at each execution in a class without {@code equals}, so the cache never finds the
     * plan again, adds one more entry of the same hash at each execution, and every lookup walks them all (about 10 %
     * of the service's CPU on the tick path before; docs/benchmarks.md, session 19).
     *
     * @param symbols the underlyings of a batch's accepted ticks
     * @return per asset, in tenant and asset order
     */
    public Uni<List<BatchState>> batchState(Collection<String> symbols) {
        List<String> list = List.copyOf(symbols);
        return Panache.getSession().flatMap(s -> s.createNativeQuery(BATCH_STATE, Object[].class)
                        .setParameter("s", list).getResultList())
                .map(OracleRepository::batchStates);
    }

    private static final String BATCH_STATE = """
            select a.tenant_id, a.id, a.symbol,
                   c.version, c.sources, c.staleness_seconds, c.max_deviation_fraction, c.max_jump_fraction,
                   c.min_price_usd, c.max_price_usd,
                   l.index_price_usd, l.annual_vol, l.observed_at,
                   o.source, o.price_usd, o.annual_vol, o.source_time
            from asset a
            join tenant t on t.id = a.tenant_id and t.status = 'ACTIVE'
            left join lateral (select * from oracle_config c where c.tenant_id = a.tenant_id and c.asset_id = a.id
                               order by c.version desc limit 1) c on true
            left join market_price_latest l on l.tenant_id = a.tenant_id and l.asset_id = a.id
            left join oracle_source_tick o on o.tenant_id = a.tenant_id and o.asset_id = a.id
            where a.symbol in (:s)
            order by a.tenant_id, a.id""";

    private static List<BatchState> batchStates(List<Object[]> rows) {
        List<BatchState> out = new ArrayList<>();
        BatchState current = null;
        for (Object[] r : rows) {
            UUID assetId = (UUID) r[1];
            if (current == null || !current.asset().id.equals(assetId)) {
                Asset asset = new Asset();
                asset.tenantId = (UUID) r[0];
                asset.id = assetId;
                asset.symbol = (String) r[2];
                OracleConfig config = r[3] == null ? null : OracleConfig.stored(((Number) r[3]).intValue(),
                        (String) r[4], ((Number) r[5]).intValue(), (BigDecimal) r[6], (BigDecimal) r[7],
                        (BigDecimal) r[8], (BigDecimal) r[9]);
                current = new BatchState(asset, config, new HashMap<>(), (BigDecimal) r[10], (BigDecimal) r[11],
                        r[12] == null ? null : instant(r[12]));
                out.add(current);
            }
            if (r[13] != null) {
                String source = (String) r[13];
                current.latest().put(source, new OracleGuard.SourceTick(source, (BigDecimal) r[14],
                        (BigDecimal) r[15], instant(r[16])));
            }
        }
        return out;
    }

    /** A {@code timestamptz} as the reactive driver hands it to a native query. */
    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.ZonedDateTime z) {
            return z.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("not a timestamp with time zone: " + value.getClass().getName());
    }

    /** Every stored version of a tenant's asset, newest first. */
    public Uni<List<OracleConfigRow>> versions(UUID tenantId, UUID assetId) {
        return Panache.getSession().flatMap(s -> s.createQuery("from OracleConfigRow c where c.tenantId = :t "
                        + "and c.assetId = :a order by c.version desc", OracleConfigRow.class)
                .setParameter("t", tenantId).setParameter("a", assetId).getResultList());
    }

    /**
     * A page of the stored versions of a tenant's asset, newest first: {@code rows} versions below {@code before}
     * (null: from the newest), a seek on the unique index {@code (tenant_id, asset_id, version)}.
     */
    public Uni<List<OracleConfigRow>> versionsPage(TenantId tenant, UUID assetId, Integer before, int rows) {
        int below = before == null ? Integer.MAX_VALUE : before;
        return Panache.getSession().flatMap(s -> s.createQuery("from OracleConfigRow c where c.tenantId = :t "
                        + "and c.assetId = :a and c.version < :b order by c.version desc", OracleConfigRow.class)
                .setParameter("t", tenant.value()).setParameter("a", assetId).setParameter("b", below)
                .setMaxResults(rows).getResultList());
    }

    /** Latest accepted tick per source of a tenant's assets. */
    public Uni<List<SourceTickRow>> sourceTicksOfTenant(UUID tenantId) {
        return Panache.getSession().flatMap(s -> s.createQuery("from SourceTickRow r where r.id.tenantId = :t",
                SourceTickRow.class).setParameter("t", tenantId).getResultList());
    }

    /** The price in force of a tenant's assets. */
    public Uni<List<MarketPriceLatest>> pricesInForceOfTenant(UUID tenantId) {
        return Panache.getSession().flatMap(s -> s.createQuery("from MarketPriceLatest l where l.key.tenantId = :t",
                MarketPriceLatest.class).setParameter("t", tenantId).getResultList());
    }

    /** Every configuration in force of a tenant, keyed by asset id. */
    public Uni<Map<UUID, OracleConfigRow>> configsOfTenant(UUID tenantId) {
        return configsWhere("c.tenantId = :x", tenantId);
    }

    private Uni<Map<UUID, OracleConfigRow>> configsWhere(String where, Object value) {
        return Panache.getSession().flatMap(s -> s.createQuery("from OracleConfigRow c where " + where
                        + " and c.version = (select max(d.version) from OracleConfigRow d where d.tenantId = c.tenantId "
                        + "and d.assetId = c.assetId)", OracleConfigRow.class)
                .setParameter("x", value).getResultList())
                .map(rows -> {
                    Map<UUID, OracleConfigRow> m = new HashMap<>();
                    rows.forEach(r -> m.put(r.assetId, r));
                    return m;
                });
    }

    /** A source's latest accepted tick of a tenant asset, to store. */
    public record SourceTickWrite(UUID tenantId, UUID assetId, Tick tick) {
    }

    /**
     * Writes a batch's end state in ONE statement: the sources' latest accepted ticks (each moving forward only)
     * and the new price rows, whose trigger moves {@code market_price_latest}. The rows travel as two JSON
     * parameters, so the statement's text is fixed whatever the batch's size (planned once per connection, no
     * limit of bind parameters). At most one tick per tenant, asset and source (one statement cannot upsert a row
     * twice).
     *
     * @param ticks      the sources' latest ticks to store
     * @param prices     the new {@code market_price} rows (ids set)
     * @param receivedAt when the ticks were received
     * @return price rows written
     */
    public Uni<Integer> writeBatch(List<SourceTickWrite> ticks, List<MarketPrice> prices, OffsetDateTime receivedAt) {
        if (ticks.isEmpty() && prices.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        JsonArray t = new JsonArray();
        for (SourceTickWrite w : ticks) {
            t.add(new JsonObject().put("tenant_id", w.tenantId().toString()).put("asset_id", w.assetId().toString())
                    .put("source", w.tick().source()).put("price_usd", w.tick().priceUsd().toPlainString())
                    .put("annual_vol", plain(w.tick().annualVol()))
                    .put("source_time", w.tick().sourceTime().toString()));
        }
        JsonArray p = new JsonArray();
        for (MarketPrice r : prices) {
            p.add(new JsonObject().put("id", r.id.toString()).put("tenant_id", r.tenantId.toString())
                    .put("asset_id", r.assetId.toString()).put("index_price_usd", r.indexPriceUsd.toPlainString())
                    .put("annual_vol", plain(r.annualVol)).put("observed_at", r.observedAt.toInstant().toString())
                    .put("created_at", r.createdAt.toInstant().toString()).put("source", r.source));
        }
        // an update, not a select: Hibernate keeps its plan (a native select's it never finds again: batchState)
        return Panache.getSession().flatMap(s -> s.createNativeQuery(WRITE_BATCH)
                .setParameter("t", t.encode()).setParameter("p", p.encode()).setParameter("r", receivedAt)
                .executeUpdate());
    }

    private static String plain(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    private static final String WRITE_BATCH = """
            with ticks as (
                insert into oracle_source_tick as o (tenant_id, asset_id, source, price_usd, annual_vol, source_time,
                                                     received_at)
                select x.tenant_id, x.asset_id, x.source, x.price_usd, x.annual_vol, x.source_time, :r
                from jsonb_to_recordset(cast(cast(:t as text) as jsonb))
                     as x(tenant_id uuid, asset_id uuid, source text, price_usd numeric, annual_vol numeric,
                          source_time timestamptz)
                on conflict (tenant_id, asset_id, source) do update set price_usd = excluded.price_usd,
                    annual_vol = excluded.annual_vol, source_time = excluded.source_time,
                    received_at = excluded.received_at
                    where o.source_time < excluded.source_time)
            insert into market_price (id, tenant_id, asset_id, index_price_usd, annual_vol, observed_at, created_at,
                                      source)
            select y.id, y.tenant_id, y.asset_id, y.index_price_usd, y.annual_vol, y.observed_at, y.created_at,
                   y.source
            from jsonb_to_recordset(cast(cast(:p as text) as jsonb))
                 as y(id uuid, tenant_id uuid, asset_id uuid, index_price_usd numeric, annual_vol numeric,
                      observed_at timestamptz, created_at timestamptz, source text)""";
}
