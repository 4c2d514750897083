package io.ballast.risk.recommendation.service;

import io.ballast.risk.common.Stopping;
import io.ballast.ml.api.Forecasts;
import io.ballast.ml.data.DailyBar;
import io.ballast.ml.data.DailySeries;
import io.ballast.ml.model.Progress;
import io.ballast.ml.registry.ChampionTraining;
import io.ballast.ml.registry.FittedModel;
import io.ballast.ml.registry.ModelArtifact;
import io.ballast.predictive.FloorVolatility;
import io.ballast.predictive.GuardrailSettings;
import io.ballast.predictive.GuardrailState;
import io.ballast.predictive.MappingSettings;
import io.ballast.predictive.ParameterMapper;
import io.ballast.predictive.Realised;
import io.ballast.predictive.Recommendation;
import io.ballast.predictive.RecommendedParameters;
import io.ballast.predictive.Recommender;
import io.ballast.predictive.VolForecast;
import io.ballast.risk.domain.TenantId;
import io.ballast.risk.governance.service.Evidence;
import io.ballast.risk.recommendation.config.RecommendationConfig;
import io.ballast.risk.recommendation.repository.RecommendationStore;
import io.ballast.risk.recommendation.repository.RecommendationStore.AssetRef;
import io.ballast.risk.recommendation.repository.RecommendationStore.ForecastRow;
import io.ballast.risk.recommendation.repository.RecommendationStore.InForce;
import io.ballast.risk.recommendation.repository.RecommendationStore.RegisteredModel;
import io.ballast.risk.recommendation.repository.RecommendationStore.StoredRecommendation;
import io.ballast.risk.recommendation.repository.RunRepository;
import io.ballast.risk.recommendation.repository.RunRepository.Kind;
import io.ballast.risk.recommendation.repository.RunRepository.Run;
import io.ballast.risk.service.MarketHistoryService;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The daily recommendation and the retraining, as jobs. Schedules queue runs ({@code recommendation_run}, once per
 * tenant, kind and day, whichever instance gets there first); every instance polls the queue and claims runs with
 * {@code FOR UPDATE SKIP LOCKED}. Forecasting, training and the engine run on this job's own executor
 * ({@code ballast.recommendations.threads} threads), never on the event loop or the shared worker pool, so margin
 * requests are not starved. A daily run forecasts from each asset's registered champion (trained and registered
 * first when the asset has none) and compares against the asset's risk parameters in force.
 */
@ApplicationScoped
public class RecommendationJob {

    private static final Logger LOG = Logger.getLogger(RecommendationJob.class);

    /** Fewest daily bars an asset needs: the baseline forecasters' minimum history plus the forecast day. */
    public static final int MIN_BARS = Forecasts.MIN_BASELINE_HISTORY_DAYS + 1;

    /** A recommendation computed on the job thread, with the state it leaves and the forecasts to store. */
    private record Made(AssetRecommendation recommendation, GuardrailState next, List<ForecastRow> forecasts) {
    }

    private final RunRepository runs;
    private final RecommendationStore store;
    private final MarketHistoryService history;
    private final GovernanceHandoff governance;
    private final RecommendationConfig config;
    private final ExecutorService executor;
    private final String instanceId;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Stopping stopping;

    /** Wires collaborators and starts the job's executor. */
    public RecommendationJob(RunRepository runs, RecommendationStore store, MarketHistoryService history,
            GovernanceHandoff governance, RecommendationConfig config, Stopping stopping) {
        this.stopping = stopping;
        this.runs = runs;
        this.store = store;
        this.history = history;
        this.governance = governance;
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "recommendation-job-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY - 1);
            return t;
        });
        this.instanceId = config.instanceId().orElse("instance-" + UUID.randomUUID());
    }

    /** Stops the executor. */
    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** Queues today's (UTC) daily run of every active tenant; every instance fires this, one run results. */
    @Scheduled(identity = "recommendations-daily", cron = "${ballast.recommendations.daily-cron:0 15 0 * * ?}",
            timeZone = "UTC", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduleDaily() {
        return runs.enqueueScheduled(Kind.DAILY, LocalDate.now(ZoneOffset.UTC), null)
                .invoke(n -> LOG.infof("daily recommendation runs queued: %d", n)).replaceWithVoid();
    }

    /** Queues this week's retraining of every active tenant (default Sundays 00:05 UTC). */
    @Scheduled(identity = "recommendations-retrain",
            cron = "${ballast.recommendations.retrain-cron:0 5 0 ? * SUN}", timeZone = "UTC",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduleRetrain() {
        return runs.enqueueScheduled(Kind.RETRAIN, LocalDate.now(ZoneOffset.UTC), null)
                .invoke(n -> LOG.infof("retraining runs queued: %d", n)).replaceWithVoid();
    }

    /**
     * The intraday pass of every active tenant (default 5 minutes past every hour, UTC): see {@link #intraday}. Every
     * instance fires this; a second instance's identical result is not stored twice (same history fingerprint and
     * hour), so governance receives it once.
     */
    @Scheduled(identity = "recommendations-intraday",
            cron = "${ballast.recommendations.intraday-cron:0 5 * * * ?}", timeZone = "UTC",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduleIntraday() {
        return intraday(null, null, Instant.now())
                .invoke(o -> LOG.infof("intraday pass: %d assets looked at, %d re-margined", o.size(),
                        o.stream().filter(x -> "RECOMMENDED".equals(x.getString("outcome"))).count()))
                .onFailure().invoke(e -> LOG.warnf("intraday pass failed: %s", e))
                .onFailure().recoverWithItem(List.of()).replaceWithVoid();
    }

    /** Claims and executes queued runs (default every 10 s). */
    @Scheduled(identity = "recommendations-poll", every = "${ballast.recommendations.poll-every:10s}",
            delayed = "${ballast.recommendations.poll-delay:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> poll() {
        return claimAndRun(instanceId)
                .onFailure().invoke(e -> stopping.passFailed(LOG, "recommendation poll failed", e))
                .onFailure().recoverWithItem(List.of()).replaceWithVoid();
    }

    /** Starts claiming at once (after a run was queued) instead of waiting for the next poll. */
    public void wake() {
        claimAndRun(instanceId).subscribe().with(ids -> { }, e -> LOG.warnf("recommendation run failed: %s", e));
    }

    /**
     * Queues the daily run of one day (tests and the demo; the schedule calls it for every tenant).
     *
     * @param day        the day
     * @param onlyTenant one tenant, or null for every active tenant
     * @return runs queued by this call (0 when they already existed)
     */
    public Uni<Integer> enqueueDaily(LocalDate day, UUID onlyTenant) {
        return runs.enqueueScheduled(Kind.DAILY, day, onlyTenant);
    }

    /**
     * Queues the retraining run of one day (tests; the weekly schedule calls it for every tenant).
     *
     * @param day        the day
     * @param onlyTenant one tenant, or null for every active tenant
     * @return runs queued by this call (0 when they already existed)
     */
    public Uni<Integer> enqueueRetrain(LocalDate day, UUID onlyTenant) {
        return runs.enqueueScheduled(Kind.RETRAIN, day, onlyTenant);
    }

    /**
     * Claims as many queued runs as this instance has free threads, as {@code claimer}, executes them, and goes on
     * claiming until the queue has nothing left for it; completes when they are done.
     *
     * @return ids of the runs this call executed
     */
    public Uni<List<UUID>> claimAndRun(String claimer) {
        int free = Math.max(0, config.threads() - inFlight.get());
        return runs.claim(claimer, free, config.lease(), config.maxAttempts()).flatMap(claimed -> {
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(List.<UUID>of());
            }
            inFlight.addAndGet(claimed.size());
            List<Uni<UUID>> all = new ArrayList<>();
            for (Run run : claimed) {
                all.add(execute(run, claimer).eventually(inFlight::decrementAndGet).replaceWith(run.id()));
            }
            return Uni.join().all(all).andCollectFailures().flatMap(done -> claimAndRun(claimer).map(more -> {
                List<UUID> ids = new ArrayList<>(done);
                ids.addAll(more);
                return ids;
            }));
        });
    }

    private Uni<Void> execute(Run run, String claimer) {
        TenantId tenant = TenantId.of(run.tenantId());
        LOG.infof("run %s (%s) of tenant %s claimed by %s, attempt %d", run.id(), run.kind(), tenant, claimer,
                run.attempts());
        LeaseHeartbeat lease = LeaseHeartbeat.start(runs, run.id(), claimer, config.lease(), config.heartbeat());
        return lease.renew().flatMap(x -> store.assets(tenant, null))
                .flatMap(assets -> Multi.createFrom().iterable(assets)
                        .onItem().transformToUniAndConcatenate(a -> lease.ensureHeld().flatMap(x ->
                                Kind.valueOf(run.kind()) == Kind.RETRAIN ? retrain(tenant, a, lease)
                                        : recommend(tenant, a, run.id(), lease))
                                .onFailure(e -> !(e instanceof LeaseHeartbeat.LeaseLost)).recoverWithItem(e ->
                                        outcome(a, "FAILED").put("reason", String.valueOf(e.getMessage()))))
                        .collect().asList())
                .flatMap(outcomes -> runs.finish(run.id(), claimer, true,
                        new JsonObject().put("assets", new JsonArray(new ArrayList<>(outcomes))), null))
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf(e, "run %s failed", run.id());
                    return runs.finish(run.id(), claimer, false, null, String.valueOf(e.getMessage()));
                })
                .invoke(mine -> {
                    if (!mine) {
                        LOG.warnf("run %s was taken over by another instance before %s finished it", run.id(),
                                claimer);
                    }
                })
                .eventually(lease::close)
                .replaceWithVoid();
    }

    /** Retrains and registers every horizon's champion of one asset. */
    private Uni<JsonObject> retrain(TenantId tenant, AssetRef asset, LeaseHeartbeat lease) {
        return history.bars(tenant, asset.id(), null, null).flatMap(bars -> {
            if (bars.size() < MIN_BARS) {
                return Uni.createFrom().item(notEnough(asset, bars.size()));
            }
            return train(tenant, asset, bars, lease).map(version -> outcome(asset, "TRAINED")
                    .put("modelVersion", version));
        });
    }

    private Uni<Integer> train(TenantId tenant, AssetRef asset, List<DailyBar> bars, LeaseHeartbeat lease) {
        MappingSettings mapping = MappingSettings.defaults();
        return onJobThread(() -> {
            DailySeries series = DailySeries.of(bars);
            String trainedAt = Instant.now().toString();
            List<ModelArtifact> artifacts = new ArrayList<>();
            for (int h : Recommender.horizons(mapping)) {
                ChampionTraining.Trained t = ChampionTraining.train(asset.symbol(), series, h, Progress.NONE);
                LOG.infof("trained %s %s h=%d: champion %s in %d ms", tenant, asset.symbol(), h,
                        t.champion().name(), t.trainMillis());
                artifacts.add(ModelArtifact.of(t, trainedAt, Map.of("tenantId", tenant.toString())));
            }
            return artifacts;
        }).call(lease::ensureHeld).flatMap(artifacts -> store.register(tenant, asset.id(), artifacts));
    }

    /** Makes (or finds) one asset's recommendation for the day after its last bar. */
    private Uni<JsonObject> recommend(TenantId tenant, AssetRef asset, UUID runId, LeaseHeartbeat lease) {
        return atClose(tenant, asset, (bars, date, fingerprint, existing) -> {
            if (existing != null) {
                return lease.ensureHeld().flatMap(x -> handOverAgain(tenant, asset, existing.served(), bars))
                        .replaceWith(done(asset, "REUSED", existing.served()));
            }
            return championsOf(tenant, asset, bars, lease).flatMap(models -> store.latestBefore(tenant, asset.id(),
                            date).flatMap(previous -> store.inForce(tenant, asset.id())
                            .flatMap(inForce -> governance.settingsInForce(tenant, asset.id())
                                    .flatMap(settings -> compute(tenant, asset, runId, bars, date, models,
                                            previous, inForce, TenantSettings.of(settings), fingerprint, lease)))));
        });
    }

    /** What a step at an asset's last close works on. */
    @FunctionalInterface
    private interface AtClose {
        /**
         * @param bars        the asset's daily bars, at least {@link #MIN_BARS}
         * @param date        the day after the last bar (the day the close's recommendation is for)
         * @param fingerprint the history's fingerprint
         * @param close       the recommendation stored for that day and history at the close, or null
         * @return the asset's outcome
         */
        Uni<JsonObject> apply(List<DailyBar> bars, LocalDate date, String fingerprint, StoredRecommendation close);
    }

    /**
     * Reads the asset's daily bars and the recommendation stored at their last close and runs {@code step} on them;
     * NOT_COMPUTED when the history is too short.
     */
    private Uni<JsonObject> atClose(TenantId tenant, AssetRef asset, AtClose step) {
        return history.bars(tenant, asset.id(), null, null).flatMap(bars -> {
            if (bars.size() < MIN_BARS) {
                return Uni.createFrom().item(notEnough(asset, bars.size()));
            }
            LocalDate date = bars.get(bars.size() - 1).date().plusDays(1);
            String fingerprint = fingerprint(bars);
            return store.existing(tenant, asset.id(), date, fingerprint)
                    .flatMap(existing -> step.apply(bars, date, fingerprint, existing));
        });
    }

    /**
     * Hands a recommendation stored earlier to governance again: if the instance died between storing it and handing
     * it over, this is where it reaches governance; otherwise governance answers ALREADY_RECEIVED and nothing moves.
     */
    private Uni<Void> handOverAgain(TenantId tenant, AssetRef asset, AssetRecommendation served,
            List<DailyBar> bars) {
        return store.champions(tenant, asset.id(), asset.symbol()).flatMap(models -> store.inForce(tenant,
                asset.id()).flatMap(inForce -> governance.settingsInForce(tenant, asset.id()).flatMap(settings ->
                governance.submit(tenant, asset.id(), served, accuracy(models.get(served.settings().mporPerpDays())),
                        replay(tenant, asset, bars, models, TenantSettings.of(settings), inForce)))));
    }

    /** Starts the replay of the recommending policy for a proposal's evidence, on this job's own executor. */
    private Supplier<Uni<Evidence.PolicyCoverage>> replay(TenantId tenant, AssetRef asset, List<DailyBar> bars,
            Map<Integer, RegisteredModel> models, TenantSettings settings, InForce inForce) {
        Map<Integer, FittedModel> fitted = new TreeMap<>();
        models.forEach((h, m) -> fitted.put(h, m.artifact().fitted()));
        return () -> onJobThread(() -> {
            Evidence.PolicyCoverage c = PolicyReplay.replay(tenant.toString(), asset.symbol(), bars, fitted,
                    settings.mapping(), settings.guardrails(), inForce == null ? null : inForce.mmf());
            LOG.infof("policy replay %s %s for a proposal's evidence: %s", tenant, asset.symbol(), c == null
                    ? "history too short" : c.days() + " days in " + c.replayMillis() + " ms");
            return c;
        });
    }

    /** The registered champions of every horizon; trains and registers them first when one is missing. */
    private Uni<Map<Integer, RegisteredModel>> championsOf(TenantId tenant, AssetRef asset, List<DailyBar> bars,
            LeaseHeartbeat lease) {
        Set<Integer> horizons = Recommender.horizons(MappingSettings.defaults());
        return store.champions(tenant, asset.id(), asset.symbol()).flatMap(models -> {
            if (models.keySet().containsAll(horizons)) {
                return Uni.createFrom().item(models);
            }
            return train(tenant, asset, bars, lease).flatMap(v -> store.champions(tenant, asset.id(), asset.symbol()));
        });
    }

    private Uni<JsonObject> compute(TenantId tenant, AssetRef asset, UUID runId, List<DailyBar> bars,
            LocalDate date, Map<Integer, RegisteredModel> models, StoredRecommendation previous, InForce inForce,
            TenantSettings settings, String fingerprint, LeaseHeartbeat lease) {
        MappingSettings mapping = settings.mapping();
        GuardrailSettings guardrails = settings.guardrails();
        GuardrailState fed = fed(inForce, settings, previous, date, guardrails);
        return onJobThread(() -> {
            long t0 = System.nanoTime();
            LocalDate last = bars.get(bars.size() - 1).date();
            DailySeries series = DailySeries.of(bars);
            Map<Integer, VolForecast> forecasts = new TreeMap<>();
            List<ForecastRow> rows = new ArrayList<>();
            List<AssetRecommendation.Forecast> served = new ArrayList<>();
            for (var e : models.entrySet()) {
                FittedModel m = e.getValue().artifact().fitted();
                double variance = m.forecastVariance(series);
                forecasts.put(e.getKey(), VolForecast.of(asset.symbol(), m.name(), e.getKey(), last, variance));
                rows.add(new ForecastRow(e.getKey(), m.name(), e.getValue(), variance));
                served.add(new AssetRecommendation.Forecast(e.getKey(), m.name(), e.getValue().version(), variance));
            }
            Recommendation r = Recommender.withForecasts(tenant.toString(), asset.symbol(), bars, forecasts,
                    mapping, guardrails, fed, date);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            int version = models.get(mapping.mporPerpDays()).version();
            AssetRecommendation rec = new AssetRecommendation(UUID.randomUUID(), runId, asset.symbol(), r.date(),
                    last, bars.size(), r.decision().name(), r.recommended(), r.raw(), r.live(),
                    inForce == null ? null : inForce.version(), r.forecastModel(), version, served,
                    r.fallbackReason(), r.sigmaPerp(), r.sigmaOption(), floor(bars, mapping, guardrails),
                    r.bindingGuardrails(), r.evidence(), mapping, millis);
            LOG.infof("recommendation %s %s for %s: model %s v%d, decision %s, %d ms", tenant, asset.symbol(),
                    r.date(), r.forecastModel(), version, r.decision(), millis);
            return new Made(rec, r.nextState(), rows);
        }).call(lease::ensureHeld).flatMap(made -> {
            AssetRecommendation rec = made.recommendation();
            return store.store(tenant, asset.id(), runId, rec, fingerprint, fed, made.next(), made.forecasts())
                    .flatMap(stored -> stored
                            ? governance.submit(tenant, asset.id(), rec, accuracy(models.get(
                                    rec.settings().mporPerpDays())), replay(tenant, asset, bars, models, settings, inForce))
                                    .replaceWith(done(asset, "RECOMMENDED", rec))
                            : store.existing(tenant, asset.id(), date, fingerprint)
                                    .map(other -> done(asset, "REUSED", other.served())));
        });
    }

    /**
     * Intraday re-margining (docs/predictive-margin.md section 7): for every asset with a recommendation made at the
     * last close, the close's forecasts are updated with the variance realised since that close, computed from the
     * last index price of each complete UTC hour in {@code market_price} ({@link Recommender#realisedSinceClose}, as
     * the backtest does from hourly bars), and the decision is the backtest's ({@link Recommender#intraday}): the
     * close's recommendation recomputed from the state that close started from, a raise only when what was realised
     * acted ({@code intraday-update} or {@code stress-release}) and the result is above what is live (the parameters
     * in force combined with the day's latest stored recommendation, so a pending proposal is not proposed again).
     * A raise goes through the same store, governance hand-off (AUTO_APPLY or PROPOSAL), audit and outbox as a daily
     * one, with the evidence line "intraday re-margining ..."; otherwise nothing is written.
     *
     * @param onlyTenant one tenant, or null for every active tenant
     * @param onlySymbol one asset, or null for every asset of the tenant(s)
     * @param now        the time of the pass: hours up to its start of hour count
     * @return per asset, its outcome (RECOMMENDED, NO_RAISE, NO_PRICES, NO_CLOSE_RECOMMENDATION, NOTHING_IN_FORCE,
     *         NOT_COMPUTED or FAILED) with its tenantId
     */
    public Uni<List<JsonObject>> intraday(UUID onlyTenant, String onlySymbol, Instant now) {
        return store.activeTenants(onlyTenant).flatMap(ids -> Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(id -> {
                    TenantId tenant = TenantId.of(id);
                    return store.assets(tenant, onlySymbol).flatMap(assets -> Multi.createFrom().iterable(assets)
                            .onItem().transformToUniAndConcatenate(a -> intradayOf(tenant, a, now)
                                    .onFailure().recoverWithItem(e -> outcome(a, "FAILED")
                                            .put("reason", String.valueOf(e.getMessage())))
                                    .map(o -> o.put("tenantId", id.toString())))
                            .collect().asList());
                })
                .collect().asList()
                .map(lists -> lists.stream().flatMap(List::stream).toList()));
    }

    private Uni<JsonObject> intradayOf(TenantId tenant, AssetRef asset, Instant now) {
        return atClose(tenant, asset, (bars, date, fingerprint, daily) -> {
            LocalDate last = date.minusDays(1);
            Instant close = date.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant until = now.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
            Instant to = until.isAfter(close.plusSeconds(23 * 3600)) ? close.plusSeconds(23 * 3600) : until;
            if (daily == null) {
                return Uni.createFrom().item(outcome(asset, "NO_CLOSE_RECOMMENDATION").put("reason",
                        "no recommendation made at the close of " + last));
            }
            if (daily.startedFrom() == null) {
                return Uni.createFrom().item(outcome(asset, "NOTHING_IN_FORCE").put("reason",
                        "nothing was in force at the close of " + last));
            }
            if (!to.isAfter(close)) {
                return Uni.createFrom().item(outcome(asset, "NO_PRICES"));
            }
            return store.hourlyIndexCloses(tenant, asset.id(), close, to).flatMap(hourly -> {
                if (hourly.isEmpty()) {
                    return Uni.createFrom().item(outcome(asset, "NO_PRICES"));
                }
                return store.latestFor(tenant, asset.id(), date).flatMap(base -> store.inForce(tenant,
                        asset.id()).flatMap(inForce -> governance.settingsInForce(tenant, asset.id())
                        .flatMap(settings -> {
                            if (inForce == null) {
                                return Uni.createFrom().item(outcome(asset, "NOTHING_IN_FORCE"));
                            }
                            return intradayCompute(tenant, asset, bars, daily, base, hourly, inForce,
                                    TenantSettings.of(settings), fingerprint);
                        })));
            });
        });
    }

    /**
     * One asset's intraday decision ({@link Recommender#intraday}, the backtest's too): from the state the close's
     * recommendation started from, against what is live now. Live is the parameters in force combined (the higher of
     * each) with the day's latest stored recommendation: under auto-apply the two are the same, as in the backtest;
     * while a proposal of the close (or of an earlier hour) waits for the committee, it is what a raise must exceed,
     * so the same proposal is not made again every hour. That is the one way governance makes the service's decision
     * differ from the backtest's, which applies every recommendation.
     */
    private Uni<JsonObject> intradayCompute(TenantId tenant, AssetRef asset, List<DailyBar> bars,
            StoredRecommendation daily, StoredRecommendation base, List<io.ballast.ml.data.HourlyBar> hourly,
            InForce inForce, TenantSettings settings, String fingerprint) {
        MappingSettings mapping = settings.mapping();
        GuardrailSettings guardrails = settings.guardrails();
        RecommendedParameters live = RecommendationStore.parameters(inForce, settings.scanRangeFraction(),
                settings.volShockUpFraction(), settings.volShockDownFraction())
                .combine(base.state().applied(), Math::max);
        GuardrailState current = new GuardrailState(base.state().date(), live, base.state().smoothed(),
                base.state().bufferLevel());
        AssetRecommendation close = daily.served();
        LocalDate last = close.lastBarDate();
        Map<Integer, VolForecast> forecasts = new TreeMap<>();
        for (AssetRecommendation.Forecast f : close.forecasts()) {
            forecasts.put(f.horizonDays(), VolForecast.of(asset.symbol(), f.model(), f.horizonDays(), last,
                    f.variance()));
        }
        String hour = hourly.get(hourly.size() - 1).time().toString();
        return onJobThread(() -> {
            long t0 = System.nanoTime();
            Recommender.Intraday decision = Recommender.intraday(tenant.toString(), asset.symbol(), bars, hourly,
                    forecasts, mapping, guardrails, daily.startedFrom(), live);
            if (decision == null) {
                return null;
            }
            Recommendation r = decision.recommendation();
            Realised since = decision.since();
            List<String> evidence = new ArrayList<>();
            evidence.add(String.format(java.util.Locale.ROOT, "intraday re-margining at %s + 1 h: %d hourly index "
                    + "prices since the close of %s, realised variance %.6f over %.0f h, move %.4f over the perp "
                    + "MPOR; the forecasts of that close, from the state that close started from", hour,
                    hourly.size(), last, since.variance(), since.elapsedHours(), since.moveAbs()));
            evidence.addAll(r.evidence());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            AssetRecommendation rec = new AssetRecommendation(UUID.randomUUID(), close.runId(), asset.symbol(),
                    r.date(), last, bars.size(), r.decision().name(), r.recommended(), r.raw(), r.live(),
                    inForce.version(), r.forecastModel(), close.modelVersion(), close.forecasts(),
                    r.fallbackReason(), r.sigmaPerp(), r.sigmaOption(), floor(bars, mapping, guardrails),
                    r.bindingGuardrails(), evidence, mapping, millis);
            LOG.infof("intraday %s %s after %.0f h: decision %s, raises %s", tenant, asset.symbol(),
                    since.elapsedHours(), r.decision(), decision.raises());
            return decision.raises() ? new Made(rec, decision.after(current), List.of()) : null;
        }).flatMap(made -> {
            if (made == null) {
                return Uni.createFrom().item(outcome(asset, "NO_RAISE"));
            }
            AssetRecommendation rec = made.recommendation();
            return store.store(tenant, asset.id(), close.runId(), rec, fingerprint + "/intraday/" + hour,
                            daily.startedFrom(), made.next(), List.of())
                    .flatMap(stored -> !stored ? Uni.createFrom().item(outcome(asset, "REUSED"))
                            : store.champions(tenant, asset.id(), asset.symbol()).flatMap(models -> governance
                                    .submit(tenant, asset.id(), rec, accuracy(models.get(mapping.mporPerpDays())),
                                            replay(tenant, asset, bars, models, settings, inForce))
                                    .replaceWith(done(asset, "RECOMMENDED", rec))));
        });
    }

    /** The validation QLIKE of every candidate when the serving model was chosen (lower is better), by model. */
    static Map<String, Double> accuracy(RegisteredModel serving) {
        Map<String, Double> out = new TreeMap<>();
        Object q = serving == null ? null : serving.artifact().metadata().get("validationQlike");
        if (q instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (v instanceof Number n) {
                    out.put("validationQlike." + k, n.doubleValue());
                }
            });
        }
        return out;
    }

    /**
     * What the guardrails compare against: the parameters IN FORCE (the asset's latest effective
     * {@code risk_parameter} version, and the scan range and vol shocks of the risk settings in force), never an earlier recommendation, so an unapproved
     * proposal is not the base of the next day's cap. Smoothing and the buffer level carry over from the previous
     * recommendation (they are the model's state, not live values). Null when nothing is in force.
     */
    static GuardrailState fed(InForce inForce, TenantSettings settings, StoredRecommendation previous,
            LocalDate date, GuardrailSettings g) {
        if (inForce == null) {
            return null;
        }
        RecommendedParameters live = RecommendationStore.parameters(inForce, settings.scanRangeFraction(),
                settings.volShockUpFraction(), settings.volShockDownFraction());
        if (previous == null || previous.state() == null) {
            return new GuardrailState(date.minusDays(1), live, live, g.bufferFraction());
        }
        return new GuardrailState(previous.evaluationDate(), live, previous.state().smoothed(),
                previous.state().bufferLevel());
    }

    private static AssetRecommendation.Floor floor(List<DailyBar> bars, MappingSettings mapping,
            GuardrailSettings guardrails) {
        double[] floorSeries = FloorVolatility.forMode(guardrails.floorMode(), FloorVolatility.logReturns(bars));
        double floorVol = floorSeries[floorSeries.length - 1];
        boolean on = guardrails.floorMode() != GuardrailSettings.FloorMode.NONE && floorVol > 0
                && Double.isFinite(floorVol);
        double floorMmf = on ? guardrails.floorWeight() * ParameterMapper.DEFAULT.map(
                floorVol * Math.sqrt(mapping.mporPerpDays()), floorVol * Math.sqrt(mapping.mporOptionDays()),
                mapping).mmf() : 0.0;
        return new AssetRecommendation.Floor(guardrails.floorMode().name(), guardrails.floorWeight(), floorVol,
                floorMmf);
    }

    private <T> Uni<T> onJobThread(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(executor);
    }

    private static JsonObject outcome(AssetRef asset, String outcome) {
        return new JsonObject().put("asset", asset.symbol()).put("outcome", outcome);
    }

    private static JsonObject notEnough(AssetRef asset, int bars) {
        return outcome(asset, "NOT_COMPUTED").put("bars", bars).put("reason", notEnoughReason(asset.symbol(), bars));
    }

    /** Why an asset with {@code bars} daily bars gets no recommendation. */
    public static String notEnoughReason(String symbol, long bars) {
        return "not enough daily history: " + bars + " bars, at least " + MIN_BARS + " needed (PUT "
                + "/api/v1/market/history/" + symbol + ")";
    }

    private static JsonObject done(AssetRef asset, String outcome, AssetRecommendation rec) {
        return outcome(asset, outcome).put("recommendationId", String.valueOf(rec.id()))
                .put("date", String.valueOf(rec.date())).put("decision", rec.decision())
                .put("forecastModel", rec.forecastModel()).put("modelVersion", rec.modelVersion());
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
