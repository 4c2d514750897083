package io.ballast.risk.recommendation.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.ml.data.HourlyBar;
import io.ballast.ml.registry.ModelArtifact;
import io.ballast.predictive.GuardrailState;
import io.ballast.predictive.RecommendedParameters;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.recommendation.service.AssetRecommendation;
import io.ballast.risk.tenancy.rls.RowSecurity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * SQL of the recommendation capability (reactive client): the model registry ({@code forecast_model}), stored
 * recommendations ({@code margin_recommendation}) with their forecasts ({@code vol_forecast}), and the risk
 * parameters in force that the guardrails compare against. Every query filters on the tenant.
 */
@ApplicationScoped
public class RecommendationStore {

    /**
     * An asset of the tenant.
     *
     * @param id     asset id
     * @param symbol symbol
     */
    public record AssetRef(UUID id, String symbol) {
    }

    /**
     * A registered model version.
     *
     * @param id       row id
     * @param version  version number (per tenant and asset, shared by the horizons of one retraining)
     * @param artifact the artifact (metadata and Tribuo bytes)
     */
    public record RegisteredModel(UUID id, int version, ModelArtifact artifact) {
    }

    /**
     * The asset's risk parameters in force (the latest {@code risk_parameter} version whose effective time has come).
     *
     * @param version       its version number
     * @param effectiveFrom when it took effect
     * @param mmf           maintenance margin fraction
     * @param imf           initial margin fraction
     * @param haircut       collateral haircut
     */
    public record InForce(int version, OffsetDateTime effectiveFrom, double mmf, double imf, double haircut) {
    }

    /**
     * A stored recommendation.
     *
     * @param evaluationDate the day it is for
     * @param fingerprint    history fingerprint it was made from
     * @param state          guardrail state it left (smoothing and buffer carry over; applied is what it proposed)
     * @param startedFrom    guardrail state it was computed from (the parameters in force then, the smoothing and
     *                       buffer carried over), or null when nothing was in force
     * @param served         the recommendation as served
     */
    public record StoredRecommendation(LocalDate evaluationDate, String fingerprint, GuardrailState state,
            GuardrailState startedFrom, AssetRecommendation served) {
    }

    /** The columns {@link #stored} reads, in its order. */
    private static final String STORED_COLUMNS = "evaluation_date, history_fingerprint, guardrail_state::text, "
            + "previous_state::text, recommendation::text";

    /**
     * A forecast to store.
     *
     * @param horizonDays     horizon (days)
     * @param model           model name
     * @param registeredModel the registered model it came from, or null (EWMA fallback)
     * @param variance        h-day variance, daily log-return units
     */
    public record ForecastRow(int horizonDays, String model, RegisteredModel registeredModel, double variance) {
    }

    private final Pool pool;
    private final ObjectMapper json;

    /** Wires collaborators; stored JSON is read leniently (rows written by earlier versions may carry more). */
    public RecommendationStore(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** The tenant's assets by symbol (only {@code symbol} when given; 404 when that one does not exist). */
    public Uni<List<AssetRef>> assets(TenantId tenant, String symbol) {
        return RowSecurity.query(pool, tenant,
                        "select id, symbol from asset where tenant_id = $1 and ($2::text is null or "
                        + "symbol = $2) order by symbol", Tuple.of(tenant.value(), symbol))
                .map(rows -> {
                    if (symbol != null && rows.rowCount() == 0) {
                        throw ApiException.notFound("asset", symbol);
                    }
                    List<AssetRef> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new AssetRef(r.getUUID(0), r.getString(1))));
                    return out;
                });
    }

    /** Daily bars stored per asset id (assets without bars are absent). */
    public Uni<Map<UUID, Long>> barCounts(TenantId tenant) {
        return RowSecurity.query(pool, tenant, "select asset_id, count(*) from market_daily_bar where tenant_id = $1 "
                        + "group by asset_id", Tuple.of(tenant.value()))
                .map(rows -> {
                    Map<UUID, Long> out = new HashMap<>();
                    rows.forEach(r -> out.put(r.getUUID(0), r.getLong(1)));
                    return out;
                });
    }

    /** The latest stored recommendation of every asset of the tenant, by asset id. */
    public Uni<Map<UUID, StoredRecommendation>> latest(TenantId tenant) {
        return RowSecurity.query(pool, tenant,
                        "select distinct on (asset_id) asset_id, " + STORED_COLUMNS + " from margin_recommendation "
                        + "where tenant_id = $1 order by asset_id, evaluation_date desc, created_at desc",
                        Tuple.of(tenant.value()))
                .map(rows -> {
                    Map<UUID, StoredRecommendation> out = new HashMap<>();
                    rows.forEach(r -> out.put(r.getUUID(0), stored(r, 1)));
                    return out;
                });
    }

    /** The latest recommendation of an asset made for a day before {@code day}, or null. */
    public Uni<StoredRecommendation> latestBefore(TenantId tenant, UUID asset, LocalDate day) {
        return first(tenant, "evaluation_date < $3 order by evaluation_date desc, created_at desc",
                Tuple.of(tenant.value(), asset, day));
    }

    /**
     * The first stored recommendation of an asset that matches {@code condition} (on parameters from $3, after the
     * tenant $1 and asset $2; it may end with an order), or null.
     */
    private Uni<StoredRecommendation> first(TenantId tenant, String condition, Tuple args) {
        return RowSecurity.query(pool, tenant, "select " + STORED_COLUMNS + " from margin_recommendation "
                        + "where tenant_id = $1 and asset_id = $2 and " + condition + " limit 1", args)
                .map(rows -> rows.rowCount() == 0 ? null : stored(rows.iterator().next(), 0));
    }

    /** Ids of the active tenants ({@code only} alone when given). */
    public Uni<List<UUID>> activeTenants(UUID only) {
        return RowSecurity.queryAcrossTenants(pool, "select id from tenant where status = 'ACTIVE' and ($1::uuid is "
                        + "null or id = $1) order by id", Tuple.of(only))
                .map(rows -> {
                    List<UUID> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getUUID(0)));
                    return out;
                });
    }

    /** The latest recommendation stored for this asset and day (the close's, or a later intraday one), or null. */
    public Uni<StoredRecommendation> latestFor(TenantId tenant, UUID asset, LocalDate day) {
        return first(tenant, "evaluation_date = $3 order by created_at desc", Tuple.of(tenant.value(), asset, day));
    }

    /**
     * The last index price of each UTC hour in {@code [from, to)} from the asset's {@code market_price} history (every
     * source: the oracle's index and prices the tenant wrote), ascending, as hourly bars (open = high = low = close).
     */
    public Uni<List<HourlyBar>> hourlyIndexCloses(TenantId tenant, UUID asset, Instant from, Instant to) {
        return RowSecurity.query(pool, tenant, "select distinct on (h) h, index_price_usd from (select "
                        + "date_trunc('hour', observed_at at time zone 'UTC') as h, index_price_usd, observed_at, "
                        + "created_at from market_price where tenant_id = $1 and asset_id = $2 and observed_at >= $3 "
                        + "and observed_at < $4) p order by h, observed_at desc, created_at desc",
                        Tuple.of(tenant.value(), asset, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    List<HourlyBar> out = new ArrayList<>();
                    for (Row r : rows) {
                        double p = r.getBigDecimal(1).doubleValue();
                        out.add(new HourlyBar(r.getLocalDateTime(0).toInstant(ZoneOffset.UTC), p, p, p, p, 0));
                    }
                    return out;
                });
    }

    /** The recommendation already made for this asset, day and history, or null. */
    public Uni<StoredRecommendation> existing(TenantId tenant, UUID asset, LocalDate day, String fingerprint) {
        return first(tenant, "evaluation_date = $3 and history_fingerprint = $4",
                Tuple.of(tenant.value(), asset, day, fingerprint));
    }

    /** The asset's risk parameters in force now, or null when it has none. */
    public Uni<InForce> inForce(TenantId tenant, UUID asset) {
        return RowSecurity.query(pool, tenant, "select version, effective_from, maintenance_margin_fraction, "
                        + "initial_margin_fraction, collateral_haircut from risk_parameter where tenant_id = $1 "
                        + "and scope = 'ASSET' and target_id = $2 and effective_from <= now() "
                        + "order by effective_from desc, version desc limit 1", Tuple.of(tenant.value(), asset))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return null;
                    }
                    Row r = rows.iterator().next();
                    return new InForce(r.getInteger(0), r.getOffsetDateTime(1), r.getBigDecimal(2).doubleValue(),
                            r.getBigDecimal(3).doubleValue(), r.getBigDecimal(4).doubleValue());
                });
    }

    /** The champion (highest version) of every horizon registered for the asset, by horizon. */
    public Uni<Map<Integer, RegisteredModel>> champions(TenantId tenant, UUID asset, String symbol) {
        return RowSecurity.query(pool, tenant, "select distinct on (horizon_days) id, horizon_days, version, model, "
                        + "metadata::text, model_bytes from forecast_model where tenant_id = $1 and asset_id = $2 "
                        + "order by horizon_days, version desc", Tuple.of(tenant.value(), asset))
                .map(rows -> {
                    Map<Integer, RegisteredModel> out = new TreeMap<>();
                    for (Row r : rows) {
                        var bytes = r.getBuffer(5);
                        @SuppressWarnings("unchecked")
                        Map<String, Object> meta = read(r.getString(4), Map.class);
                        out.put(r.getInteger(1), new RegisteredModel(r.getUUID(0), r.getInteger(2),
                                new ModelArtifact(symbol, r.getInteger(1), r.getString(3), meta,
                                        bytes == null ? null : bytes.getBytes())));
                    }
                    return out;
                });
    }

    /**
     * Registers one retraining's artifacts (one per horizon) under the asset's next version, in one transaction.
     *
     * @return the version
     */
    public Uni<Integer> register(TenantId tenant, UUID asset, List<ModelArtifact> artifacts) {
        return RowSecurity.inTenant(pool, tenant,
                        conn -> conn.preparedQuery("select coalesce(max(version), 0) + 1 from "
                        + "forecast_model where tenant_id = $1 and asset_id = $2")
                .execute(Tuple.of(tenant.value(), asset))
                .flatMap(rows -> {
                    int version = rows.iterator().next().getInteger(0);
                    List<Tuple> batch = new ArrayList<>();
                    for (ModelArtifact a : artifacts) {
                        Map<String, Object> meta = new java.util.LinkedHashMap<>(a.metadata());
                        meta.put("version", version);
                        batch.add(Tuple.from(Arrays.asList(UUID.randomUUID(), tenant.value(), asset,
                                a.horizonDays(), version, a.model(), a.fingerprint(), write(meta),
                                a.modelBytes() == null ? null
                                        : io.vertx.core.buffer.Buffer.buffer(a.modelBytes()))));
                    }
                    return conn.preparedQuery("insert into forecast_model (id, tenant_id, asset_id, horizon_days, "
                                    + "version, model, training_fingerprint, metadata, model_bytes) values ($1, $2, $3, "
                                    + "$4, $5, $6, $7, $8::text::jsonb, $9)").executeBatch(batch)
                            .replaceWith(version);
                }));
    }

    /**
     * Stores a recommendation and the forecasts it used in one transaction. A recommendation already stored for the
     * same asset, day and history (another instance got there first) is kept and nothing is written.
     *
     * @return true when this call stored it
     */
    public Uni<Boolean> store(TenantId tenant, UUID asset, UUID runId, AssetRecommendation rec, String fingerprint,
            GuardrailState fed, GuardrailState next, List<ForecastRow> forecasts) {
        List<Object> values = Arrays.asList(rec.id(), tenant.value(), asset, rec.date(), rec.lastBarDate(),
                rec.forecastModel(), rec.decision(), rec.recommended().mmf(), rec.recommended().imf(), write(next),
                write(rec), fingerprint, fed == null ? null : write(fed), runId, rec.modelVersion());
        return RowSecurity.inTenant(pool, tenant,
                        conn -> conn.preparedQuery("insert into margin_recommendation (id, tenant_id, "
                        + "asset_id, evaluation_date, last_bar_date, forecast_model, decision, mmf, imf, "
                        + "guardrail_state, recommendation, history_fingerprint, previous_state, run_id, "
                        + "model_version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb, "
                        + "$11::text::jsonb, $12, $13::text::jsonb, $14, $15) on conflict (tenant_id, asset_id, "
                        + "evaluation_date, history_fingerprint) do nothing")
                .execute(Tuple.from(values))
                .flatMap(ins -> {
                    if (ins.rowCount() == 0 || forecasts.isEmpty()) {
                        return Uni.createFrom().item(ins.rowCount() == 1);
                    }
                    List<Tuple> batch = new ArrayList<>();
                    for (ForecastRow f : forecasts) {
                        RegisteredModel m = f.registeredModel();
                        batch.add(Tuple.from(Arrays.asList(UUID.randomUUID(), tenant.value(), asset, runId,
                                rec.lastBarDate(), f.horizonDays(), f.model(), m == null ? null : m.version(),
                                m == null ? null : m.id(), f.variance())));
                    }
                    return conn.preparedQuery("insert into vol_forecast (id, tenant_id, asset_id, run_id, as_of, "
                                    + "horizon_days, model, model_version, forecast_model_id, variance) values ($1, $2, "
                                    + "$3, $4, $5, $6, $7, $8, $9, $10)").executeBatch(batch).replaceWith(true);
                }));
    }

    private StoredRecommendation stored(Row r, int from) {
        return new StoredRecommendation(r.getLocalDate(from), r.getString(from + 1),
                read(r.getString(from + 2), GuardrailState.class), read(r.getString(from + 3), GuardrailState.class),
                read(r.getString(from + 4), AssetRecommendation.class));
    }

    /** JSON text of a value. */
    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T read(String text, Class<T> type) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " unreadable: " + e.getMessage(), e);
        }
    }

    /** Parameters as the predictive module names them, from the in-force row and the engine's other defaults. */
    public static RecommendedParameters parameters(InForce f, double scanRange, double volShockUp,
            double volShockDown) {
        return RecommendedParameters.of(f.mmf(), f.imf(), f.haircut(), scanRange, volShockUp, volShockDown);
    }
}
