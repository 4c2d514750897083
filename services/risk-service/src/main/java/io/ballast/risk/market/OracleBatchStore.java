package io.ballast.risk.market;

import io.ballast.risk.domain.Asset;
import io.ballast.risk.domain.MarketPrice;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.ballast.risk.tenancy.rls.RowSecurity.Write;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
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
import java.util.function.Function;

/**
 * The price batch's statements, on the reactive SQL client: per poll of {@code ballast.prices}, one transaction that
 * reads the oracle state of the batch's underlyings for every tenant and writes the end state the guard left, in two
 * round trips ({@link RowSecurity#acrossTenantsReadThenWrite}). It is platform work: a tick fans out to every tenant
 * whose oracle uses its source (docs/security.md "Row-level security").
 */
@ApplicationScoped
public class OracleBatchStore {

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

    /** A source's latest accepted tick of a tenant asset, to store. */
    public record SourceTickWrite(UUID tenantId, UUID assetId, Tick tick) {
    }

    /**
     * What a batch writes once it has read, and what it answers.
     *
     * @param ticks      the sources' latest accepted ticks to store (at most one per tenant, asset and source: one
     *                   statement cannot upsert a row twice)
     * @param prices     the new {@code market_price} rows (ids set)
     * @param receivedAt when the ticks were received
     * @param result     the answer, once committed
     * @param <T>        its type
     */
    public record BatchWrite<T>(List<SourceTickWrite> ticks, List<MarketPrice> prices, OffsetDateTime receivedAt,
            T result) {
    }

    private final Pool pool;

    /** Wires the SQL client. */
    public OracleBatchStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * In one transaction: reads the oracle of every asset with one of these symbols of every ACTIVE tenant (the
     * asset, its configuration in force, its latest tick per source, its price in force), hands it to the guard, and
     * writes what the guard answers in ONE statement: the sources' latest accepted ticks (each moving forward only)
     * and the new price rows, whose trigger moves {@code market_price_latest}. The rows travel as two JSON parameters,
     * so the statement's text is fixed whatever the batch's size.
     *
     * @param symbols the underlyings of a batch's accepted ticks
     * @param guard   from the state read (per asset, in tenant and asset order), what to write and answer
     * @param <T>     the answer's type
     * @return the answer, after commit
     */
    public <T> Uni<T> readThenWrite(Collection<String> symbols, Function<List<BatchState>, BatchWrite<T>> guard) {
        return RowSecurity.acrossTenantsReadThenWrite(pool, BATCH_STATE, Tuple.of(symbols.toArray(String[]::new)),
                rows -> write(guard.apply(states(rows))));
    }

    private static <T> Write<T> write(BatchWrite<T> w) {
        if (w.ticks().isEmpty() && w.prices().isEmpty()) {
            return Write.none(w.result());
        }
        JsonArray t = new JsonArray();
        for (SourceTickWrite s : w.ticks()) {
            t.add(new JsonObject().put("tenant_id", s.tenantId().toString()).put("asset_id", s.assetId().toString())
                    .put("source", s.tick().source()).put("price_usd", s.tick().priceUsd().toPlainString())
                    .put("annual_vol", plain(s.tick().annualVol()))
                    .put("source_time", s.tick().sourceTime().toString()));
        }
        JsonArray p = new JsonArray();
        for (MarketPrice r : w.prices()) {
            p.add(new JsonObject().put("id", r.id.toString()).put("tenant_id", r.tenantId.toString())
                    .put("asset_id", r.assetId.toString()).put("index_price_usd", r.indexPriceUsd.toPlainString())
                    .put("annual_vol", plain(r.annualVol)).put("observed_at", r.observedAt.toInstant().toString())
                    .put("created_at", r.createdAt.toInstant().toString()).put("source", r.source));
        }
        return new Write<>(WRITE_BATCH, Tuple.of(t.encode(), p.encode(), w.receivedAt()), w.result());
    }

    private static String plain(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    /**
     * Joins an asset {@code a} to its oracle: {@code c} its configuration in force (none: the default), {@code l} its
     * price in force, {@code o} one row per source's latest accepted tick (ends with a line break).
     */
    static final String ORACLE_OF_ASSET = """
            left join lateral (select * from oracle_config c where c.tenant_id = a.tenant_id and c.asset_id = a.id
                               order by c.version desc limit 1) c on true
            left join market_price_latest l on l.tenant_id = a.tenant_id and l.asset_id = a.id
            left join oracle_source_tick o on o.tenant_id = a.tenant_id and o.asset_id = a.id
            """;

    private static final String BATCH_STATE = """
            select a.tenant_id, a.id, a.symbol,
                   c.version, c.sources, c.staleness_seconds, c.max_deviation_fraction, c.max_jump_fraction,
                   c.min_price_usd, c.max_price_usd,
                   l.index_price_usd, l.annual_vol, l.observed_at,
                   o.source, o.price_usd, o.annual_vol, o.source_time
            from asset a
            join tenant t on t.id = a.tenant_id and t.status = 'ACTIVE'
            """ + ORACLE_OF_ASSET + """
            where a.symbol = any($1)
            order by a.tenant_id, a.id""";

    private static List<BatchState> states(RowSet<Row> rows) {
        List<BatchState> out = new ArrayList<>();
        BatchState current = null;
        for (Row r : rows) {
            UUID assetId = r.getUUID(1);
            if (current == null || !current.asset().id.equals(assetId)) {
                Asset asset = new Asset();
                asset.tenantId = r.getUUID(0);
                asset.id = assetId;
                asset.symbol = r.getString(2);
                OracleConfig config = r.getValue(3) == null ? null : OracleConfig.stored(r.getInteger(3),
                        r.getString(4), r.getInteger(5), r.getBigDecimal(6), r.getBigDecimal(7), r.getBigDecimal(8),
                        r.getBigDecimal(9));
                current = new BatchState(asset, config, new HashMap<>(), r.getBigDecimal(10), r.getBigDecimal(11),
                        r.getValue(12) == null ? null : r.getOffsetDateTime(12).toInstant());
                out.add(current);
            }
            if (r.getValue(13) != null) {
                String source = r.getString(13);
                current.latest().put(source, new OracleGuard.SourceTick(source, r.getBigDecimal(14),
                        r.getBigDecimal(15), r.getOffsetDateTime(16).toInstant()));
            }
        }
        return out;
    }

    private static final String WRITE_BATCH = """
            with ticks as (
                insert into oracle_source_tick as o (tenant_id, asset_id, source, price_usd, annual_vol, source_time,
                                                     received_at)
                select x.tenant_id, x.asset_id, x.source, x.price_usd, x.annual_vol, x.source_time, $3
                from jsonb_to_recordset(cast(cast($1 as text) as jsonb))
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
            from jsonb_to_recordset(cast(cast($2 as text) as jsonb))
                 as y(id uuid, tenant_id uuid, asset_id uuid, index_price_usd numeric, annual_vol numeric,
                      observed_at timestamptz, created_at timestamptz, source text)""";
}
