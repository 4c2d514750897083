package io.ballast.risk.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailyBar;
import io.ballast.predictive.FloorVolatility;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.GuardrailState;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.ParameterMapper;
import io.ballast.predictive.Recommendation;
import io.ballast.predictive.RecommendedParameters;
import io.ballast.predictive.Recommender;
import io.ballast.risk.domain.ApiException;
import io.ballast.risk.domain.TenantId;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Predictive-margin recommendations per asset of a tenant. One read loads each asset's daily history and its latest
 * stored recommendation; the forecaster and engine then run on a worker thread (off the event loop, outside any
 * transaction). A recommendation is made once per asset, day (the day after the last bar) and history: every new one
 * is appended to {@code margin_recommendation} and its guardrail state feeds the next day's; a repeated call with the
 * same history is served the stored one, so repeated calls neither recompute nor compound the daily change limit.
 * Nothing here changes live risk parameters.
 */
@ApplicationScoped
public class RecommendationService {

    private static final Logger LOG = Logger.getLogger(RecommendationService.class);

    /** Fewest daily bars an asset needs: the baseline forecasters' minimum history plus the forecast day. */
    public static final int MIN_BARS = Forecasts.MIN_BASELINE_HISTORY_DAYS + 1;

    /**
     * The floor the anti-procyclicality guardrail applied.
     *
     * @param mode     floor mode (LONG_LOOKBACK, STRESSED_PERIOD or NONE)
     * @param weight   weight on the floor parameters
     * @param dailyVol floor daily log-return volatility
     * @param mmf      the floor on MMF: weight times the MMF mapped from the floor volatility
     */
    public record Floor(String mode, double weight, double dailyVol, double mmf) {
    }

    /**
     * One asset's recommendation as served.
     *
     * @param asset             asset symbol
     * @param date              day the parameters are for (the day after the last bar)
     * @param lastBarDate       last daily bar used
     * @param bars              daily bars used
     * @param decision          AUTO_APPLY (every parameter within the tenant's auto-apply bound of live) or PROPOSAL
     * @param recommended       parameters after every guardrail (fractions)
     * @param raw               parameters mapped from the forecast used, before guardrails
     * @param live              parameters compared against (the previous recommendation), or null the first time
     * @param forecastModel     model whose forecast was used ("EWMA" after a fallback)
     * @param fallbackReason    why the configured model was not used, or null
     * @param sigmaPerp         forecast volatility over the perp MPOR (log-return standard deviation)
     * @param sigmaOption       forecast volatility over the option MPOR
     * @param floor             the anti-procyclicality floor
     * @param bindingGuardrails guardrails that changed at least one parameter, in the order applied
     * @param evidence          human-readable lines from the engine
     * @param settings          the mapping settings used (coverage, MPORs, multipliers)
     * @param computeMillis     wall time of the forecaster and engine when the recommendation was made, milliseconds
     * @param reused            true when this is the stored recommendation of an earlier call with the same day and
     *                          the same history (it is made once per day and history)
     */
    public record AssetRecommendation(String asset, LocalDate date, LocalDate lastBarDate, int bars, String decision,
            RecommendedParameters recommended, RecommendedParameters raw, RecommendedParameters live,
            String forecastModel, String fallbackReason, double sigmaPerp, double sigmaOption, Floor floor,
            List<String> bindingGuardrails, List<String> evidence, MappingSettings settings, long computeMillis,
            boolean reused) {

        AssetRecommendation asReused() {
            return new AssetRecommendation(asset, date, lastBarDate, bars, decision, recommended, raw, live,
                    forecastModel, fallbackReason, sigmaPerp, sigmaOption, floor, bindingGuardrails, evidence,
                    settings, computeMillis, true);
        }
    }

    /**
     * An asset without a recommendation and why.
     *
     * @param asset  asset symbol
     * @param bars   daily bars stored
     * @param reason why nothing was recommended
     */
    public record NotComputed(String asset, int bars, String reason) {
    }

    /**
     * The answer of one call.
     *
     * @param model           forecaster model asked for ("champion" or a fixed name)
     * @param recommendations one entry per asset with a recommendation, by symbol
     * @param notComputed     assets without one, by symbol
     */
    public record Recommendations(String model, List<AssetRecommendation> recommendations,
            List<NotComputed> notComputed) {
    }

    /** The latest stored recommendation of an asset. */
    private record Stored(LocalDate date, String fingerprint, GuardrailState state, GuardrailState previousState,
            AssetRecommendation served) {
    }

    private record Input(UUID assetId, String symbol, List<DailyBar> bars, Stored latest) {
    }

    /** What a computation produced: a new recommendation to store (with its input state), a reuse, or a problem. */
    private record Output(Input input, AssetRecommendation served, GuardrailState previous, GuardrailState next,
            String fingerprint, String problem) {
    }

    private final Pool pool;
    private final MarketHistoryService history;
    private final ObjectMapper json;
    private final String model;

    /** Wires collaborators; {@code ballast.recommendations.model} picks the forecaster model. */
    public RecommendationService(Pool pool, MarketHistoryService history, ObjectMapper json,
            @ConfigProperty(name = "ballast.recommendations.model", defaultValue = "champion") String model) {
        this.pool = pool;
        this.history = history;
        this.json = json;
        this.model = model;
    }

    /**
     * Recommends for every asset of the tenant (or only {@code asset}, 404 if unknown) with the module's default
     * settings, stores each recommendation and answers them.
     */
    public Uni<Recommendations> recommend(TenantId tenant, String asset) {
        return load(tenant, asset)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(inputs -> inputs.stream().map(in -> compute(tenant, in)).toList())
                .flatMap(outputs -> store(tenant, outputs).replaceWith(answer(outputs)));
    }

    private Uni<List<Input>> load(TenantId tenant, String asset) {
        return pool.preparedQuery("select id, symbol from asset where tenant_id = $1 and ($2::text is null or "
                        + "symbol = $2) order by symbol").execute(Tuple.of(tenant.value(), asset))
                .flatMap(assets -> {
                    if (asset != null && assets.rowCount() == 0) {
                        return Uni.createFrom().failure(ApiException.notFound("asset", asset));
                    }
                    List<Row> rows = new ArrayList<>();
                    assets.forEach(rows::add);
                    return pool.preparedQuery("select distinct on (asset_id) asset_id, evaluation_date, "
                                    + "history_fingerprint, guardrail_state::text, previous_state::text, "
                                    + "recommendation::text from margin_recommendation where tenant_id = $1 "
                                    + "order by asset_id, created_at desc")
                            .execute(Tuple.of(tenant.value())).map(states -> Map.entry(rows, states));
                })
                .flatMap(loaded -> {
                    List<Row> rows = loaded.getKey();
                    var states = loaded.getValue();
                    Map<UUID, Stored> latest = new HashMap<>();
                    for (Row s : states) {
                        latest.put(s.getUUID(0), new Stored(s.getLocalDate(1), s.getString(2),
                                read(s.getString(3), GuardrailState.class), read(s.getString(4), GuardrailState.class),
                                read(s.getString(5), AssetRecommendation.class)));
                    }
                    List<Uni<Input>> reads = new ArrayList<>();
                    for (Row a : rows) {
                        UUID id = a.getUUID(0);
                        String symbol = a.getString(1);
                        reads.add(history.bars(tenant, id, null, null)
                                .map(bars -> new Input(id, symbol, bars, latest.get(id))));
                    }
                    return reads.isEmpty() ? Uni.createFrom().item(List.<Input>of())
                            : Uni.join().all(reads).andFailFast();
                });
    }

    private Output compute(TenantId tenant, Input in) {
        if (in.bars().size() < MIN_BARS) {
            return new Output(in, null, null, null, null, "not enough daily history: " + in.bars().size() + " bars, at least "
                    + MIN_BARS + " needed (PUT /api/v1/market/history/" + in.symbol() + ")");
        }
        MappingSettings mapping = MappingSettings.defaults();
        GuardrailSettings guardrails = GuardrailSettings.defaults();
        LocalDate last = in.bars().get(in.bars().size() - 1).date();
        LocalDate date = last.plusDays(1);
        String fingerprint = fingerprint(in.bars());
        Stored stored = in.latest();
        boolean sameDay = stored != null && stored.date().equals(date);
        if (sameDay && fingerprint.equals(stored.fingerprint()) && stored.served() != null) {
            return new Output(in, stored.served().asReused(), null, null, fingerprint, null);
        }
        // a same-day remake (corrected history) starts from the state that fed the day's first recommendation
        GuardrailState previous = stored == null ? null : sameDay ? stored.previousState() : stored.state();
        long t0 = System.nanoTime();
        Recommendation r;
        try {
            r = Recommender.latest(tenant.toString(), in.symbol(), in.bars(), model, mapping, guardrails,
                    previous, date);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new Output(in, null, null, null, fingerprint, "no recommendation: " + e.getMessage());
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        LOG.infof("recommendation %s %s: model %s, %d bars, %d ms", tenant, in.symbol(), r.forecastModel(),
                in.bars().size(), millis);
        double[] floorSeries = FloorVolatility.forMode(guardrails.floorMode(), FloorVolatility.logReturns(in.bars()));
        double floorVol = floorSeries[floorSeries.length - 1];
        boolean floorOn = guardrails.floorMode() != GuardrailSettings.FloorMode.NONE && floorVol > 0
                && Double.isFinite(floorVol);
        double floorMmf = floorOn ? guardrails.floorWeight() * ParameterMapper.DEFAULT.map(
                floorVol * Math.sqrt(mapping.mporPerpDays()), floorVol * Math.sqrt(mapping.mporOptionDays()),
                mapping).mmf() : 0.0;
        Floor floor = new Floor(guardrails.floorMode().name(), guardrails.floorWeight(), floorVol, floorMmf);
        AssetRecommendation served = new AssetRecommendation(in.symbol(), r.date(), last, in.bars().size(),
                r.decision().name(), r.recommended(), r.raw(), r.live(), r.forecastModel(), r.fallbackReason(),
                r.sigmaPerp(), r.sigmaOption(), floor, r.bindingGuardrails(), r.evidence(), mapping, millis, false);
        return new Output(in, served, previous, r.nextState(), fingerprint, null);
    }

    private Uni<Void> store(TenantId tenant, List<Output> outputs) {
        List<Tuple> rows = new ArrayList<>();
        for (Output o : outputs) {
            if (o.served() == null || o.served().reused()) {
                continue;
            }
            AssetRecommendation a = o.served();
            rows.add(Tuple.from(java.util.Arrays.asList(UUID.randomUUID(), tenant.value(), o.input().assetId(),
                    a.date(), a.lastBarDate(), a.forecastModel(), a.decision(), a.recommended().mmf(),
                    a.recommended().imf(), write(o.next()), write(a), o.fingerprint(),
                    o.previous() == null ? null : write(o.previous()))));
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(conn -> conn.preparedQuery("insert into margin_recommendation (id, tenant_id, "
                        + "asset_id, evaluation_date, last_bar_date, forecast_model, decision, mmf, imf, "
                        + "guardrail_state, recommendation, history_fingerprint, previous_state) values ($1, $2, $3, "
                        + "$4, $5, $6, $7, $8, $9, $10::text::jsonb, $11::text::jsonb, $12, $13::text::jsonb)").executeBatch(rows)).replaceWithVoid();
    }

    private Recommendations answer(List<Output> outputs) {
        List<AssetRecommendation> served = new ArrayList<>();
        List<NotComputed> missing = new ArrayList<>();
        for (Output o : outputs) {
            if (o.served() != null) {
                served.add(o.served());
            } else {
                missing.add(new NotComputed(o.input().symbol(), o.input().bars().size(), o.problem()));
            }
        }
        return new Recommendations(model, served, missing);
    }

    private String write(Object value) {
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

    /** SHA-256 over every bar's date and OHLCV, hex: equal for the same history. */
    static String fingerprint(List<DailyBar> bars) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(48);
            for (DailyBar b : bars) {
                buf.clear();
                buf.putLong(b.date().toEpochDay()).putDouble(b.open()).putDouble(b.high()).putDouble(b.low())
                        .putDouble(b.close()).putDouble(b.volume());
                md.update(buf.array(), 0, buf.position());
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing", e);
        }
    }
}
